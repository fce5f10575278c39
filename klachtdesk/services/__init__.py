"""The procedure: every rule of klachtdesk, callable from the CLI, the TUI and the tests (never imports Textual)."""
