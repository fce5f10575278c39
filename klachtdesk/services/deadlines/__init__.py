"""Deadlines (termijnen) of a case and their recomputation when the calendar changes."""
