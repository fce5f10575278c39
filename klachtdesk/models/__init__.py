"""SQLModel tables and enums: the bottom layer, imported only by the services and db."""

from klachtdesk.models.enums import *  # noqa: F403
from klachtdesk.models.tables import *  # noqa: F403
from klachtdesk.models.tables import SQLModel

metadata = SQLModel.metadata
