"""The Textual application shell: header, footer, command palette, help, routing.

``create_app`` is the one factory the CLI and the tests share. Screens reach the
service layer through ``app.context`` (typed for them as ``screens.base.DeskApp``);
slow calls run in thread workers (``screens.base.service_work``). A worker's refused
call arrives here as ``WorkFailed`` unless its screen showed it somewhere better:
this is the one place that turns it into a notification.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App
from textual.notifications import SeverityLevel
from textual.binding import Binding, BindingType
from textual.message import Message

from klachtdesk.errors import KlachtdeskError
from klachtdesk.paths import data_file
from klachtdesk.screens.base import DISCARD_WORK, WorkFailed, as_problem, service_work
from klachtdesk.screens.inbox import InboxScreen
from klachtdesk.screens.palette import DutchCommandPalette, JumpCommands, KlachtdeskCommands
from klachtdesk.screens.refused_keys import explain
from klachtdesk.services.config.config_files import load_toml
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.starting import StartingContext
from klachtdesk.widgets.messages import DataChanged

if TYPE_CHECKING:
    from klachtdesk.services.cases.drafts import DraftRecord
    from klachtdesk.services.core.context import Context
    from klachtdesk.services.lists.changes import AssignmentNotice
    from klachtdesk.services.organisation.settings import Follower
    from klachtdesk.services.startup import FirstPage

# The screens other than the inbox, the registration's draft offer, the settings follower
# and the demo data are imported where they are used (deferred for start-up time): the
# first inbox page is drawn before the services are loaded (``services.startup``).


log = logging.getLogger(__name__)

#: seconds after which the full context is opened even if the first page was not painted yet
OPEN_AT_THE_LATEST = 3.0
#: seconds a held key waits before the app says why nothing happens yet
HELD_KEYS_NOTICE = 0.4
#: how often the app checks that its terminal is still there (``KlachtdeskApp._check_terminal``)
TERMINAL_CHECK_SECONDS = 2.0


def terminal_of(stream: Any) -> int | None:
    """The file descriptor of ``stream`` when it is a terminal, else None."""
    try:
        descriptor = stream.fileno()
        return descriptor if os.isatty(descriptor) else None
    except (AttributeError, ValueError, OSError):
        return None


def terminal_alive(stream: Any) -> bool:
    """False once the terminal behind ``stream`` has hung up (its foreground process group
    can no longer be read)."""
    descriptor = terminal_of(stream)
    if descriptor is None:
        return False
    try:
        os.tcgetpgrp(descriptor)
    except OSError:
        return False
    return True

class DatabaseEmpty(Message):
    """The database has no cases yet (demo data may be offered)."""


class DemoLoaded(Message):
    """The demo cases are in the database."""


@dataclass
class ContextOpened(Message):
    """The full context is open (after a first page from ``services.startup``)."""

    context: Context


@dataclass
class DraftFound(Message):
    """The user left a registration unfinished (a crash, a closed terminal)."""

    record: DraftRecord


class KlachtdeskApp(App[None]):
    TITLE = "klachtdesk"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    COMMANDS = App.COMMANDS | {KlachtdeskCommands, JumpCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Stoppen", id="app.quit", priority=True),
        Binding("q", "quit", "Stoppen", id="app.quit_q", show=False),
        Binding("f1", "help", "Help", id="app.help"),
        # the palette's key in the footer, in Dutch and short (without it Textual adds its own: "palette")
        Binding("ctrl+p", "command_palette", "menu", id="app.palette", show=False, priority=True,
                tooltip="Alle opdrachten, en een zaak of klager op klachtnummer"),
    ]

    def __init__(self, context: Context | StartingContext, *, offer_demo: bool = True, animations: bool = True,
                 first_page: FirstPage | None = None, opener: Callable[[], Context] | None = None) -> None:
        super().__init__()
        self.context = context
        #: the first inbox page read with the driver (``services.startup``), shown at once
        self.first_page = first_page
        #: opens the full context in a worker after the first paint (with a ``StartingContext``)
        self._opener = opener
        #: keys pressed before the full context was open, replayed in order when it is
        self._held_keys: list[events.Key] | None = [] if opener is not None else None
        self.offer_demo = offer_demo
        if not animations:
            self.animation_level = "none"
        self.sub_title = f"{context.user.name} · {context.user.role_names}"
        self._show_demo()

    # -- cases assigned to the user by a colleague ---------------------------------------

    #: the newest history line the list screens' poll looked at (``screens.list_screen``)
    notice_mark: int | None = None

    def assignments_noticed(self, notices: Sequence[AssignmentNotice], mark: int) -> None:
        """A notification for each case a colleague assigned to the user since the last
        look, once (two screens' polls may report the same line); at the first look, the
        assignments the user has not seen yet (``changes.unseen_assignments``)."""
        seen = self.notice_mark if self.notice_mark is not None else -1
        from klachtdesk.services.lists.changes import notice_texts

        for text in notice_texts([notice for notice in notices if notice.event_id > seen]):
            self.notify(text, title="Aan u toegewezen", timeout=10)
        self.notice_mark = max(mark, self.notice_mark or 0)

    # -- an unexpected error --------------------------------------------------------------

    #: the error that ended the app (``cli.app`` hands it to the command line's one guard)
    crash: BaseException | None = None

    def _fatal_error(self) -> None:
        """An error no screen expected ends the app without Textual's traceback, which shows
        the values of local variables — personal data — on the terminal: the command line's
        guard (``cli.main``) records it in the private crash log and says one Dutch line.
        (Textual has no public hook for this; ``_fatal_error`` is where it renders one.)"""
        self.crash = sys.exc_info()[1] or self._exception
        self.bell()
        self._close_messages_no_wait()

    # -- the organisation's settings, changed on another workstation --------------------

    _settings_follower: Follower | None = None

    def follow_settings(self) -> bool:
        """Take a beheerder's change of the settings over (the list screens' poll, in a
        worker thread), as ``formulier`` and ``post volgen`` do (``settings.Follower``): a
        change is said in one line; a stored change this version cannot read leaves the
        app on the settings it has and is said once, not at every poll. True on a change."""
        if self._settings_follower is None:
            from klachtdesk.services.organisation.settings import Follower
            def say(text: str, severity: SeverityLevel) -> None:
                self.call_from_thread(self.notify, text, severity=severity, timeout=8 if severity == "information" else 20)

            self._settings_follower = Follower(self.context, say=lambda text: say(text, "information"),
                                               warn=lambda text: say(text, "warning"))
        return self._settings_follower.check()

    def _show_demo(self) -> None:
        """A demo database says so in the header: anyone may try any role there."""
        if self.context.demo:
            self.title = f"{self.TITLE} · DEMO"

    def action_command_palette(self) -> None:
        """The command palette, in Dutch."""
        if self.use_command_palette and not DutchCommandPalette.is_open(self):
            self.push_screen(DutchCommandPalette())

    # -- keys that cannot act now -------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        """A key no binding took: when it is a key of this screen that cannot act now, say
        why (``screens.refused_keys``); otherwise Textual's own handling follows."""
        if await self._check_bindings(event.key):
            event.prevent_default()
            return
        reason = explain(self.screen, event.key)
        if reason:
            event.prevent_default()
            self.notify(reason, severity="warning", timeout=4, markup=False)

    # -- start ------------------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification of the desk (screens' ``notify`` ends here too) is shown as
        written: its text holds names, titles and refusals that quote what someone typed,
        and a '[' in them is never markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        self._apply_keymap()
        self.push_screen(InboxScreen())
        if self.ready:
            self._start_background_work()
        else:  # once the first page is painted (first_page_shown); at the latest after a moment
            self.set_timer(OPEN_AT_THE_LATEST, self.first_page_shown)
        if terminal_of(sys.__stdin__) is not None:
            self.set_interval(TERMINAL_CHECK_SECONDS, self._check_terminal, name="terminal")

    def _start_background_work(self) -> None:
        if self.offer_demo:
            self._check_empty()
        self._look_for_draft()
        self._follow_mail()

    # -- the first page before the services (services.startup) ----------------------------

    @property
    def ready(self) -> bool:
        """True once the full ``Context`` is open; until then the first inbox page is on screen
        from ``services.startup``, no service work runs, and keys are held."""
        return self._held_keys is None

    def take_first_page(self) -> FirstPage | None:
        """The first page read with the driver, once (the inbox shows it); then None."""
        page, self.first_page = self.first_page, None
        return page

    def first_page_shown(self) -> None:
        """The first page is on screen: now the full context is opened (once)."""
        if not self.ready and not self._opening:
            self._opening = True
            self._open_context()

    _opening = False

    @work(thread=True, exclusive=True, group="open-context")
    def _open_context(self) -> None:
        """``open_context`` (the ORM, the services), while the first page is on screen."""
        assert self._opener is not None
        try:
            context = self._opener()
        except Exception as error:  # noqa: BLE001 - sorted by as_problem; a bug is re-raised
            if as_problem(error) is None:
                raise
            # what the usual start would have said, as the usual start says it: the one Dutch
            # line of the command line's guard (cli.main), after the app has ended
            self.call_from_thread(self._could_not_open, error)
            return
        self.post_message(ContextOpened(context))

    def _could_not_open(self, error: BaseException) -> None:
        self.crash = error
        self.exit(return_code=1)

    def _say_keys_wait(self) -> None:
        if not self.ready:
            self.notify("Even geduld: klachtdesk wordt nog geopend; uw toetsen worden zo uitgevoerd.", timeout=3)

    @on(ContextOpened)
    def _context_opened(self, message: ContextOpened) -> None:
        self.context = context = message.context
        # the same user as the first page's, unless a beheerder changed them in that moment
        self.sub_title = f"{context.user.name} · {context.user.role_names}"
        self._show_demo()
        self.refresh_bindings()
        held, self._held_keys = self._held_keys or [], None
        for screen in self.screen_stack:
            ready = getattr(screen, "context_ready", None)
            if ready is not None:
                ready()
        for key in held:  # in the order they were typed, now that they can act
            self.post_message(events.Key(key.key, key.character))
        self._start_background_work()

    async def on_event(self, event: events.Event) -> None:
        """Until the full context is open a key waits (replayed then, in order: type-ahead
        is kept) and the mouse does nothing; Ctrl+Q and Ctrl+C stop at once."""
        if self._held_keys is not None and isinstance(event, events.InputEvent) and not event.is_forwarded:
            if isinstance(event, events.Key) and event.key not in ("ctrl+q", "ctrl+c"):
                if not self._held_keys:  # the first: say so if the wait is noticeable
                    self.set_timer(HELD_KEYS_NOTICE, self._say_keys_wait)
                self._held_keys.append(event)
                return
            if isinstance(event, events.MouseEvent):
                return
        await super().on_event(event)

    def _check_terminal(self) -> None:
        """A closed terminal (an ssh connection dropped, a tmux window killed while the app
        ran under ``make run``) can leave the app without SIGHUP; Textual's input thread then
        reads end-of-file in a loop and burns a core. The app ends instead (drafts are
        saved as typed)."""
        if not terminal_alive(sys.__stdin__):
            log.warning("de terminal is gesloten; klachtdesk stopt")
            self.exit(return_code=1)

    # -- incoming mail ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="mail")
    def _follow_mail(self) -> None:
        """Read the desk's IMAP mailbox while the app runs (``[imap] in_app`` in
        the desk's post.toml); new cases appear in the inbox without a restart."""
        settings = self.context.settings.mail
        if not settings.imap.configured or not settings.imap.in_app or not self.context.user.may(Permission.REGISTER):
            return
        # deferred for start-up time (charset detection, HTML to text, the IMAP client), and
        # imported only when the app follows a mailbox: it would compete with the first page
        from klachtdesk.services.mail import sources

        self._mail_stop = threading.Event()
        try:
            sources.follow(self.context, settings, stop=self._mail_stop,
                           on_summary=lambda s: self.call_from_thread(self._mail_arrived, s),
                           on_problem=lambda m: self.call_from_thread(self._mail_problem, m))
        except KlachtdeskError as error:
            self.call_from_thread(self._mail_problem, error.message)

    def _mail_arrived(self, summary: Any) -> None:
        new = [r for r in summary.results if not r.duplicate]
        if not new:
            return
        cases = [r.number for r in summary.new_cases]
        replies = [r.number for r in new if r.number and r not in summary.new_cases]
        parts = []
        if cases:
            parts.append(f"nieuwe melding{'en' if len(cases) > 1 else ''} {', '.join(cases)} (te beoordelen)")
        if replies:
            parts.append(f"mail bij {', '.join(dict.fromkeys(replies))}")
        if parts:
            self.notify("Post: " + "; ".join(parts) + ".", timeout=8)
        self.post_data_changed()

    def _mail_problem(self, message: str) -> None:
        self.notify(f"Post ophalen: {message}", severity="warning", timeout=8)

    def on_unmount(self) -> None:
        stop = getattr(self, "_mail_stop", None)
        if stop is not None:
            stop.set()

    def _apply_keymap(self) -> None:
        """``data/toetsen.toml`` may remap any binding by its id: ``"inbox.search" = "ctrl+f"``."""
        path = data_file("toetsen.toml")
        if not path.exists():
            return
        try:
            keymap = load_toml(path)
        except KlachtdeskError as error:
            self.notify(error.message, severity="error", timeout=10)
            return
        self.set_keymap({str(k): str(v) for k, v in keymap.items()})

    @service_work("startup")
    def _check_empty(self) -> None:
        from klachtdesk import demo  # deferred for start-up time (numpy, word lists)

        if demo.may_offer(self.context):  # never on a desk in use
            self.post_message(DatabaseEmpty())

    @on(DatabaseEmpty)
    def _offer_demo(self) -> None:
        from klachtdesk.screens.dialog import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self.notify("Demodata laden …", timeout=3)
                self._load_demo()

        self.push_screen(
            ConfirmModal("Deze database is nieuw en leeg. Er een demodatabase van maken met 1.000 fictieve zaken? "
                         "Daarin kan iedereen elke rol uitproberen; werk echt in een andere database.",
                         yes="Demo maken", no="Leeg laten"),
            answered,
        )

    @service_work("demo")
    def _load_demo(self) -> None:
        from klachtdesk import demo  # deferred for start-up time (numpy, word lists)

        demo.generate(self.context, count=1000, seed=2026)
        self.post_message(DemoLoaded())

    @service_work("registration-draft-offer")
    def _look_for_draft(self) -> None:
        from klachtdesk.screens.registration import saved_draft

        record = saved_draft(self.context)
        if record is not None:
            self.post_message(DraftFound(record))

    @on(DraftFound)
    def _offer_draft(self, message: DraftFound) -> None:
        """An unfinished registration is offered back."""
        from klachtdesk.screens.registration import offer_draft

        offer_draft(self, self.context, message.record)

    @on(DemoLoaded)
    def _demo_loaded(self) -> None:
        self.context.demo = True  # generate marked the new database as a demo database
        self._show_demo()
        self.notify("Demodata geladen.", timeout=3)
        self.post_data_changed()

    def post_data_changed(self, new_case: int | None = None) -> None:
        """Tell every screen that cases changed (they refresh what they show);
        ``new_case``: a case just registered, for the lists to put their cursor on."""
        for screen in self.screen_stack:
            screen.post_message(DataChanged(new_case))

    # -- the one place a refused service call is shown -----------------------------------

    #: the app's own background work whose failure is only logged
    QUIET_WORK = frozenset({"registration-draft-offer", DISCARD_WORK})

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        if message.group in self.QUIET_WORK:
            log.info("%s failed: %s", message.group, message.error)
            return
        self.notify(message.error.message, severity="error", timeout=8, markup=False)

    # -- routing ----------------------------------------------------------------------
    # The other screens' modules are imported when first opened, not at start: together
    # they cost about half a second of start-up (the planner, case and measures screens most).

    def action_help(self) -> None:
        from klachtdesk.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_open_inbox(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, InboxScreen):
            self.pop_screen()

    def action_open_case(self, complaint_id: int) -> None:
        from klachtdesk.screens.case_detail import CaseDetailScreen

        self.push_screen(CaseDetailScreen(complaint_id))

    def action_open_profile(self, person_id: int | None = None, complaint_id: int | None = None) -> None:
        """A person's profile: by their id, or the klager of a case."""
        from klachtdesk.screens.profile import ProfileScreen

        if not self.context.user.may(Permission.READ_PERSONAL_DATA):
            self.notify("U mag geen persoonsgegevens inzien.", severity="warning")
            return
        self.push_screen(ProfileScreen(person_id, complaint_id=complaint_id))

    def action_open_registration(self, replace: bool = False) -> None:
        """A new registration (``replace``: instead of the screen on top, e.g. a confirmation)."""
        from klachtdesk.screens.registration import RegistrationScreen

        if replace:
            self.switch_screen(RegistrationScreen())
        else:
            self.push_screen(RegistrationScreen())

    def action_open_deadlines(self) -> None:
        from klachtdesk.screens.deadlines import DeadlinesScreen

        self.push_screen(DeadlinesScreen())

    def action_open_planner(self, complaint_id: int | None = None) -> None:
        """The planning form of a case, or (without one) a klachtenfunctionaris's week."""
        from klachtdesk.screens.planner import AgendaScreen, CasePlannerScreen

        self.push_screen(AgendaScreen() if complaint_id is None else CasePlannerScreen(complaint_id))

    def action_open_analysis(self) -> None:
        from klachtdesk.screens.analysis import AnalysisScreen

        self.push_screen(AnalysisScreen())

    def action_open_kept_mail(self) -> None:
        from klachtdesk.screens.kept_mail import KeptMailScreen


        if not self.context.user.may(Permission.MANAGE_MAIL):
            self.notify("Alleen de beheerder ziet de bewaarde post.", severity="warning")
            return
        self.push_screen(KeptMailScreen())

    def action_open_letters(self) -> None:
        """The printed letters waiting for the post (reading them needs personal data)."""
        from klachtdesk.screens.letters import LettersScreen

        if not self.context.user.may(Permission.READ_PERSONAL_DATA):
            self.notify("U mag geen persoonsgegevens inzien, dus ook de brieven niet.", severity="warning")
            return
        self.push_screen(LettersScreen())

    def action_open_measures(self) -> None:
        from klachtdesk.screens.measures import MeasuresScreen

        self.push_screen(MeasuresScreen())

    def action_new_measure(self, complaint_id: int | None = None) -> None:
        """A new improvement measure; from a case it is prefilled with its klachtnummer."""
        from klachtdesk.screens.measure_form import MeasureFormScreen

        if not self.context.user.may(Permission.MANAGE_MEASURES):
            self.notify("U mag geen verbetermaatregelen vastleggen.", severity="warning")
            return

        def saved(view: object) -> None:
            if view is not None:
                self.notify(f"Maatregel '{getattr(view, 'title', '')}' vastgelegd.")
                self.post_data_changed()

        self.push_screen(MeasureFormScreen(complaint_id=complaint_id), saved)


def create_app(context: Context, *, offer_demo: bool = True, animations: bool = True) -> KlachtdeskApp:
    """The app factory shared by the CLI and the tests."""
    return KlachtdeskApp(context, offer_demo=offer_demo, animations=animations)


def create_starting_app(page: FirstPage, clock: Any, opener: Callable[[], Context], *, offer_demo: bool = True,
                        animations: bool = True) -> KlachtdeskApp:
    """The app on a first inbox page read with the driver (``services.startup.read``): it
    shows that page at once and opens the full context (``opener``: ``open_context``) in a
    worker after the first paint. ``clock``: the one ``opener`` uses."""
    starting = StartingContext(clock=clock, user=page.user, settings=page.settings, demo=page.demo,
                               proven_login=page.proven_login)
    return KlachtdeskApp(starting, offer_demo=offer_demo, animations=animations, first_page=page, opener=opener)
