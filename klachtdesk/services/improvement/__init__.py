"""Improvement measures (corrigerende en preventieve maatregelen)."""
