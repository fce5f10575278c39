"""Cases: registration, klachtnummers, look-up, edits, drafts of the registration form."""
