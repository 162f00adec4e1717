"""How current the knowledge is: how far it reaches, which fixed end dates have passed with no later
official text held, and which facts are unconfirmed. ``kb status`` prints it; answers that rest on a
lapsed rule say so first.

Everything here is read from the corpus: the newest dated fact, every suspension with a last day
(of an announcement, an article or a party listing) and the documents, customs codes and party
announcements the files mark as unconfirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kb.corpus.documents import Corpus, SourceDocument
from kb.verdicts.timeline import Timeline

__all__ = ["Freshness", "LapsedEnd", "Unconfirmed", "freshness", "knowledge_limit"]


@dataclass(frozen=True)
class LapsedEnd:
    """A fixed last day that has passed with no later official text held on what followed."""

    document_id: str
    #: What ended: the document whose force was suspended (or the party announcement).
    target_id: str
    refs: tuple[str, ...]
    until: dt.date
    #: ``suspension`` of a document or of some of its articles; ``listing`` of parties.
    kind: str


@dataclass(frozen=True)
class Unconfirmed:
    """A document, or some of its customs codes, the corpus marks as not confirmed."""

    document_id: str
    what: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Freshness:
    """The state of the knowledge on a date."""

    as_of: dt.date
    documents: int
    #: The newest document held (by its issue or effective date) and the latest status recorded.
    newest: dt.date | None
    newest_id: str | None
    checked: dt.date | None
    lapsed: tuple[LapsedEnd, ...] = ()
    unconfirmed: tuple[Unconfirmed, ...] = ()
    scheduled: tuple[LapsedEnd, ...] = field(default=())

    def lapsed_for(self, document_ids: set[str]) -> list[LapsedEnd]:
        """The lapsed ends that concern any of ``document_ids`` (as the suspending or the suspended)."""
        return [e for e in self.lapsed if e.document_id in document_ids or e.target_id in document_ids]


def freshness(corpus: Corpus, timeline: Timeline, as_of: dt.date) -> Freshness:
    """How current the corpus is on ``as_of`` (see the module docstring)."""
    official = [d for d in corpus if d.meta.kind != "user"]
    dated = [
        (day, d.id) for d in official for day in (d.meta.issued, d.meta.effective) if day and day <= as_of
    ]
    newest, newest_id = max(dated) if dated else (None, None)
    recorded = [e.date for d in official for e in d.meta.status_history if e.date and e.date <= as_of]
    lapsed: list[LapsedEnd] = []
    scheduled: list[LapsedEnd] = []
    for doc in official:
        for rel in doc.meta.relations:
            if rel.type != "suspends" or rel.until is None:
                continue
            end = LapsedEnd(doc.id, rel.target, tuple(rel.refs), rel.until, "suspension")
            if rel.until >= as_of:
                scheduled.append(end)
                continue
            ref = rel.refs[0] if rel.refs else None
            if timeline.state(rel.target, as_of, ref).state == "uncertain":
                lapsed.append(end)
        listing = _party_end(doc, as_of) if doc.meta.kind == "party_list" else None
        if listing is not None:
            (lapsed if listing.until < as_of else scheduled).append(listing)
    unconfirmed = [Unconfirmed(d.id, "document") for d in official if d.meta.confidence == "low"]
    for doc in official:
        codes = tuple(c for item in doc.meta.items for c in item.hs_2026_unconfirmed)
        if codes:
            unconfirmed.append(Unconfirmed(doc.id, "codes", tuple(dict.fromkeys(codes))))
    return Freshness(
        as_of,
        len(official),
        newest,
        newest_id,
        max(recorded) if recorded else None,
        tuple(sorted(lapsed, key=lambda e: e.until)),
        tuple(unconfirmed),
        tuple(sorted(scheduled, key=lambda e: e.until)),
    )


def _party_end(doc: SourceDocument, as_of: dt.date) -> LapsedEnd | None:
    """A party listing's suspension with a last day: lapsed when nothing later settles it."""
    history = sorted((e for e in doc.meta.status_history if e.date), key=lambda e: e.date or as_of)
    suspensions = [e for e in history if e.status in ("suspended", "suspension_extended") and e.until]
    if not suspensions:
        return None
    last = suspensions[-1]
    assert last.until is not None
    settled = any(
        e is not last and e.date and last.until <= e.date <= as_of
        and e.status in ("in_force", "measures_stopped", "removed")
        for e in history
    )  # fmt: skip
    return None if settled else LapsedEnd(doc.id, doc.id, (), last.until, "listing")


def knowledge_limit(corpus: Corpus, today: dt.date | None = None) -> dt.date | None:
    """The last day the official documents speak of that is not after ``today``: the latest issue,
    effective or status date recorded. An answer for a later day cannot know what was issued since."""
    today = today or dt.date.today()
    days = [
        day
        for doc in corpus
        if doc.meta.kind != "user"
        for day in (doc.meta.issued, doc.meta.effective, *(e.date for e in doc.meta.status_history))
        if day is not None and day <= today
    ]
    return max(days) if days else None
