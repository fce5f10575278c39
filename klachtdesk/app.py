"""The Textual application shell: header, footer, command palette, help, routing.

``create_app`` is the one factory the CLI and the tests share. Screens reach the
service layer through ``app.context``; slow calls run in thread workers.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from klachtdesk.errors import KlachtdeskError
from klachtdesk.paths import data_file
from klachtdesk.screens.inbox import InboxScreen
from klachtdesk.screens.palette import JumpCommands, KlachtdeskCommands, PaletteCommand
from klachtdesk.screens.registration import RegistrationScreen, offer_saved_draft
from klachtdesk.services.config.config_files import load_toml
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.widgets.confirm import ConfirmModal
from klachtdesk.widgets.messages import DataChanged


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
    ]

    #: what the command palette offers (screens add theirs here)
    PALETTE: ClassVar[list[PaletteCommand]] = [
        PaletteCommand("Inbox", "Alle zaken, nieuwste eerst", "open_inbox"),
        PaletteCommand("Nieuwe melding registreren", "Klacht, factuurvraag of accountvraag (telefoon)", "open_registration"),
        PaletteCommand("Termijnen", "Alle open termijnen: te laat, vandaag, deze week", "open_deadlines"),
        PaletteCommand("Bemiddelingsplanner", "Gesprekken plannen en de agenda van de klachtenfunctionaris", "open_planner"),
        PaletteCommand("Analyse", "Trends, behandeltijden en termijnnaleving per periode", "open_analysis"),
        PaletteCommand("Bewaarde post", "Quarantaine, automatische mail en daglimiet (beheerder)", "open_kept_mail"),
        PaletteCommand("Verbetermaatregelen", "Corrigerende en preventieve maatregelen", "open_measures"),
        PaletteCommand("Nieuwe verbetermaatregel", "Een corrigerende of preventieve maatregel vastleggen", "new_measure"),
        PaletteCommand("Help", "Alle toetsen van dit scherm", "help"),
    ]

    def __init__(self, context: Context, *, offer_demo: bool = True, animations: bool = True) -> None:
        super().__init__()
        self.context = context
        self.offer_demo = offer_demo
        if not animations:
            self.animation_level = "none"
        self.sub_title = f"{context.user.name} · {context.user.role_names}"

    # -- start ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._apply_keymap()
        self.push_screen(InboxScreen())
        if self.offer_demo:
            self._check_empty()
        offer_saved_draft(self)  # an unfinished registration (crash, closed terminal) is offered back
        self._follow_mail()

    # -- incoming mail ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="mail")
    def _follow_mail(self) -> None:
        """Read the desk's IMAP mailbox while the app runs (``[imap] in_app`` in
        data/post.toml); new cases appear in the inbox without a restart."""
        import threading

        from klachtdesk.services.mail import sources
        from klachtdesk.services.mail.settings import load_mail_settings
        from klachtdesk.services.core.permissions import Permission

        try:
            settings = load_mail_settings()
        except KlachtdeskError as error:
            self.call_from_thread(self.notify, error.message, severity="error", timeout=10)
            return
        if not settings.imap.configured or not settings.imap.in_app or not self.context.user.may(Permission.REGISTER):
            return
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

    @work(thread=True, exclusive=True, group="startup")
    def _check_empty(self) -> None:
        from klachtdesk import demo  # deferred for start-up time (numpy, word lists)

        if demo.is_empty(self.context):
            self.call_from_thread(self._offer_demo)

    def _offer_demo(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._load_demo()

        self.push_screen(
            ConfirmModal("Deze database is nog leeg. Demodata laden (1.000 fictieve zaken)?", yes="Laden", no="Leeg laten"),
            answered,
        )

    @work(thread=True, exclusive=True, group="demo")
    def _load_demo(self) -> None:
        from klachtdesk import demo  # deferred for start-up time (numpy, word lists)

        self.call_from_thread(self.notify, "Demodata laden …", timeout=3)
        try:
            demo.generate(self.context, count=1000, seed=2026)
        except KlachtdeskError as error:
            self.call_from_thread(self.notify, error.message, severity="error", timeout=10)
            return
        self.call_from_thread(self.notify, "Demodata geladen.", timeout=3)
        self.call_from_thread(self.post_data_changed)

    def post_data_changed(self) -> None:
        """Tell every screen that cases changed (they refresh what they show)."""
        for screen in self.screen_stack:
            screen.post_message(DataChanged())

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

    def action_open_registration(self) -> None:
        self.push_screen(RegistrationScreen())

    def action_open_deadlines(self) -> None:
        from klachtdesk.screens.deadlines import DeadlinesScreen

        self.push_screen(DeadlinesScreen())

    def action_open_planner(self, complaint_id: int | None = None) -> None:
        from klachtdesk.screens.planner import PlannerScreen

        self.push_screen(PlannerScreen(complaint_id))

    def action_open_analysis(self) -> None:
        from klachtdesk.screens.analysis import AnalysisScreen

        self.push_screen(AnalysisScreen())

    def action_open_kept_mail(self) -> None:
        from klachtdesk.screens.kept_mail import KeptMailScreen
        from klachtdesk.services.core.permissions import Permission

        if not self.context.user.may(Permission.MANAGE_MAIL):
            self.notify("Alleen de beheerder ziet de bewaarde post.", severity="warning")
            return
        self.push_screen(KeptMailScreen())

    def action_open_measures(self) -> None:
        from klachtdesk.screens.measures import MeasuresScreen

        self.push_screen(MeasuresScreen())

    def action_new_measure(self, complaint_id: int | None = None) -> None:
        """A new improvement measure; from a case it is prefilled with its klachtnummer."""
        from klachtdesk.screens.measures import MeasureFormScreen

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
