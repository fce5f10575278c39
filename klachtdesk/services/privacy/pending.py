"""The mark a restore leaves in the ``setting`` table: the erasure register must be applied
again before anyone works with the database (``reapply.reapply_register``). Its own module
so the app's first inbox page (``services.startup``), which reads without the ORM, sees it
too and leaves the start to ``open_context`` when it is there."""

PENDING_SETTING = "vergeetregister.opnieuw_toepassen"

__all__ = ["PENDING_SETTING"]
