"""The web form (``klachtdesk formulier``): Starlette pages over the services.

A user-interface layer like the terminal app and the CLI: it reaches the database
only through the services (``klachtdesk.services.webform`` above all) and imports no
Textual. Templates in ``templates/`` (Jinja2, autoescaped), the style sheet in
``static/``.
"""

#: where ``klachtdesk formulier`` listens unless told otherwise (the proxy forwards to it)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
