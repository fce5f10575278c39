"""The organisation's settings files and the procedure's configuration read from them."""
