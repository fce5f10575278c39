"""Inbound mail: parsing and classification (pure), derived fields (pure), the intake
into the database, and the sources (IMAP, Maildir, files, standard input)."""
