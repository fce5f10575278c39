"""E-mail addresses: a plausible domain ending, checked without the network (issue 15, item 15)."""

from __future__ import annotations

import pytest

from klachtdesk.errors import ValidationError
from klachtdesk.services.people.contact_details import normalise_email


@pytest.mark.parametrize("address", ["jan@example.nl", "e.dubois@voorbeeld.be", "a@b.co.uk", "x@gemeente.amsterdam"])
def test_real_domain_endings_are_accepted(address: str) -> None:
    assert normalise_email(address) == address


@pytest.mark.parametrize(("address", "said"), [
    ("jan@gmial.con", ".con is geen bestaande extensie; bedoelt u .com?"),
    ("jan@bedrijf.nll", ".nll is geen bestaande extensie; bedoelt u .nl?"),
    ("jan@bedrijf.xyzzy", ".xyzzy is geen bestaande extensie)"),
    ("jan@gmial", "na de @ hoort een domein met een extensie, zoals gmail.com of bedrijf.nl"),
    ("jan@", "het deel na de @ ontbreekt"),
])
def test_an_implausible_domain_is_refused_in_dutch(address: str, said: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_email(address)
    assert said in refused.value.message
    assert refused.value.field == "email"
