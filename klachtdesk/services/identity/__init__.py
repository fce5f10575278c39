"""Staff members, their roles, and who is at the keyboard."""
