"""Reusable Textual widgets of klachtdesk."""
