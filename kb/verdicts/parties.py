"""Parties on China's lists (MOFCOM's control list and watch list, the Unreliable Entity List), found
by name and given their status on a date.

Every ``party_list`` document of the corpus is one announcement: its ``parties`` are listed under its
``measures`` from its effective date, and its ``status_history`` says what became of them. The status
on a date follows that history (:meth:`Announcement.status_on`): a suspension's ``until`` is its last
day, inclusive; after it, with no later entry, the status is ``unknown`` (the corpus holds no word on
what followed; an ``unknown`` entry dated within the suspension takes effect after its last day).

:class:`PartyRegistry` is built once from a corpus and screens names (:meth:`PartyRegistry.screen`)
and free text (:meth:`PartyRegistry.find_in_text`). How names are matched, and which matches are
certain and which only possible, is in :mod:`kb.verdicts.party_index` and
:mod:`kb.verdicts.party_mentions`; how hits are said, in :mod:`kb.verdicts.party_wording`. A name
that matches nothing is "not found on the lists held", never cleared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.schema import PartyList, StatusEntry
from kb.errors import QueryError
from kb.language.countries import check_country
from kb.language.dates import parse_date
from kb.language.names import name_form
from kb.verdicts.party_index import (
    POSSIBLE_SCORE,
    Candidate,
    ListedName,
    MatchMethod,
    NameField,
    NameIndex,
    listed_names,
    ordinary_words,
)
from kb.verdicts.party_mentions import MentionFinder

__all__ = [
    "COUNTRY_BONUS",
    "COUNTRY_PENALTY",
    "POSSIBLE_SCORE",
    "Announcement",
    "ExportEffect",
    "MatchReason",
    "Outcome",
    "Party",
    "PartyRegistry",
    "PartyStatus",
    "ScreenHit",
    "StateName",
    "outcome_of",
]

ExportEffect = Literal["prohibited", "licence_required", "none", "unspecified"]
#: What a listing does to exports when its file does not say: MOFCOM's control list bars dual-use
#: exports to the parties, its watch list puts them under licence with extra duties; the Unreliable
#: Entity List's measures differ from one announcement to the next.
_LIST_EFFECT: dict[PartyList, ExportEffect] = {
    "control_list": "prohibited",
    "watch_list": "licence_required",
    "unreliable_entity_list": "unspecified",
}

StateName = Literal["listed", "not_yet_listed", "suspended", "stopped", "unknown", "removed"]
#: What screening a name comes to: a listed match, a possible one to check, or nothing on the lists held.
Outcome = Literal["listed", "possible_match", "no_match"]

#: Added to a possible match's score when the country given is the listed party's (never to 100).
COUNTRY_BONUS = 5
#: Taken off a match's score when the country given differs from the listed one; a certain match
#: becomes a possible one (the same name in another country may be another company). Never hidden.
COUNTRY_PENALTY = 15


@dataclass(frozen=True)
class Party:
    """A party as one announcement lists it."""

    name: str
    name_zh: str | None
    aliases: tuple[str, ...]
    country: str | None
    note: str | None
    document_id: str
    list: PartyList


@dataclass(frozen=True)
class PartyStatus:
    """What a listing means on a date.

    ``since``: listed -> the day the listing took effect; not_yet_listed -> the day it will;
    suspended -> the first day of the suspension; stopped, removed, unknown -> since when.
    ``until``: suspended -> the last day of the suspension (inclusive; ``None``: not stated);
    unknown after a lapsed suspension -> the last day of that suspension.
    ``note``: the note of the status-history entry behind the state, as the corpus words it.
    """

    state: StateName
    as_of: dt.date
    since: dt.date | None = None
    until: dt.date | None = None
    note: str | None = None

    @property
    def lapsed(self) -> bool:
        """True for an unknown status after a suspension ran out with no later word."""
        return self.state == "unknown" and self.until is not None

    @property
    def in_effect(self) -> bool:
        """True when the listing had begun by the date (whatever became of its measures since)."""
        return self.state != "not_yet_listed"


@dataclass(frozen=True)
class Announcement:
    """A ``party_list`` document: what it lists the parties under, and what became of that."""

    document_id: str
    list: PartyList
    number: str | None
    number_zh: str | None
    title: str
    title_zh: str | None
    issued: dt.date | None
    effective: dt.date | None
    url: str | None
    measures: tuple[str, ...]
    measures_zh: tuple[str, ...]
    exception: str | None
    exception_zh: str | None
    confidence: Literal["high", "medium", "low"]
    status_history: tuple[StatusEntry, ...] = ()
    #: What the listing does to an export from China to the parties, and to which exports (see
    #: ``FrontMatter.export_effect``; unset in the file, it follows the list).
    export_effect: ExportEffect = "unspecified"
    export_items: Literal["dual_use", "all"] = "dual_use"

    @classmethod
    def from_document(cls, doc: SourceDocument) -> Announcement:
        meta = doc.meta
        assert meta.list_ is not None
        return cls(
            document_id=doc.id,
            list=meta.list_,
            number=meta.number,
            number_zh=meta.number_zh,
            title=meta.title,
            title_zh=meta.title_zh,
            issued=meta.issued,
            effective=meta.effective or _first_in_force(meta.status_history) or meta.issued,
            url=doc.url,
            measures=tuple(meta.measures),
            measures_zh=tuple(meta.measures_zh),
            exception=meta.exception,
            exception_zh=meta.exception_zh,
            confidence=meta.confidence,
            status_history=tuple(meta.status_history),
            export_effect=meta.export_effect or _LIST_EFFECT[meta.list_],
            export_items=meta.export_items,
        )

    @property
    def unconfirmed(self) -> bool:
        """True when the corpus rates this announcement's facts as low confidence."""
        return self.confidence == "low"

    def status_on(self, on: dt.date) -> PartyStatus:
        """The listing's status on ``on``, from the status history (see the module docstring)."""
        if self.effective and on < self.effective:
            return PartyStatus("not_yet_listed", on, since=self.effective)
        state = PartyStatus("listed", on, since=self.effective)
        after_suspension: StatusEntry | None = None
        dated = sorted((e for e in self.status_history if e.date), key=lambda e: e.date or on)
        for entry in dated:
            day = entry.date
            assert day is not None
            if day > on:
                break
            kind = entry.status
            if kind in ("in_force", "partly_in_force"):
                since = state.since if state.state == "listed" else day
                state = PartyStatus("listed", on, since=since, note=entry.note)
            elif kind in ("suspended", "partly_suspended", "suspension_extended"):
                since = state.since if state.state == "suspended" else day
                state = PartyStatus("suspended", on, since=since, until=entry.until, note=entry.note)
                after_suspension = None
            elif kind == "measures_stopped":
                state = PartyStatus("stopped", on, since=day, note=entry.note)
            elif kind in ("removed", "repealed"):
                state = PartyStatus("removed", on, since=day, note=entry.note)
            elif kind == "unknown":
                if state.state == "suspended" and state.until and day <= state.until:
                    after_suspension = entry  # the suspension runs to its last day first
                else:
                    state = PartyStatus("unknown", on, since=day, note=entry.note)
        if state.state == "suspended" and state.until and on > state.until:
            note = after_suspension.note if after_suspension else None
            return PartyStatus(
                "unknown", on, since=state.until + dt.timedelta(days=1), until=state.until, note=note
            )
        return state


def _first_in_force(history: list[StatusEntry]) -> dt.date | None:
    days = [e.date for e in history if e.date and e.status in ("in_force", "partly_in_force")]
    return min(days) if days else None


@dataclass(frozen=True)
class MatchReason:
    """Why a name matched: the listed name it matched and after which normalisation.

    ``removed`` holds the legal forms and articles taken off the screened name before matching,
    ``removed_listed`` those taken off the listed name (both folded).
    """

    query: str
    query_key: str
    matched: str
    field: NameField
    key: str
    method: MatchMethod
    removed: tuple[str, ...] = ()
    removed_listed: tuple[str, ...] = ()
    country_given: str | None = None
    country_listed: str | None = None

    @property
    def country_check(self) -> Literal["same", "different", "not_given", "not_stated"]:
        if self.country_given is None:
            return "not_given"
        if self.country_listed is None:
            return "not_stated"
        return "same" if self.country_given == self.country_listed else "different"


@dataclass(frozen=True)
class ScreenHit:
    """One listed party a name (or a text) matched, with its announcement and status on the date.

    ``certain``: the name is the listed party's (a listed match); otherwise a possible match, to be
    checked. ``score``: 0-100, 100 for the same name after folding.
    """

    party: Party
    announcement: Announcement
    status: PartyStatus
    score: int
    certain: bool
    why: MatchReason

    @property
    def document_id(self) -> str:
        return self.announcement.document_id

    @property
    def list(self) -> PartyList:
        return self.announcement.list

    @property
    def measures(self) -> tuple[str, ...]:
        return self.announcement.measures

    @property
    def measures_zh(self) -> tuple[str, ...]:
        return self.announcement.measures_zh

    @property
    def exception(self) -> str | None:
        return self.announcement.exception

    @property
    def exception_zh(self) -> str | None:
        return self.announcement.exception_zh

    @property
    def confidence(self) -> str:
        return self.announcement.confidence

    @property
    def unconfirmed(self) -> bool:
        return self.announcement.unconfirmed

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready data (the shape ``kb screen --json`` prints)."""
        ann, status, why = self.announcement, self.status, self.why
        return {
            "party": {
                "name": self.party.name,
                "name_zh": self.party.name_zh,
                "aliases": list(self.party.aliases),
                "country": self.party.country,
                "note": self.party.note,
            },
            "match": "listed" if self.certain else "possible",
            "certain": self.certain,
            "score": self.score,
            "why": {
                "query": why.query,
                "query_key": why.query_key,
                "matched": why.matched,
                "field": why.field,
                "key": why.key,
                "method": why.method,
                "removed": list(why.removed),
                "removed_listed": list(why.removed_listed),
                "country": why.country_check,
            },
            "list": ann.list,
            "document_id": ann.document_id,
            "number": ann.number,
            "number_zh": ann.number_zh,
            "title": ann.title,
            "issued": _iso(ann.issued),
            "effective": _iso(ann.effective),
            "url": ann.url,
            "measures": list(ann.measures),
            "measures_zh": list(ann.measures_zh),
            "exception": ann.exception,
            "exception_zh": ann.exception_zh,
            "status": {
                "state": status.state,
                "as_of": status.as_of.isoformat(),
                "since": _iso(status.since),
                "until": _iso(status.until),
                "note": status.note,
            },
            "confidence": ann.confidence,
            "unconfirmed": ann.unconfirmed,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class PartyRegistry:
    """Every party of every ``party_list`` document of a corpus, indexed once for screening."""

    def __init__(self, corpus: Corpus) -> None:
        self.announcements: dict[str, Announcement] = {}
        parties: list[Party] = []
        names: list[ListedName] = []
        for doc in corpus:
            if doc.meta.kind != "party_list" or doc.meta.list_ is None:
                continue
            self.announcements[doc.id] = Announcement.from_document(doc)
            for spec in doc.meta.parties:
                index = len(parties)
                parties.append(
                    Party(
                        name=spec.name,
                        name_zh=spec.name_zh,
                        aliases=tuple(spec.aliases),
                        country=spec.country,
                        note=spec.note,
                        document_id=doc.id,
                        list=doc.meta.list_,
                    )
                )
                names.extend(listed_names(index, spec.name, spec.name_zh, spec.aliases, spec.note))
        self.parties: tuple[Party, ...] = tuple(parties)
        self.ordinary = ordinary_words(corpus)
        self._index = NameIndex(names, self.ordinary)
        self._mentions = MentionFinder(names, self.ordinary)
        self._statuses: dict[tuple[str, dt.date], PartyStatus] = {}

    def __len__(self) -> int:
        return len(self.parties)

    def screen(
        self,
        name: str,
        country: str | None = None,
        as_of: str | dt.date | None = None,
        limit: int = 10,
    ) -> list[ScreenHit]:
        """Listed parties matching ``name`` (English or Chinese), best first: certain matches, then
        possible ones scoring ``POSSIBLE_SCORE`` or more (at most ``limit`` of those).

        ``country`` (ISO alpha-2), when given, raises or lowers each hit's score and may turn a
        certain match into a possible one, but never hides a hit. Raises ``QueryError`` for a name
        with no letters or digits, a bad country code or date.
        """
        query = name_form(name)
        if not query.key:
            raise QueryError(f"{name!r} contains no letters or digits to screen")
        code = check_country(country, destination=False) if country else None
        day = parse_date(as_of)
        hits = [self._hit(c, name, query.key, query.removed, code, day) for c in self._index.match(query)]
        return _ranked(hits, limit)

    def screen_certain(self, name: str, as_of: str | dt.date | None = None) -> bool:
        """Whether ``name`` is certainly a listed party's (a name with nothing to screen is not)."""
        if not name_form(name).key:
            return False
        return any(hit.certain for hit in self.screen(name, as_of=as_of, limit=0))

    def find_in_text(self, text: str, as_of: str | dt.date | None = None) -> list[ScreenHit]:
        """Listed parties named in free text (a question in English or Chinese), certain ones first.

        Precise rather than eager: a name of ordinary words must be written as a name, an initialism
        in capitals, a one-word ordinary name with its legal form; a close misspelling of a name of
        two or more words is a possible match. Product words and company-free questions find nothing.
        """
        day = parse_date(as_of)
        hits = [
            self._hit(c, span, span_key, (), None, day) for c, span, span_key in self._mentions.find(text)
        ]
        return _ranked(hits, limit=None)

    def status(self, document_id: str, on: dt.date) -> PartyStatus:
        """The status on ``on`` of the listing by announcement ``document_id``."""
        key = (document_id, on)
        if key not in self._statuses:
            self._statuses[key] = self.announcements[document_id].status_on(on)
        return self._statuses[key]

    def _hit(
        self,
        candidate: Candidate,
        query: str,
        query_key: str,
        removed: tuple[str, ...],
        country: str | None,
        day: dt.date,
    ) -> ScreenHit:
        party = self.parties[candidate.name.party]
        why = MatchReason(
            query=query,
            query_key=query_key,
            matched=candidate.name.written,
            field=candidate.name.field,
            key=candidate.name.form.key,
            method=candidate.method,
            removed=removed,
            removed_listed=candidate.name.form.removed,
            country_given=country,
            country_listed=party.country,
        )
        score, certain = candidate.score, candidate.certain
        if why.country_check == "same" and not certain:
            score = min(99, score + COUNTRY_BONUS)
        elif why.country_check == "different":
            score, certain = max(0, score - COUNTRY_PENALTY), False
        return ScreenHit(
            party=party,
            announcement=self.announcements[party.document_id],
            status=self.status(party.document_id, day),
            score=score,
            certain=certain,
            why=why,
        )


def outcome_of(hits: list[ScreenHit]) -> Outcome:
    """``listed`` when a certain hit's listing had begun by the date (whatever its measures' status
    since), else ``possible_match`` when a possible hit's had, else ``no_match``. A listing that only
    starts after the date does not count (the wording says when it starts)."""
    begun = [h for h in hits if h.status.in_effect]
    if any(h.certain for h in begun):
        return "listed"
    return "possible_match" if begun else "no_match"


def _ranked(hits: list[ScreenHit], limit: int | None) -> list[ScreenHit]:
    ordered = sorted(
        hits,
        key=lambda h: (not h.certain, -h.score, -(h.announcement.issued or dt.date.min).toordinal()),
    )
    certain = [h for h in ordered if h.certain]
    possible = [h for h in ordered if not h.certain]
    return certain + (possible if limit is None else possible[:limit])
