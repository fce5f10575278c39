"""PostgreSQL: each staff member's own login, kept in line with the staff tables.

- ``klachtdesk_login_maken(naam, verificatie)`` makes (or gives a new password to) the
  login of a staff member. ``verificatie`` is the SCRAM verifier the client computed from
  the password (``logins.verifier``): the password itself never reaches the server, a
  log or a table. NULL: no password (peer, certificate or LDAP authenticate the login).
- A trigger on ``staff_role`` grants and revokes the group roles, a trigger on ``staff``
  switches the login off (NOLOGIN) and on with ``active``: the memberships follow the one
  place where the roles are kept, whoever changes it.

All are SECURITY DEFINER functions of the owner, for the beheerder group only, and touch
only plain logins named after a staff member: never a superuser, a role that may create
roles, the owner, or a group role of the desk.
"""

from __future__ import annotations

from klachtdesk.models import StaffRole

PREFIX = "klachtdesk_"
ADMIN_GROUP = PREFIX + StaffRole.ADMIN.value
_OWNER = "(SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'staff')"
#: a role klachtdesk may manage: a staff member's plain login
_MANAGEABLE = (
    "EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = {name} AND NOT r.rolsuper AND NOT r.rolcreaterole "
    "AND NOT r.rolreplication AND NOT r.rolbypassrls AND r.rolname <> " + _OWNER + " "
    "AND r.rolname NOT LIKE '" + PREFIX + "%')"
)
_BEHEERDER = (
    "IF NOT (pg_has_role(session_user, '" + ADMIN_GROUP + "', 'MEMBER') OR pg_has_role(session_user, "
    + _OWNER + ", 'MEMBER')) THEN RAISE EXCEPTION 'alleen de beheerder beheert de databaselogins' "
    "USING ERRCODE = '42501'; END IF;\n"
)
_SYNC = (
    "CREATE OR REPLACE FUNCTION klachtdesk_login_bijwerken(naam text) RETURNS void LANGUAGE plpgsql "
    "SECURITY DEFINER SET search_path = public, pg_temp AS $$\n"
    "DECLARE g record; member_id integer; is_active boolean; can_login boolean;\n"
    "BEGIN\n"
    "  IF NOT " + _MANAGEABLE.format(name="naam") + " THEN RETURN; END IF;\n"
    # one change of a login at a time, and only what differs: two sessions that change the
    # same login at once would otherwise meet in the catalog ('tuple concurrently updated')
    "  PERFORM pg_advisory_xact_lock(hashtext('klachtdesk_login'), hashtext(naam));\n"
    "  SELECT id, active INTO member_id, is_active FROM staff WHERE username = naam;\n"
    "  FOR g IN SELECT rolname FROM pg_roles WHERE rolname LIKE '" + PREFIX + "%' AND NOT rolcanlogin LOOP\n"
    "    IF member_id IS NOT NULL AND EXISTS (SELECT 1 FROM staff_role WHERE staff_id = member_id\n"
    "        AND '" + PREFIX + "' || role = g.rolname) THEN\n"
    "      IF NOT pg_has_role(naam, g.rolname, 'MEMBER') THEN EXECUTE format('GRANT %I TO %I', g.rolname, naam); END IF;\n"
    "    ELSIF pg_has_role(naam, g.rolname, 'MEMBER') THEN\n"
    "      EXECUTE format('REVOKE %I FROM %I', g.rolname, naam);\n"
    "    END IF;\n"
    "  END LOOP;\n"
    "  SELECT rolcanlogin INTO can_login FROM pg_roles WHERE rolname = naam;\n"
    "  IF coalesce(is_active, false) AND NOT can_login THEN EXECUTE format('ALTER ROLE %I LOGIN', naam);\n"
    "  ELSIF NOT coalesce(is_active, false) AND can_login THEN EXECUTE format('ALTER ROLE %I NOLOGIN', naam);\n"
    "  END IF;\n"
    "END $$"
)
_MAKE = (
    "CREATE OR REPLACE FUNCTION klachtdesk_login_maken(naam text, verificatie text) RETURNS void "
    "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$\n"
    "BEGIN\n" + _BEHEERDER +
    "  IF NOT EXISTS (SELECT 1 FROM staff WHERE username = naam) THEN\n"
    "    RAISE EXCEPTION 'geen medewerker %', naam USING ERRCODE = '22023'; END IF;\n"
    "  IF verificatie IS NOT NULL AND verificatie NOT LIKE 'SCRAM-SHA-256$%' THEN\n"
    "    RAISE EXCEPTION 'geen SCRAM-verificatie' USING ERRCODE = '22023'; END IF;\n"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = naam) THEN\n"
    "    EXECUTE format('CREATE ROLE %I LOGIN', naam);\n"
    "  ELSIF NOT " + _MANAGEABLE.format(name="naam") + " THEN\n"
    "    RAISE EXCEPTION 'de rol % is geen gewone login; klachtdesk raakt haar niet aan', naam "
    "USING ERRCODE = '42501';\n"
    "  END IF;\n"
    "  IF verificatie IS NOT NULL THEN EXECUTE format('ALTER ROLE %I PASSWORD %L', naam, verificatie); END IF;\n"
    "  PERFORM klachtdesk_login_bijwerken(naam);\n"
    "END $$"
)
_ROLE_TRIGGER = (
    "CREATE OR REPLACE FUNCTION klachtdesk_rollen_naar_login() RETURNS trigger LANGUAGE plpgsql "
    "SECURITY DEFINER SET search_path = public, pg_temp AS $$\n"
    "DECLARE who text;\n"
    "BEGIN\n"
    "  IF TG_TABLE_NAME = 'staff' THEN who := NEW.username;\n"
    "  ELSIF TG_OP = 'DELETE' THEN SELECT username INTO who FROM staff WHERE id = OLD.staff_id;\n"
    "  ELSE SELECT username INTO who FROM staff WHERE id = NEW.staff_id; END IF;\n"
    "  IF who IS NOT NULL THEN PERFORM klachtdesk_login_bijwerken(who); END IF;\n"
    "  RETURN NULL;\n"
    "END $$"
)


def statements(groups: list[str]) -> list[str]:
    """The functions and triggers; EXECUTE of ``klachtdesk_login_maken`` for ``groups``."""
    return [
        _SYNC,
        "REVOKE ALL ON FUNCTION klachtdesk_login_bijwerken(text) FROM PUBLIC",
        _MAKE,
        "REVOKE ALL ON FUNCTION klachtdesk_login_maken(text, text) FROM PUBLIC",
        *(f"GRANT EXECUTE ON FUNCTION klachtdesk_login_maken(text, text) TO {group}" for group in groups),
        _ROLE_TRIGGER,
        "REVOKE ALL ON FUNCTION klachtdesk_rollen_naar_login() FROM PUBLIC",
        "DROP TRIGGER IF EXISTS klachtdesk_rollen_naar_login ON staff_role",
        "CREATE TRIGGER klachtdesk_rollen_naar_login AFTER INSERT OR DELETE ON staff_role "
        "FOR EACH ROW EXECUTE FUNCTION klachtdesk_rollen_naar_login()",
        "DROP TRIGGER IF EXISTS klachtdesk_actief_naar_login ON staff",
        "CREATE TRIGGER klachtdesk_actief_naar_login AFTER UPDATE OF active ON staff "
        "FOR EACH ROW EXECUTE FUNCTION klachtdesk_rollen_naar_login()",
    ]


__all__ = ["ADMIN_GROUP", "statements"]
