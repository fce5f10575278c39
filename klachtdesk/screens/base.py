"""What every screen and dialog shares: the typed way to the app and the service
context, and the one way to run a service call off the event loop.

A screen starts work with a method decorated ``@service_work(group=...)``. The method
runs in a thread, calls the services, and ends by posting a typed message with what it
found (``self.post_message(CaseLoaded(...))``); the screen handles that message on the
event loop. It never touches a widget and never catches a ``KlachtdeskError``: the
decorator does, once for every worker, and posts ``WorkFailed`` instead. ``WorkFailed``
bubbles to the app, which shows the Dutch sentence; a screen or dialog that has a better
place for it (a field, a title line) handles it first and stops it.

Harlequin (``src/harlequin/app.py``) does the same with ``@on(Worker.StateChanged)``.
Here the error is turned into a message inside the worker instead, so that a refused
service call does not leave a worker in the ERROR state (``App.workers.wait_for_complete``
raises for those) and an unexpected exception — a bug — still stops the app with its
traceback, as ``@work`` does by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, ParamSpec, Protocol, TypeVar, cast

from textual import work
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, get_current_worker

from klachtdesk.errors import KlachtdeskError

if TYPE_CHECKING:  # the screens' first page is drawn before the services are loaded (services.startup)
    from textual.app import App

    from klachtdesk.services.core.context import Context
    from klachtdesk.services.core.starting import StartingContext
    from klachtdesk.services.lists.changes import AssignmentNotice
    from klachtdesk.services.startup import FirstPage

log = logging.getLogger(__name__)

#: the worker group that throws a registration's draft away (``registration.autosave``); the
#: app keeps its failure quiet, and knows the name without loading the registration
DISCARD_WORK = "registration-draft-discard"

P = ParamSpec("P")
NodeT = TypeVar("NodeT", bound=MessagePump)
ResultT = TypeVar("ResultT")


class DeskApp(Protocol):
    """What screens may ask of the app (``klachtdesk.app.KlachtdeskApp`` provides it).

    Screens know the app only through this protocol, so no screen module imports
    ``klachtdesk.app`` and the app is free to import every screen."""

    context: Context | StartingContext
    #: False until the full ``Context`` is open (the first inbox page came from ``services.startup``):
    #: no service work runs before
    ready: bool
    #: the newest history line looked at for assignments to the user (None: not yet)
    notice_mark: int | None

    def assignments_noticed(self, notices: Sequence[AssignmentNotice], mark: int) -> None: ...
    def take_first_page(self) -> FirstPage | None: ...
    def first_page_shown(self) -> None: ...
    def follow_settings(self) -> bool: ...
    def post_data_changed(self, new_case: int | None = None) -> None: ...
    def action_open_case(self, complaint_id: int) -> None: ...
    def action_open_profile(self, person_id: int | None = None, complaint_id: int | None = None) -> None: ...
    def action_open_registration(self, replace: bool = False) -> None: ...
    def action_open_deadlines(self) -> None: ...
    def action_open_planner(self, complaint_id: int | None = None) -> None: ...
    def action_open_analysis(self) -> None: ...
    def action_open_letters(self) -> None: ...
    def action_open_measures(self) -> None: ...
    def action_new_measure(self, complaint_id: int | None = None) -> None: ...


def desk_of(app: App[Any]) -> DeskApp:
    """The running klachtdesk app, typed."""
    return cast(DeskApp, app)


@dataclass
class WorkFailed(Message):
    """A service call in a worker was refused or failed (a load or a save). Like every
    message a worker posts, a dataclass (Textual's ``Message`` supports them): declared
    by its fields alone.

    ``error`` is always a ``KlachtdeskError`` with the Dutch sentence for the user;
    driver errors are translated by the services' ``database_problem`` first.
    ``group`` is the worker group, so a screen can tell its workers apart."""

    error: KlachtdeskError
    group: str


def as_problem(error: BaseException) -> KlachtdeskError | None:
    """The user's side of an exception: a ``KlachtdeskError`` as it is, a driver error
    translated by the services, anything else None (a bug: let it be seen)."""
    if isinstance(error, KlachtdeskError):
        return error
    # deferred for start-up time: the database layer is loaded after the first inbox page
    from klachtdesk.services.core.context import DRIVER_ERRORS, database_problem

    if isinstance(error, DRIVER_ERRORS):
        return database_problem(error)
    return None


def _reporting(work_function: Callable[P, None], node: MessagePump, group: str) -> Callable[P, None]:
    """``work_function``, with a refusal or a driver error posted to ``node`` as ``WorkFailed``."""

    @wraps(work_function)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            work_function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - sorted by as_problem; the rest is re-raised
            problem = as_problem(error)
            if problem is None:
                raise
            if not get_current_worker().is_cancelled:  # a superseded worker's failure is no news
                node.post_message(WorkFailed(problem, group))

    return run


def service_work(
    group: str, *, exclusive: bool = True
) -> Callable[[Callable[Concatenate[NodeT, P], None]], Callable[Concatenate[NodeT, P], Worker[None]]]:
    """Run the decorated method in a thread worker of ``group`` (a newer call cancels an
    older one of the same group unless ``exclusive=False``). A ``KlachtdeskError`` or a
    driver error it raises is posted to the node as ``WorkFailed``; the method itself
    ends by posting its typed result message."""

    def decorate(method: Callable[Concatenate[NodeT, P], None]) -> Callable[Concatenate[NodeT, P], Worker[None]]:
        @wraps(method)
        def run(node: NodeT, *args: P.args, **kwargs: P.kwargs) -> None:
            _reporting(method, node, group)(node, *args, **kwargs)

        return cast(Any, work(thread=True, exclusive=exclusive, group=group)(run))

    return decorate


def start_service_work(node: DOMNode, work_function: Callable[[], None], *, group: str,
                       report_to: MessagePump | None = None, exclusive: bool = False) -> Worker[None]:
    """``service_work`` for a function that is not a method of the node: run it in a thread
    worker of ``node`` (the app, for work that must outlive a screen); a refusal goes to
    ``report_to`` (default: ``node``) as ``WorkFailed``."""
    return node.run_worker(_reporting(work_function, report_to or node, group), thread=True, group=group,
                           exclusive=exclusive)


class DeskNode:
    """The typed way from a screen, dialog or widget to the app and the services' context."""

    #: worker groups whose failure is not shown (another worker reports it, or a retry follows)
    QUIET_WORK: ClassVar[frozenset[str]] = frozenset()

    @property
    def desk(self) -> DeskApp:
        return desk_of(cast(MessagePump, self).app)

    @property
    def context(self) -> Context:
        # a StartingContext only until the app is ready, and no service work runs before
        return cast("Context", self.desk.context)

    def say(self, message: str, *, severity: str = "information", timeout: float = 6) -> None:
        """A notification, shown as written (no markup: '[…]' stays)."""
        cast(MessagePump, self).app.notify(message, severity=severity,  # type: ignore[arg-type]
                                           timeout=timeout, markup=False)

    def why_not_now(self, action: str) -> str | None:
        """Why ``action`` (of a key) cannot act now, in Dutch; None: no reason to give. The
        app says it when the key is pressed (``screens.refused_keys``)."""
        return None

    def on_work_failed(self, message: WorkFailed) -> None:
        """Unless a handler of the screen took it, a failure goes on to the app, which shows
        it; a quiet worker's failure is only logged."""
        if message.group in self.QUIET_WORK:
            log.info("%s failed quietly: %s", message.group, message.error)
            message.stop()


class DeskScreen(DeskNode, Screen[ResultT]):
    """A full screen of klachtdesk."""

    def show_title(self, text: str) -> None:
        """The screen's title in the header; a demo database keeps saying DEMO there (as the
        app's own title does), whichever screen is open."""
        self.title = f"{text} · DEMO" if self.context.demo else text


class DeskModal(DeskNode, ModalScreen[ResultT]):
    """A screen over another one (dialogs derive from ``FormDialog``, which is one)."""


__all__ = ["DISCARD_WORK", "DeskApp", "DeskModal", "DeskNode", "DeskScreen", "WorkFailed", "as_problem", "desk_of",
           "service_work", "start_service_work"]
