"""The access map (``services/core/access.py``) covers the whole schema and names only
columns that exist: a table added later without an entry fails here, not in production."""

from __future__ import annotations

from sqlalchemy import String, Text

from klachtdesk.models import metadata
from klachtdesk.models.klager import klager_complaint, klager_deadline, klager_message
from klachtdesk.services.core import database_roles
from klachtdesk.services.core.access import ACCESS, BASE, MESSAGE_TEMPLATES, NO_ONE, OVERVIEW
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.correspondence.messages import ACKNOWLEDGEMENT

VIEWS = {view.name: view for view in (klager_complaint, klager_deadline, klager_message)}


def _mapped() -> set[str]:
    tables = set(BASE) | set(NO_ONE)
    for needs in ACCESS.values():
        tables |= set(needs)
    return tables


def test_every_table_of_the_schema_is_in_the_access_map() -> None:
    missing = set(metadata.tables) - _mapped()
    assert not missing, f"geen toegang geregeld voor {sorted(missing)}: vul services/core/access.py aan"


def test_every_permission_is_in_the_access_map() -> None:
    assert set(ACCESS) == set(Permission)


def test_the_map_names_only_tables_and_columns_that_exist() -> None:
    known = {name: {c.name for c in table.columns} for name, table in metadata.tables.items()}
    known |= {name: {c.name for c in view.columns} for name, view in VIEWS.items()}
    for needs in (BASE, *ACCESS.values()):
        for table, privileges in needs.items():
            assert table in known, table
            for privilege in privileges:
                granted = database_roles.expand(table, privilege)
                if "(" in granted:
                    columns = {c.strip() for c in granted.split("(", 1)[1].rstrip(")").split(",")}
                    assert columns <= known[table], (table, columns - known[table])


def test_the_history_is_append_only_for_every_role() -> None:
    for role in database_roles.GROUP_ROLES:
        for privilege in database_roles.privileges_of(role).get("event", []):
            assert not privilege.startswith(("UPDATE", "DELETE")), (role, privilege)


def test_the_overview_hides_only_columns_it_can_empty() -> None:
    for table, hidden in OVERVIEW.items():
        columns = metadata.tables[table].columns
        assert hidden <= {c.name for c in columns}, table
        for column in columns:
            if column.name in hidden and not column.nullable:
                assert isinstance(getattr(column.type, "impl", column.type), (String, Text)), (table, column.name)


def test_the_web_form_writes_only_the_acknowledgement() -> None:
    assert MESSAGE_TEMPLATES[Permission.ACKNOWLEDGE] == ACKNOWLEDGEMENT


def test_the_grants_follow_the_permission_table() -> None:
    """A permission a role loses takes its grants with it (the grants are made from the table)."""
    from klachtdesk.models import StaffRole

    handler = database_roles.privileges_of(StaffRole.HANDLER)
    customer_service = database_roles.privileges_of(StaffRole.CUSTOMER_SERVICE)
    assert "INSERT" in handler["message"] and "message" not in {
        t for t, p in customer_service.items() if "INSERT" in p}
    assert not any(p.startswith("UPDATE (handler_id") for p in handler["complaint"])
