"""The procedure's statuses and the steps between them, and its fixed vocabularies."""
