"""klachtdesk — a keyboard-first complaints desk for Dutch organisations."""

__version__ = "0.1.0"
