"""How a search text matches cases, on both engines: the query normalisation and the
match condition the list machinery (``inbox``) joins in.

One normalisation for both engines: a query is cut into *terms* with
``contact_details.search_tokens`` (the very function that builds
``complaint_search.search_text``), phone numbers become the digit forms the index holds
(``normalise_phone`` + ``phone_search_forms``), and klachtnummers become the exact
words ``kl 2026 000123``. Every word is matched as a prefix, and all terms must
match (AND). The terms are then written as an FTS5 query (SQLite, table
``complaint_fts``) or a ``tsquery`` on the GIN index over
``to_tsvector('simple', search_text)`` (PostgreSQL), so both engines find the same
cases. Results are ordered newest registered first (by id), which both engines can
serve from the index and stop after one page, also at a million cases.

Dutch compounds need more: ``vriendelijk`` must find ``onvriendelijk``. So a search
is ranked in two tiers: first the cases where every term matches from the start of a
word (the word index above), then the cases where a term of at least
``INSIDE_MIN`` letters matches only *inside* a word (``inside_plan``: the FTS5 trigram
table ``complaint_trigram`` on SQLite, ``pg_trgm``'s GIN index on PostgreSQL), each tier
newest first. ``found_in`` names the field a case was found by.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, column, func, literal_column, table

from klachtdesk.errors import ValidationError
from klachtdesk.models import Complaint, ComplaintSearch
from klachtdesk.services.cases.numbering import WIDTH
from klachtdesk.services.core.context import Context
from klachtdesk.services.people.contact_details import normalise_phone, phone_search_forms, search_tokens
from klachtdesk.services import limits
from klachtdesk.services.lists.query import MatchCount, require_search

#: how far the inbox counts matches before it says "meer dan ..."
COUNT_CAP = 1000
#: the shortest word searched inside other words (a trigram)
INSIDE_MIN = 3
#: the longest prefix ``complaint_fts`` has an index for (the migration's ``prefix='2 3 4'``)
FTS_PREFIX_MAX = 4

#: a phone number in a query: at least 8 digits with the usual separators
_PHONE_RUN = re.compile(r"(?<![0-9a-z@])(?:\+|00)?\d[\d\s\-().]{5,}\d(?![0-9a-z@])", re.IGNORECASE)
_PHONE_ONLY = re.compile(r"^\s*\+?[\d\s\-().]+$")
_MIN_PHONE_DIGITS = 8
#: a query that is nothing but a (partial) phone number may be shorter: "06-1234"
_MIN_PHONE_ONLY_DIGITS = 6
#: a klachtnummer in a query: KL-2026-000123, KL 2026 123, KL2026-123
_NUMBER_RUN = re.compile(r"(?<![0-9a-z])kl[-\s]?(\d{4})[-\s](\d{1,6})(?![0-9a-z])", re.IGNORECASE)
_SHORT_NUMBER_ONLY = re.compile(r"^\s*(\d{4})[-/](\d{1,6})\s*$")


# ---------------------------------------------------------------------------------------
# query normalisation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One condition of a query: ``words`` in this order, next to each other; the last
    one as a prefix when ``prefix`` is set."""

    words: tuple[str, ...]
    prefix: bool = True


@dataclass(frozen=True)
class SearchQuery:
    text: str  # what the user typed
    terms: tuple[Term, ...]

    @property
    def selective(self) -> bool:
        """True when a term is nearly unique: a klachtnummer or a whole phone number."""
        return any(not t.prefix and (len(t.words) > 1 or len(t.words[0]) >= 8) for t in self.terms)

    def fts5(self) -> str:
        """The FTS5 MATCH expression (SQLite)."""
        return " AND ".join(_fts5_term(term.words, term.prefix) for term in self.terms)

    def fts5_indexed(self) -> tuple[str, tuple[str, ...]] | None:
        """The same query served by FTS5's prefix index, or None when it already is.

        FTS5 reads a prefix longer than the indexed lengths (``FTS_PREFIX_MAX``) by
        merging the whole posting list of every word that starts with it, before
        the first row comes out: 100 ms for a word in every case. So such a prefix
        is cut to ``FTS_PREFIX_MAX`` letters (an index look-up that yields rows
        lazily, newest first) and the full prefix is checked with LIKE patterns on
        ``' ' || search_text``, which say exactly what the prefix match says.
        """
        parts, patterns = [], []
        for term in self.terms:
            words = term.words
            if term.prefix and len(words[-1]) > FTS_PREFIX_MAX:
                patterns.append("% " + " ".join(words) + "%")
                words = (*words[:-1], words[-1][:FTS_PREFIX_MAX])
            parts.append(_fts5_term(words, term.prefix))
        return (" AND ".join(parts), tuple(patterns)) if patterns else None

    @property
    def inside_words(self) -> bool:
        """Whether the query can also match inside words: a word term of ``INSIDE_MIN``
        letters or more, and every term long enough for the trigram index."""
        return any(t.prefix and len(t.words) == 1 and len(t.words[0]) >= INSIDE_MIN for t in self.terms) and \
            all(len(" ".join(t.words)) >= INSIDE_MIN for t in self.terms)

    def trigram_fts5(self) -> str:
        """The FTS5 MATCH expression on ``complaint_trigram``: every term as a substring."""
        return " AND ".join('"' + " ".join(term.words) + '"' for term in self.terms)

    def tsquery(self) -> str:
        """The ``to_tsquery('simple', ...)`` text (PostgreSQL)."""
        parts = []
        for term in self.terms:
            words = list(term.words)
            if term.prefix:
                words[-1] += ":*"
            parts.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
        return " & ".join(parts)


def _fts5_term(words: tuple[str, ...], prefix: bool) -> str:
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _phone_term(raw: str, *, partial: bool) -> Term | None:
    """The indexed digit form of a phone number said in any format. With ``partial``,
    the start of a number as a caller says it (``06-1234``, ``+31 6 12 3``) becomes a
    prefix of its digits; other digit runs (invoice numbers, dates) stay words."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) < (_MIN_PHONE_ONLY_DIGITS if partial else _MIN_PHONE_DIGITS):
        return None
    try:
        e164 = normalise_phone(raw)
    except ValidationError:
        e164 = None
    if e164:
        # every form is indexed; the full international one identifies the number
        return Term((phone_search_forms(e164)[0],), prefix=False)
    start = raw.strip()
    if not partial or not (start.startswith("0") or start.startswith("+")):
        return None
    if start.startswith("00"):
        digits = digits[2:]
    return Term((digits,), prefix=True)


def _word_terms(text: str) -> list[Term]:
    words = search_tokens(text).split()
    return [Term((word,), prefix=True) for word in words]


def parse_query(text: str, current_year: int | None = None) -> SearchQuery:
    """Cut what the user typed into terms. ``ValidationError`` when nothing is left."""
    raw = limits.clean_text(text, "search", form_field="zoekterm")
    terms: list[Term] = []
    short = _SHORT_NUMBER_ONLY.match(raw)
    if short:
        raw = f"KL-{short.group(1)}-{short.group(2)}"
    rest_parts: list[str] = []
    position = 0
    for match in _NUMBER_RUN.finditer(raw):
        rest_parts.append(raw[position:match.start()])
        year, seq = int(match.group(1)), int(match.group(2))
        terms.append(Term(("kl", f"{year:04d}", f"{seq:0{WIDTH}d}"), prefix=False))
        position = match.end()
    rest_parts.append(raw[position:])
    rest = " ".join(rest_parts)
    if _PHONE_ONLY.match(rest):
        phone = _phone_term(rest, partial=True)
        if phone is not None:
            terms.append(phone)
            rest = ""
    words_text: list[str] = []
    position = 0
    for match in _PHONE_RUN.finditer(rest):
        phone = _phone_term(match.group(0), partial=False)
        if phone is None:
            continue
        words_text.append(rest[position:match.start()])
        terms.append(phone)
        position = match.end()
    words_text.append(rest[position:])
    terms += _word_terms(" ".join(words_text))
    terms = list(dict.fromkeys(terms))
    # a one-letter prefix matches nearly everything: keep it only as a whole word
    terms = [Term(t.words, prefix=False) if t.prefix and len(t.words) == 1 and len(t.words[0]) < 2 else t
             for t in terms]
    if not terms:
        raise ValidationError("Geef een zoekterm met letters of cijfers.", field="zoekterm")
    return SearchQuery(text=text.strip(), terms=tuple(terms))


# ---------------------------------------------------------------------------------------
# SQL: the match condition per engine
# ---------------------------------------------------------------------------------------

#: the FTS5 table (external content over complaint_search.search_text, rowid = the case's id;
#: see the migrations 0001 and 0016)
complaint_fts = table("complaint_fts", column("rowid"), column("complaint_fts"))


@dataclass(frozen=True)
class MatchPlan:
    """How a search joins the complaint table: extra FROM, the condition, and the
    key column the result is ordered by (newest registered first). A condition that
    reads the search text itself (``reads_text``; ``fast_condition`` always does) needs
    ``complaint_search`` joined (the list machinery does that, ``inbox._base``).

    ``fast_condition`` (SQLite, see ``SearchQuery.fts5_indexed``) finds the same rows
    through the prefix index, but may have to look at many candidates for a rare
    long prefix; ``probe_expression`` is its FTS5 expression, so the caller can
    bound the candidates it looks at and fall back to ``condition``.
    """

    from_fts: bool
    condition: ColumnElement[bool]
    key: Any
    fast_condition: ColumnElement[bool] | None = None
    probe_expression: str | None = None
    #: PostgreSQL: the condition on another ``search_text`` column (a subquery's)
    condition_on: Callable[[Any], ColumnElement[bool]] | None = None
    #: the query names something nearly unique (a klachtnummer, a whole phone number)
    selective: bool = False
    #: the FTS5 table joined when ``from_fts`` (the word index, or the trigram table)
    fts_table: Any = None
    #: ``condition`` reads ``complaint_search.search_text``
    reads_text: bool = False


def match_plan(context: Context, query: SearchQuery) -> MatchPlan:
    if context.db.dialect == "sqlite":
        condition = complaint_fts.c.complaint_fts.op("MATCH")(query.fts5())
        indexed = query.fts5_indexed()
        if indexed is None:
            return MatchPlan(True, condition, complaint_fts.c.rowid)
        expression, patterns = indexed
        padded = literal_column("' '").concat(ComplaintSearch.search_text)
        fast = and_(complaint_fts.c.complaint_fts.op("MATCH")(expression), *[padded.like(p) for p in patterns])
        return MatchPlan(True, condition, complaint_fts.c.rowid, fast, expression)
    # PostgreSQL: the expression of the GIN index ix_complaint_search, literally
    def condition_on(search_text: Any) -> ColumnElement[bool]:
        vector = func.to_tsvector(literal_column("'simple'"), search_text)
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'"), query.tsquery()))  # type: ignore[no-any-return]

    return MatchPlan(False, condition_on(ComplaintSearch.search_text), Complaint.id, condition_on=condition_on,
                     selective=query.selective, reads_text=True)


#: the FTS5 trigram table over complaint_search.search_text (migrations 0008_search_trigram, 0016)
complaint_trigram = table("complaint_trigram", column("rowid"), column("complaint_trigram"))


def word_pattern(term: Term) -> tuple[bool, str]:
    """The LIKE pattern that says what the word index says of ``term``: (whether it is
    matched against ``' ' || search_text || ' '`` rather than ``' ' || search_text``, pattern)."""
    words = " ".join(term.words)
    return (False, f"% {words}%") if term.prefix else (True, f"% {words} %")


def _like_words(search_text: Any, term: Term) -> ColumnElement[bool]:
    closed, pattern = word_pattern(term)
    padded = literal_column("' '").concat(search_text)
    return (padded.concat(literal_column("' '")) if closed else padded).like(pattern)  # type: ignore[no-any-return]


def inside_plan(context: Context, query: SearchQuery) -> MatchPlan | None:
    """The second tier of a search: the cases a term matches only inside a word (and that
    the first tier does not list). None when the query has no term to look inside words for."""
    if not query.inside_words:
        return None
    inside = [t for t in query.terms if t.prefix and len(t.words) == 1 and len(t.words[0]) >= INSIDE_MIN]
    exact = [_like_words(ComplaintSearch.search_text, t) for t in query.terms if t not in inside]
    first_tier = and_(*[_like_words(ComplaintSearch.search_text, t) for t in query.terms])
    rest = and_(*exact, ~first_tier) if exact else ~first_tier
    if context.db.dialect == "sqlite":
        trigram = complaint_trigram.c.complaint_trigram.op("MATCH")(query.trigram_fts5())
        return MatchPlan(True, and_(trigram, rest), complaint_trigram.c.rowid, fts_table=complaint_trigram,
                         reads_text=True)
    substrings = [ComplaintSearch.search_text.like(f"%{t.words[0]}%") for t in inside]  # type: ignore[attr-defined]
    return MatchPlan(False, and_(*substrings, rest), Complaint.id, reads_text=True)


#: the fields of a case a search can find it by, in the order they are named
FOUND_IN = ("klachtnummer", "klager", "telefoon", "e-mail", "betrokkene", "omschrijving", "factuurnummer",
            "gewenste oplossing")


def found_in(query: SearchQuery, fields: dict[str, list[str]]) -> str:
    """The fields (``FOUND_IN`` names, with their texts as stored) that hold a term of
    ``query``: whole words first, else inside a word. A text is normalised as the index
    is (``search_tokens``, a phone number's ``phone_search_forms``) only when it may hold one."""
    digits = any(ch.isdigit() for term in query.terms for word in term.words for ch in word)
    firsts = [term.words[0] for term in query.terms]
    texts: dict[str, list[str]] = {}
    for name in FOUND_IN:
        if name == "telefoon" and not digits:
            continue
        for raw in fields.get(name, ()):
            lowered = raw.lower()
            if name != "telefoon" and lowered.isascii() and digits is False and not any(f in lowered for f in firsts):
                continue  # cannot hold a term: not worth normalising
            text = " ".join(phone_search_forms(raw)) if name == "telefoon" else search_tokens(raw)  # stored: E.164
            texts.setdefault(name, []).append(text)

    def holds(text: str, term: Term, inside: bool) -> bool:
        closed, pattern = word_pattern(term)
        padded = f" {text} " if closed else f" {text}"
        return pattern.strip("%") in padded or (inside and term.prefix and " ".join(term.words) in text)

    for inside in (False, True):
        names = [name for name, values in texts.items() for text in values
                 if any(holds(text, term, inside) for term in query.terms)]
        if names:
            return ", ".join(dict.fromkeys(names))
    return ""


__all__ = [
    "COUNT_CAP",
    "FOUND_IN",
    "FTS_PREFIX_MAX",
    "INSIDE_MIN",
    "MatchCount",
    "MatchPlan",
    "SearchQuery",
    "Term",
    "complaint_fts",
    "complaint_trigram",
    "found_in",
    "inside_plan",
    "match_plan",
    "parse_query",
    "require_search",
    "word_pattern",
]
