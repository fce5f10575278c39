"""The service context (database, clock, calendars, settings, the user), the permission table and the append-only case history."""
