"""The klager's postal address in the intake form: straat en huisnummer, postcode, plaats
and land (empty: Nederland), one row of compact inputs. The checks are the services'
(``people.postal``, through the form's validation); this widget only holds the text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input

#: part -> placeholder (the part names are the form's value keys and ``address.<part>``)
PARTS: dict[str, str] = {
    "street": "straat en huisnummer",
    "postcode": "1234 AB",
    "city": "plaats",
    "country": "land (leeg: Nederland)",
}


class AddressFields(Horizontal):
    """Four inputs, ids ``address-<part>``. Optional: the form's Tab passes by while it is empty."""

    DEFAULT_CSS = """
    AddressFields { height: auto; }
    AddressFields > Input { width: 1fr; margin-right: 1; }
    AddressFields > #address-street { width: 2fr; }
    AddressFields > #address-postcode { width: 12; }
    AddressFields > #address-country { width: 24; margin-right: 0; }
    """

    def __init__(self, values: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._values = values

    def compose(self) -> ComposeResult:
        for part, placeholder in PARTS.items():
            yield Input(self._values.get(part, ""), placeholder=placeholder, id=f"address-{part}", compact=True)

    def part(self, name: str) -> Input:
        return self.query_one(f"#address-{name}", Input)

    def values(self) -> dict[str, str]:
        return {part: self.part(part).value for part in PARTS}

    def fill(self, values: dict[str, str], *, only_empty: bool = False) -> None:
        """Put ``values`` in (``only_empty``: only where nothing is typed yet)."""
        if only_empty and not self.is_empty():
            return
        for part in PARTS:
            self.part(part).value = values.get(part, "") or ""

    def is_empty(self) -> bool:
        return not any(value.strip() for value in self.values().values())


__all__ = ["PARTS", "AddressFields"]
