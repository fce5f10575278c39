"""The mediation planner: ``CasePlannerScreen`` plans a session for one case,
``AgendaScreen`` shows a klachtenfunctionaris's week; both are a ``PlannerScreen``
(the sessions table and the actions on a session: the dialogs here)."""

from klachtdesk.screens.planner.agenda import AgendaScreen
from klachtdesk.screens.planner.cancel import CancelDialog
from klachtdesk.screens.planner.case import CasePlannerScreen
from klachtdesk.screens.planner.outcome import OutcomeDialog
from klachtdesk.screens.planner.reschedule import RescheduleDialog
from klachtdesk.screens.planner.screen import PlannerScreen

__all__ = ["AgendaScreen", "CancelDialog", "CasePlannerScreen", "OutcomeDialog", "PlannerScreen", "RescheduleDialog"]
