"""Time without the database: the two calendars (werkdagen, Atw), Dutch wording of dates and counts, reporting periods."""
