"""Mediation sessions: planning, availability, outcomes, iCalendar invitations."""
