"""Lists over many cases: the inbox, full-text search, the deadline board, change detection."""
