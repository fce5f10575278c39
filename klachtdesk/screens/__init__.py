"""The Textual screens. They call the services; they never build SQL themselves."""
