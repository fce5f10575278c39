"""The case detail screen: every field of one case, its people, its deadlines in
werkdagen, the status path, a filterable timeline — and the actions of the procedure.

The case is loaded in a thread worker (``complaints.get_case`` + ``workflow.case_actions``).
Actions open the dialogs of ``case_actions``; each dialog calls the service itself
and returns its result. Keys the user's role cannot use are hidden; keys the case's
state does not allow right now are shown dimmed. After every change the app posts
``DataChanged``, so this screen and the inbox behind it reload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static, Tab, Tabs

from klachtdesk.clock import local
from klachtdesk.services.procedure.vocabulary import Acceptance, ComplaintKind, DeadlineState, EventType, Status
from klachtdesk.screens.case_actions import (AssignDialog, CaseDialog, Chosen, CloseDialog, CloseValues, ContactDialog,
                                             ContactValues, EditDialog, MessageDialog, MessageValues, PostedDialog,
                                             posted_choices,
                                             PostedValues, StatusDialog, TextDialog)
from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.screens.case_links import LinkDialog, LinkValues, PartyDialog, PartyValues, PersonChoice
from klachtdesk.screens.party_dialog import AddPartyDialog, NewPartyValues
from klachtdesk.screens.dialog import ConfirmModal, KeptInput
from klachtdesk.screens.registration import RegistrationScreen
from klachtdesk.services.cases import complaints, links, parties, review
from klachtdesk.services.correspondence import messages, posting
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import CaseDetail
from klachtdesk.services.cases.intake_fields import KIND_FIELDS
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import format_date
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.mail import intake as mail_intake
from klachtdesk.services.lists.workload import HandlerLoad, handler_loads
from klachtdesk.widgets.footer import DeskFooter
from klachtdesk.widgets.messages import DataChanged

E = EventType

from klachtdesk.screens.case_view import (  # noqa: F401 - the rendering, re-exported for the tests
    ACTION_STATES,
    EVENT_STYLE,
    MUTED,
    NOT_IN_TIMELINE,
    PALETTE_ACTIONS,
    TIMELINE_FILTERS,
    LoadedCase,
    load_case,
    render_attachments,
    render_deadlines,
    render_fields,
    render_links,
    render_parties,
    render_path,
    render_timeline,
)


class CaseCommands(Provider):
    """The actions of the case on screen, by name (Ctrl+P)."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, CaseDetailScreen) or screen.loaded is None:
            return []
        number = screen.loaded.detail.number
        entries: list[tuple[str, str, Callable[[], object]]] = []
        for action, name in PALETTE_ACTIONS:
            why = screen.why_not(action)
            if why is not None:
                entries.append((f"{number}: {name}", f"kan nu niet: {why}",
                                partial(screen.say, why, severity="warning")))
            elif screen.check_action(action, ()) is True:
                key = next((b.key for b in screen.BINDINGS if isinstance(b, Binding) and b.action == action), "")
                entries.append((f"{number}: {name}", f"toets {key}" if key else "",
                                partial(self.app.run_action, action, screen)))
        return entries

    async def discover(self) -> Hits:
        for title, help_text, run in self._entries():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)


# ---------------------------------------------------------------------------------------
# the screen
# ---------------------------------------------------------------------------------------


@dataclass
class CaseLoaded(Message):
    """The case and everything worded for it, as the screen shows it."""

    loaded: LoadedCase


@dataclass
class CandidatesLoaded(Message):
    """Who may become the case's behandelaar (for the assignment dialog)."""

    candidates: list[HandlerLoad]


@dataclass
class TemplatesLoaded(Message):
    """The messages this case can get now (for the message dialog); ``template``: the one asked for."""

    choices: list[messages.TemplateChoice]
    template: str | None


class Referred(Message):
    """The case went to the geschillencommissie."""


@dataclass
class ReviewLoaded(Message):
    """A case from mail, ready to be checked in the registration form."""

    form: review.ReviewForm


@dataclass
class AttachmentsSaved(Message):
    """The case's attachments were written to a private folder."""

    folder: str
    count: int


class CaseDetailScreen(DeskScreen[None]):
    HELP_TITLE = "Zaak"
    COMMANDS: ClassVar[set[Any]] = {CaseCommands}
    DEFAULT_CSS = """
    CaseDetailScreen #case-title { height: 1; padding: 0 1; text-style: bold; background: $boost; }
    CaseDetailScreen #case-path { height: auto; padding: 0 1; margin-bottom: 1; }
    CaseDetailScreen #case-body { height: 1fr; }
    CaseDetailScreen #case-left { width: 1fr; padding: 0 1; }
    CaseDetailScreen #case-right { width: 1fr; border-left: vkey $primary; }
    CaseDetailScreen .section { text-style: bold; color: $accent; margin-top: 1; }
    CaseDetailScreen #timeline-filter { height: 2; }
    CaseDetailScreen #timeline-scroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Terug", id="case.back"),
        Binding("t", "assign", "Toewijzen", id="case.assign"),
        Binding("s", "status", "Status", id="case.status"),
        Binding("c", "contact", "Contact", id="case.contact"),
        Binding("b", "message", "Bericht", id="case.message"),
        Binding("n", "note", "Notitie", id="case.note"),
        Binding("v", "confidential_note", "Vertrouwelijk", id="case.confidential_note"),
        Binding("e", "edit", "Wijzigen", id="case.edit"),
        Binding("x", "close_case", "Afsluiten", id="case.close"),
        Binding("h", "reopen", "Heropenen", id="case.reopen"),
        Binding("w", "extend", "Verlengen", id="case.extend"),
        Binding("p", "plan", "Gesprek plannen", id="case.plan"),
        Binding("m", "measure", "Maatregel", id="case.measure"),
        Binding("u", "dispute", "Uitkomst GC", id="case.dispute"),
        Binding("1", "filter('alles')", "Tijdlijn: alles", id="case.filter_all", show=False),
        Binding("2", "filter('contact')", "Tijdlijn: contact", id="case.filter_contact", show=False),
        Binding("3", "filter('berichten')", "Tijdlijn: berichten", id="case.filter_messages", show=False),
        Binding("4", "filter('notities')", "Tijdlijn: notities", id="case.filter_notes", show=False),
        Binding("5", "filter('wijzigingen')", "Tijdlijn: wijzigingen", id="case.filter_changes", show=False),
        Binding("r", "refresh", "Vernieuwen", id="case.refresh", show=False),
        Binding("k", "review", "Beoordelen", id="case.review"),
        Binding("l", "save_attachments", "Bijlagen opslaan", id="case.save_attachments"),
        Binding("o", "mark_posted", "Brief verstuurd", id="case.mark_posted"),
        Binding("i", "profile", "Klager", id="case.profile"),
        Binding("z", "link", "Koppelen", id="case.link"),
        Binding("a", "party", "Betrokkene", id="case.party"),
        Binding("ctrl+b", "add_party", "Betrokkene +", id="case.add_party", show=False),
    ]

    def __init__(self, complaint_id: int) -> None:
        super().__init__()
        self.complaint_id = complaint_id
        self.loaded: LoadedCase | None = None
        self.timeline_filter = "alles"
        self._kept: dict[str, KeptInput] = {}
        self._rebase: CaseDialog[Any] | None = None  # a dialog waiting for the case as it is now

    @property
    def detail(self) -> CaseDetail | None:
        return self.loaded.detail if self.loaded else None

    @property
    def version(self) -> int:
        """The version the user is looking at (what an edit is based on)."""
        assert self.loaded is not None
        return self.loaded.detail.version

    # -- layout and loading -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Zaak laden …", id="case-title", markup=False)
        yield Static("", id="case-path")
        with Horizontal(id="case-body"):
            with VerticalScroll(id="case-left"):
                yield Static("Zaak", classes="section")
                yield Static("", id="case-fields")
                yield Static("Betrokkenen", classes="section")
                yield Static("", id="case-parties")
                yield Static("Gekoppelde zaken", classes="section")
                yield Static("", id="case-links")
                yield Static("Termijnen", classes="section")
                yield Static("", id="case-deadlines")
                yield Static("Bijlagen", classes="section", id="case-attachments-title")
                yield Static("", id="case-attachments")
            with Vertical(id="case-right"):
                yield Tabs(*[Tab(f"{n} {label}", id=key) for n, (key, (label, _)) in
                             enumerate(TIMELINE_FILTERS.items(), start=1)], id="timeline-filter")
                with VerticalScroll(id="timeline-scroll"):
                    yield Static("", id="timeline")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load(record_view=True)

    @service_work("case-detail")
    def load(self, record_view: bool = False) -> None:
        self.post_message(CaseLoaded(load_case(self.context, self.complaint_id, record_view=record_view)))

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        if message.group == "case-detail" and self.loaded is None:  # nothing to show: say why in its place
            self.query_one("#case-title", Static).update(message.error.message)

    @on(CaseLoaded)
    def _show(self, message: CaseLoaded) -> None:
        loaded = self.loaded = message.loaded
        d = loaded.detail
        self.show_title(d.number)
        title = Text(f"{d.number} · {d.kind.value} · {d.status.value}")
        title.append(f" · behandelaar: {d.handler or 'nog niet toegewezen'}", style="not bold")
        self.query_one("#case-title", Static).update(title)
        self.query_one("#case-path", Static).update(render_path(d))
        self.query_one("#case-fields", Static).update(render_fields(loaded))
        self.query_one("#case-parties", Static).update(render_parties(loaded))
        self.query_one("#case-links", Static).update(render_links(loaded))
        self.query_one("#case-deadlines", Static).update(render_deadlines(loaded))
        self.query_one("#case-attachments", Static).update(render_attachments(loaded))
        self._render_timeline()
        if d.view_notice:
            self.notify(d.view_notice, severity="warning", timeout=10)
        self.refresh_bindings()
        rebase, self._rebase = self._rebase, None
        if rebase is not None:
            rebase.rebased(d)

    def _render_timeline(self) -> None:
        if self.loaded is not None:
            self.query_one("#timeline", Static).update(render_timeline(self.loaded, self.timeline_filter))

    def on_data_changed(self, message: DataChanged) -> None:
        self.load()

    def _changed(self, note: str) -> None:
        """After a change: tell the user, and every screen (this one reloads too)."""
        self.say(note, timeout=6)
        self.desk.post_data_changed()

    # -- which keys apply -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return bool(self.loaded and self.loaded.detail.review_pending
                        and self.context.user.may(Permission.REGISTER))
        if action == "save_attachments":
            return bool(self.loaded and self.loaded.attachments)
        if action == "mark_posted":  # a letter waits for the post (who may: the service decides, per case)
            return bool(self.loaded and self.loaded.letters)
        user = self.context.user
        if action == "profile":
            if not user.may(Permission.READ_PERSONAL_DATA):
                return False
            return bool(self.loaded and self.loaded.detail.parties) or None
        if action in ("link", "party", "add_party"):
            if not user.may(Permission.HANDLE) or (action != "link" and not user.may(Permission.READ_PERSONAL_DATA)):
                return False
            if action != "link" and self.loaded is not None and not self._may_add() and (
                    action == "add_party" or not self._others()):
                return None
            return (self.loaded is not None and user.may_on_case(Permission.HANDLE, self.loaded.detail.handler_id)
                    ) or None
        name = ACTION_STATES.get(action)
        if name is None:
            return True
        if self.loaded is None:
            user = self.context.user
            return None if all(user.may(p) for p in workflow.ACTION_PERMISSIONS[name]) else False
        # what the role cannot do, and what the case does not allow now, stay out of the
        # footer; the command palette names the latter with the reason
        return self.loaded.actions[name].enabled

    def why_not(self, action: str) -> str | None:
        """Why an action the role allows cannot be taken now (None: it can, or it is not allowed)."""
        name = ACTION_STATES.get(action)
        if name is None or self.loaded is None:
            return None
        state = self.loaded.actions[name]
        return state.why_not if state.allowed and not state.possible else None

    def why_not_now(self, action: str) -> str | None:
        """A key of the case that cannot act says why: the case's reason, or the role's."""
        if action == "review" and self.loaded is not None:
            if not self.context.user.may(Permission.REGISTER):
                return f"Beoordelen doet wie meldingen registreert; dit mag u ({self.context.user.role_names}) niet."
            if not self.loaded.detail.review_pending:
                return "Deze zaak wacht niet op beoordeling: ze kwam niet uit de mail, of is al beoordeeld."
        if action == "save_attachments" and self.loaded is not None and not self.loaded.attachments:
            return "Deze zaak heeft geen bijlagen (alleen een melding uit de mail kan ze hebben)."
        if action == "mark_posted" and self.loaded is not None and not self.loaded.letters:
            return "Er wacht geen brief op de post bij deze zaak."
        user = self.context.user
        if action in ("profile", "party", "add_party") and not user.may(Permission.READ_PERSONAL_DATA):
            return f"Persoonsgegevens mag u ({user.role_names}) niet inzien."
        if action in ("link", "party", "add_party") and not user.may(Permission.HANDLE):
            return f"Dit mag u ({user.role_names}) niet: alleen wie zaken behandelt."
        if action in ("party", "add_party") and self.loaded is not None and not self._may_add():
            kind = self.loaded.detail.kind
            if "involved" not in KIND_FIELDS[kind]:
                return f"Een {kind.value} heeft geen aangeklaagde of betrokkenen; alleen een klacht heeft die."
            if self.loaded.detail.anonymised:
                return "De zaak is geanonimiseerd."
        if action in ("link", "party", "add_party") and self.loaded is not None:
            return "Dit mag u alleen bij zaken die aan u zijn toegewezen."
        if action == "profile" and self.loaded is not None:
            return "Deze zaak heeft geen klager of betrokkenen (meer)."
        name = ACTION_STATES.get(action)
        if self.loaded is None or name is None or self.loaded.actions[name].allowed:
            return self.why_not(action)
        return f"Dit mag u ({self.context.user.role_names}) niet."

    # -- simple actions ---------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_review(self) -> None:
        """Check a case registered from a mail in the registration form (prefilled)."""
        self._load_review()

    @service_work("case-prepare")
    def _load_review(self) -> None:
        self.post_message(ReviewLoaded(review.review_form(self.context, self.complaint_id)))

    @on(ReviewLoaded)
    def _open_review(self, message: ReviewLoaded) -> None:
        self.app.push_screen(RegistrationScreen.for_review(message.form))

    def action_save_attachments(self) -> None:
        self._save_attachments()

    @service_work("case-prepare")
    def _save_attachments(self) -> None:
        folder, names = mail_intake.save_attachments(self.context, self.complaint_id)
        self.post_message(AttachmentsSaved(str(folder), len(names)))

    @on(AttachmentsSaved)
    def _attachments_saved(self, message: AttachmentsSaved) -> None:
        self.say(f"{message.count} bijlage(n) opgeslagen in {message.folder} (alleen voor u leesbaar). "
                 "Verwijder ze als u ze niet meer nodig hebt.", timeout=12)

    def action_refresh(self) -> None:
        self.load()

    def action_filter(self, key: str) -> None:
        self.query_one("#timeline-filter", Tabs).active = key

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab.id in TIMELINE_FILTERS:
            self.timeline_filter = str(event.tab.id)
            self._render_timeline()
            self.query_one("#timeline-scroll", VerticalScroll).scroll_home(animate=False)

    def action_profile(self) -> None:
        """The klager's profile; with more people on the case, first whose."""
        detail = self.detail
        if detail is None or not detail.parties:
            return
        if len(detail.parties) == 1:
            self.desk.action_open_profile(detail.parties[0].person_id)
            return

        def chosen(person_id: int | None) -> None:
            if person_id is not None:
                self.desk.action_open_profile(person_id)

        self.app.push_screen(PersonChoice(detail.parties), chosen)

    def _others(self) -> list[complaints.PartyView]:
        """The people of the case other than its klager."""
        detail = self.detail
        return [p for p in detail.parties if p.role is not complaints.PartyRole.COMPLAINANT] if detail else []

    def _may_add(self) -> bool:
        """Whether a person may be added to the case (a klacht; the user's own case or all cases)."""
        detail = self.detail
        return bool(detail and "involved" in KIND_FIELDS[detail.kind] and not detail.anonymised
                    and self.context.user.may_on_case(Permission.HANDLE, detail.handler_id))

    def action_add_party(self) -> None:
        if self.detail is None:
            return
        context, case_id = self.context, self.complaint_id

        def submit(values: NewPartyValues) -> parties.PartyAdded:
            return parties.add_party(context, case_id, self.version, values.person, values.role, values.note)

        self._open("add_party", partial(AddPartyDialog, submit),
                   lambda added: self._changed(f"{added.name} is toegevoegd als {added.role.value}."))

    def action_party(self) -> None:
        """Role and note of the people besides the klager; on a case with none, add one."""
        others = self._others()
        if not others:
            self.action_add_party()
            return
        context, case_id = self.context, self.complaint_id

        def submit(values: PartyValues) -> parties.PartyChange:
            return parties.update_party(context, case_id, self.version, values.person_id, values.role, values.note)

        self._open("party", partial(PartyDialog, submit, parties=others),
                   lambda change: self._changed(f"Gewijzigd: {', '.join(change.changed)}."))

    def action_link(self) -> None:
        if self.loaded is None:
            return
        context, case_id = self.context, self.complaint_id

        def submit(values: LinkValues) -> links.LinkChange:
            return (links.unlink if values.unlink else links.link)(context, case_id, values.number)

        def done(change: links.LinkChange) -> None:
            self._changed(f"{change.number} en {change.other_number} zijn "
                          f"{'gekoppeld' if change.linked else 'niet meer gekoppeld'}.")

        self._open("link", partial(LinkDialog, submit, number=self.loaded.detail.number,
                                   linked=list(self.loaded.linked), year=context.today().year), done)

    def action_plan(self) -> None:
        self.desk.action_open_planner(self.complaint_id)

    def action_measure(self) -> None:
        self.desk.action_new_measure(self.complaint_id)

    # -- dialogs ----------------------------------------------------------------------------

    def _keep(self, key: str, state: KeptInput | None) -> None:
        if state:
            self._kept[key] = state
        else:
            self._kept.pop(key, None)

    def _stale(self, dialog: CaseDialog[Any]) -> None:
        """A colleague changed the case: reload it behind the dialog, which keeps the input."""
        self._rebase = dialog
        self.load()

    def _open(self, key: str, make: Callable[..., CaseDialog[Any]], done: Callable[[Any], None],
              kept: KeptInput | None = None) -> None:
        dialog = make(kept=kept if kept is not None else self._kept.get(key),
                      keep=partial(self._keep, key), on_stale=self._stale)

        def finished(result: Any) -> None:
            if result is not None:
                done(result)

        self.app.push_screen(dialog, finished)

    def action_assign(self) -> None:
        self._load_candidates()

    @service_work("case-prepare")
    def _load_candidates(self) -> None:
        self.post_message(CandidatesLoaded(handler_loads(self.context)))

    @on(CandidatesLoaded)
    def _open_assign(self, message: CandidatesLoaded) -> None:
        candidates = message.candidates
        detail = self.detail
        if detail is None:
            return
        context, case_id = self.context, self.complaint_id

        def submit(values: Chosen[int]) -> int:
            return workflow.assign(context, case_id, self.version, values.value, values.reason)

        self._open("assign", partial(AssignDialog, submit, candidates=candidates, current_id=detail.handler_id),
                   lambda _version: self._changed("Behandelaar toegewezen."))

    def action_status(self) -> None:
        detail = self.detail
        if detail is None:
            return
        context, case_id = self.context, self.complaint_id

        def submit(values: Chosen[Status]) -> int:
            return workflow.transition(context, case_id, self.version, values.value, values.reason or None)

        targets = workflow.step_targets(detail.kind, detail.status)
        self._open("status", partial(StatusDialog, submit, current=detail.status, targets=targets),
                   lambda _version: self._changed("Status gewijzigd."))

    def action_contact(self) -> None:
        context, case_id = self.context, self.complaint_id

        def submit(values: ContactValues) -> workflow.Logged:
            return workflow.log_contact(context, case_id, values.medium, values.direction, values.summary,
                                        at=values.at)

        def done(logged: workflow.Logged) -> None:
            met = f" Termijn gehaald: {', '.join(logged.met)}." if logged.met else ""
            self._changed(f"Contact vastgelegd.{met}")

        hint = workflow.contact_hint(context, self.detail) if self.detail is not None else None
        self._open("contact", partial(ContactDialog, submit, now=context.now(), hint=hint), done)

    def _note(self, confidential: bool) -> None:
        context, case_id = self.context, self.complaint_id

        def submit(text: str) -> workflow.Logged:
            return workflow.add_note(context, case_id, text, confidential=confidential)

        title = "Vertrouwelijke notitie (alleen klachtenfunctionaris)" if confidential else "Interne notitie"
        hint = ("Alleen de klachtenfunctionaris kan deze notitie lezen." if confidential
                else "Voor collega's; de klager ziet dit niet. Notities blijven in de geschiedenis staan.")
        self._open("confidential_note" if confidential else "note",
                   partial(TextDialog, submit, title=title, label="Notitie", field="text", hint=hint),
                   lambda _logged: self._changed("Notitie bewaard."))

    def action_note(self) -> None:
        self._note(False)

    def action_confidential_note(self) -> None:
        self._note(True)

    def action_edit(self) -> None:
        detail = self.detail
        if detail is None:
            return
        context, case_id = self.context, self.complaint_id

        def submit(changes: dict[str, Any]) -> int:
            return complaints.update_fields(context, case_id, self.version, changes)

        self._open("edit", partial(EditDialog, submit, detail=detail, lists=context.settings.lists,
                                   today=context.today()),
                   lambda _version: self._changed("Wijzigingen opgeslagen."))

    def action_close_case(self) -> None:
        detail = self.detail
        if detail is None:
            return
        context, case_id = self.context, self.complaint_id

        def submit(values: CloseValues) -> tuple[int, CloseValues]:
            return workflow.close(context, case_id, self.version, values.resolution, values.accepted), values

        def done(result: tuple[int, CloseValues]) -> None:
            version, values = result
            closed = "Zaak gesloten." if detail.kind is ComplaintKind.COMPLAINT else "Vraag afgehandeld."
            if warning:
                closed += " De beslistermijn blijft open tot de beslissing verstuurd is."
            self._changed(closed)
            if values.write_letter:
                self.action_message("beslissing")
            elif detail.kind is ComplaintKind.COMPLAINT and values.accepted is not Acceptance.YES:
                self._offer_referral(version)

        warning = workflow.closing_warning(detail.kind, detail.deadlines)
        if warning and not self.context.user.may(Permission.SEND_MESSAGE):
            warning += " Vraag de behandelaar de beslissing te versturen."
        self._open("close", partial(CloseDialog, submit, kind=detail.kind, warning=warning), done)

    def _offer_referral(self, version: int) -> None:
        if not self.context.user.may(Permission.CLOSE):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._refer(version)

        self.app.push_screen(
            ConfirmModal("De klager is niet (zeker) akkoord met de oplossing. Doorverwijzen naar de "
                         "geschillencommissie en het bericht daarover opstellen?", yes="Doorverwijzen", no="Nu niet"),
            answered,
        )

    @service_work("case-prepare")
    def _refer(self, version: int) -> None:
        workflow.refer(self.context, self.complaint_id, version)
        self.post_message(Referred())

    @on(Referred)
    def _referred(self) -> None:
        self._changed("Doorverwezen naar de geschillencommissie.")
        if self.context.user.may(Permission.SEND_MESSAGE):
            self.action_message("doorverwijzing")

    def action_reopen(self) -> None:
        context, case_id = self.context, self.complaint_id

        def submit(reason: str) -> int:
            return workflow.reopen(context, case_id, self.version, reason)

        self._open("reopen", partial(TextDialog, submit, title="Zaak heropenen", field="reason",
                                     label="Waarom wordt de zaak heropend?", submit_label="Heropenen"),
                   lambda _version: self._changed("Zaak heropend."))

    def action_dispute(self) -> None:
        context, case_id = self.context, self.complaint_id

        def submit(outcome: str) -> int:
            return workflow.record_dispute_outcome(context, case_id, self.version, outcome)

        self._open("dispute", partial(TextDialog, submit, title="Uitkomst van de geschillencommissie",
                                      field="outcome", label="Uitspraak of uitkomst"),
                   lambda _version: self._changed("Uitkomst van de geschillencommissie vastgelegd."))

    def action_extend(self) -> None:
        self.action_message("verlenging")

    def action_message(self, template: str | None = None) -> None:
        self._load_templates(template)

    @service_work("case-prepare")
    def _load_templates(self, template: str | None) -> None:
        self.post_message(TemplatesLoaded(messages.templates_for(self.context, self.complaint_id), template))

    @on(TemplatesLoaded)
    def _open_message(self, message: TemplatesLoaded) -> None:
        choices, template = message.choices, message.template
        detail = self.detail
        if detail is None:
            return
        available = {c.key: c for c in choices if c.available}
        if template is not None and template not in available:
            why = next((c.why_not for c in choices if c.key == template), None)
            self.say(why or "Dit bericht kan nu niet worden verstuurd.", severity="warning", timeout=8)
            return
        if template is None:
            sent_before = any(e.type is E.MESSAGE for e in detail.timeline)
            preferred = "voortgang" if sent_before else "ontvangstbevestiging"
            template = preferred if preferred in available else next(iter(available), None)
        if template is None:
            why = next((c.why_not for c in choices if c.why_not), None)
            self.say(why or "Er is nu geen bericht dat naar deze klager kan.", severity="warning", timeout=8)
            return
        context, case_id = self.context, self.complaint_id
        kept = self._kept.get("message")
        if kept and kept.get("template") != template:
            kept = {}

        def submit(values: MessageValues) -> messages.SentMessage:
            return messages.send(context, case_id, values.template, values.subject, values.body)

        def prepare(key: str) -> messages.MessageDraft:
            return messages.prepare(context, case_id, key)

        def done(sent: messages.SentMessage) -> None:
            notes = [sent.outcome]
            if sent.met:
                notes.append(f"Termijn gehaald: {', '.join(sent.met)}.")
            if sent.extended_to:
                notes.append(f"Beslistermijn verlengd tot {format_date(sent.extended_to)}.")
            self._changed(" ".join(notes))

        self._open("message", partial(MessageDialog, submit, choices=choices, template=template, prepare=prepare),
                   done, kept=kept)

    def action_mark_posted(self) -> None:
        """A printed letter went in the post (``posting.mark_posted``): its deadlines count from then."""
        loaded = self.loaded
        if loaded is None or not loaded.letters:
            self.say("Er wacht geen brief op de post bij deze zaak.", severity="warning")
            return
        context = self.context

        def submit(values: PostedValues) -> posting.Posted:
            return posting.mark_posted(context, values.letter_id, values.on)

        self._open("mark_posted", partial(PostedDialog, submit, letters=posted_choices(loaded.letters),
                                          today=context.today()),
                   lambda posted: self._changed(posted.outcome))
