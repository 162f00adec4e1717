"""The party lists of a briefing pack, where a trainer asks for them: every party listed by an
announcement in effect on the pack's date (MOFCOM's control list and watch list, the Unreliable
Entity List), with its status on that date, and one fact per announcement saying what it lists,
under which measures and what became of them, each cited to the announcement.

The registry decides the statuses (:mod:`kb.verdicts.parties`) and
:mod:`kb.verdicts.party_wording` words them, as in screening and answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kb.answering.citations import CitationList
from kb.briefing.records import Fact
from kb.corpus.documents import Corpus
from kb.corpus.schema import PartyList
from kb.verdicts.parties import Announcement, PartyRegistry, StateName
from kb.verdicts.party_wording import LIST_NAMES, announcement_name, status_text

__all__ = ["LIST_ORDER", "PartyLists", "PartyRow", "party_lists"]

LIST_ORDER: tuple[PartyList, ...] = ("control_list", "watch_list", "unreliable_entity_list")


@dataclass(frozen=True)
class PartyRow:
    """A listed party as the pack's table shows it, with its status on the pack's date."""

    list: PartyList
    name: str
    name_zh: str
    country: str
    announcement: str
    status: str
    state: StateName
    cite: int


@dataclass(frozen=True)
class PartyLists:
    """The pack's party section: one fact per announcement, the rows, and what was left out."""

    facts: tuple[Fact, ...]
    rows: tuple[PartyRow, ...]
    #: Announcements held whose listing starts after the pack's date (left out of the rows).
    later: int = 0


def _cite(corpus: Corpus, cites: CitationList, document_id: str, locator: str) -> int:
    doc = corpus.documents[document_id]
    section = doc.section(locator) or doc.sections[0]
    return cites.cite(document_id, section.locator, section.text)


def _fact_text(ann: Announcement, count: int, status: str, day: dt.date) -> str:
    name = announcement_name(ann, "en")
    start = ann.effective.isoformat() if ann.effective else "a date not stated"
    parties = f"{count} {'party' if count == 1 else 'parties'}"
    measures = " ".join(ann.measures) or "The measures are not stated in the file."
    exception = f" Exception: {ann.exception}" if ann.exception else ""
    unconfirmed = " Its facts are unconfirmed (confidence: low)." if ann.unconfirmed else ""
    return (
        f"{name} put {parties} on {LIST_NAMES[ann.list]['en']} from {start}; on {day.isoformat()}: "
        f"{status}. Measures: {measures}{exception}{unconfirmed}"
    )


def party_lists(registry: PartyRegistry, corpus: Corpus, as_of: dt.date, cites: CitationList) -> PartyLists:
    """The parties of every announcement in effect on ``as_of``, by list, then by the date of the
    announcement, then by name; each row cites the announcement's list of parties, each fact its
    measures."""
    order = {name: i for i, name in enumerate(LIST_ORDER)}
    announcements = sorted(
        registry.announcements.values(),
        key=lambda a: (order[a.list], a.effective or dt.date.max, a.document_id),
    )
    facts: list[Fact] = []
    rows: list[PartyRow] = []
    later = 0
    for ann in announcements:
        status = registry.status(ann.document_id, as_of)
        if not status.in_effect:
            later += 1
            continue
        members = sorted(
            (p for p in registry.parties if p.document_id == ann.document_id), key=lambda p: p.name.casefold()
        )
        said = status_text(status, "en")
        measures = _cite(corpus, cites, ann.document_id, "Measures")
        facts.append(Fact(_fact_text(ann, len(members), said, as_of), (measures,)))
        listed = _cite(corpus, cites, ann.document_id, "Parties")
        rows.extend(
            PartyRow(
                list=ann.list,
                name=party.name,
                name_zh=party.name_zh or "",
                country=party.country or "",
                announcement=announcement_name(ann, "en"),
                status=said,
                state=status.state,
                cite=listed,
            )
            for party in members
        )
    return PartyLists(tuple(facts), tuple(rows), later)
