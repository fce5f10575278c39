"""After a session: the verslag, the afspraken (``Ctrl+N`` adds one) and what comes next."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Select, TextArea

from klachtdesk.screens.dialog import DialogField, FormDialog
from klachtdesk.widgets.type_select import TypeSelect
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.sessions import AgreementInput, NextStep, OutcomeInput, OutcomeResult, SessionView


class AgreementRow(Horizontal):
    """One afspraak: what, who, and within how many werkdagen."""

    DEFAULT_CSS = """
    AgreementRow { height: auto; }
    AgreementRow Input { width: 3fr; }
    AgreementRow .owner { width: 2fr; }
    AgreementRow .werkdagen { width: 12; }
    """

    def __init__(self, index: int, names: list[str]) -> None:
        super().__init__(id=f"agreement-{index}")
        self.index = index
        self.names = names

    def compose(self) -> ComposeResult:
        yield Input(placeholder=f"afspraak {self.index + 1}: wat is afgesproken", id=f"agreement-{self.index}-description")
        yield Input(placeholder="eigenaar", id=f"agreement-{self.index}-owner", classes="owner",
                    suggester=SuggestFromList(self.names, case_sensitive=False), max_length=200)
        yield Input("5", placeholder="werkdagen", id=f"agreement-{self.index}-werkdagen", classes="werkdagen",
                    restrict=r"[0-9]*", max_length=3)

    def value(self) -> AgreementInput:
        return AgreementInput(
            self.query_one(f"#agreement-{self.index}-description", Input).value,
            self.query_one(f"#agreement-{self.index}-owner", Input).value,
            self.query_one(f"#agreement-{self.index}-werkdagen", Input).value,
        )

    def empty(self) -> bool:
        data = self.value()
        return not data.description.strip() and not data.owner.strip()


class OutcomeDialog(FormDialog[OutcomeResult]):
    """Records the outcome of a held session (``planner.record_outcome``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add_agreement", "Afspraak toevoegen", id="planner.outcome.add"),
    ]
    DEFAULT_CSS = """
    OutcomeDialog > #dialog { width: 100; }
    OutcomeDialog #agreements { height: auto; }
    OutcomeDialog .pair { height: auto; margin-top: 1; }
    OutcomeDialog .pair > Vertical { height: auto; width: 1fr; }
    OutcomeDialog .pair Label { text-style: bold; }
    """
    FIELDS: ClassVar[dict[str, str]] = {"next_step": "next-step"}
    DISCARD_QUESTION = "Het verslag is niet opgeslagen. Toch sluiten?"
    DISCARD_ANSWERS = ("Sluiten", "Verder schrijven")

    def __init__(self, view: SessionView) -> None:
        super().__init__(title=f"Verslag van het gesprek · {view.complaint_number} · {view.when} · {view.location}")
        self.view = view

    def compose_fields(self) -> ComposeResult:
        yield DialogField("Verslag (vertrouwelijk: alleen de klachtenfunctionaris leest het)", TextArea(id="outcome"))
        yield DialogField("Afspraken: wat · eigenaar · binnen hoeveel werkdagen (Ctrl+N: nog een)",
                          Vertical(AgreementRow(0, self._names()), id="agreements"))
        yield DialogField(None, Horizontal(
            Vertical(Label("Volgende stap"), TypeSelect([(step.value, step) for step in NextStep], allow_blank=False,
                                                    value=NextStep.IN_PROGRESS, id="next-step")),
            Vertical(Label("Toelichting (optioneel)"), Input(id="next-note", max_length=500)),
            classes="pair"), error_id="next-step-error")

    def _names(self) -> list[str]:
        return [p.name for p in self.view.participants]

    def _rows(self) -> list[AgreementRow]:
        return list(self.query(AgreementRow))

    def action_add_agreement(self) -> None:
        row = AgreementRow(len(self._rows()), self._names())
        self.query_one("#agreements", Vertical).mount(row)

        def focus() -> None:  # once the row is laid out, wholly in view (a small terminal scrolls)
            row.query_one(Input).focus(scroll_visible=False)
            row.scroll_visible(animate=False)

        self.call_after_refresh(focus)

    def has_typed(self) -> bool:
        return bool(self.query_one("#outcome", TextArea).text.strip()) or any(not r.empty() for r in self._rows())

    def field_widget(self, field: str) -> Widget | None:
        """``agreements[1].owner`` is the owner field of the second row."""
        if field.startswith("agreements["):
            index, part = field[len("agreements["):field.index("]")], field.rsplit(".", 1)[1]
            return super().field_widget(f"agreement-{index}-{part}")
        return super().field_widget(field)

    def collect(self) -> OutcomeInput:
        step = self.query_one("#next-step", Select).value
        return OutcomeInput(
            outcome=self.query_one("#outcome", TextArea).text,
            agreements=[row.value() for row in self._rows()],
            next_step=step if isinstance(step, NextStep) else NextStep.IN_PROGRESS,
            next_step_note=self.query_one("#next-note", Input).value,
        )

    def save(self, values: OutcomeInput) -> OutcomeResult:
        return planner.record_outcome(self.context, self.view.id, self.view.version, values)


__all__ = ["AgreementRow", "OutcomeDialog"]
