"""Messages to the klager: templates, drafts, sending."""
