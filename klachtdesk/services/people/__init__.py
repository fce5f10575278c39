"""People: contact details (phone numbers, e-mail addresses) and recognising a known caller."""
