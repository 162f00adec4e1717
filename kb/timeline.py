"""Which rules were in force on a date, and the verdict they give for an item and destination.

Everything here is decided from data: documents' effective dates and status histories, the
``relations`` by which one document suspends another (a whole document or some articles, from
when until when, the last day included), and the destination ``rules`` (US, Japan, military end
users). Text never decides a verdict.

A suspension whose last day has passed, with no later entry in the suspended document's status
history, leaves the document's status *uncertain*: the corpus holds no official word on what
followed, and the verdict says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from kb.catalogue import CatalogueItem
from kb.sources import Corpus, Relation, Rule, SourceDocument

__all__ = [
    "RULE_STRICTNESS",
    "STRICTNESS",
    "DocumentState",
    "Reason",
    "Timeline",
    "Verdict",
    "VerdictValue",
    "strictest",
]

VerdictValue = Literal["licence_required", "prohibited", "suspended", "not_listed", "uncertain", "no_answer"]

#: When several items or rules apply, the strictest verdict leads.
STRICTNESS: tuple[VerdictValue, ...] = (
    "prohibited",
    "licence_required",
    "uncertain",
    "suspended",
    "not_listed",
    "no_answer",
)

StateName = Literal["not_yet_in_force", "in_force", "suspended", "uncertain", "repealed"]


@dataclass(frozen=True)
class Reason:
    """One fact behind a verdict, with the document and locator that state it."""

    text: str
    document_id: str
    locator: str


@dataclass(frozen=True)
class DocumentState:
    """A document's (or one article's) force on a date."""

    document_id: str
    state: StateName
    #: When it takes or took effect.
    effective: dt.date | None = None
    #: For ``suspended``: the last day of the suspension; for ``uncertain``: the day it lapsed.
    until: dt.date | None = None
    #: The document that suspended it, when one did.
    by: str | None = None
    by_ref: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The deterministic answer for one item (or one destination rule) as of a date."""

    value: VerdictValue
    as_of: dt.date
    item: CatalogueItem | None = None
    destination: str | None = None
    reasons: tuple[Reason, ...] = ()
    controlled_from: dt.date | None = None
    until: dt.date | None = None
    caveats: tuple[str, ...] = field(default=())


#: Between a listed item's licence duty and a destination rule, a rule of unknown force leads:
#: it may make the export prohibited again.
RULE_STRICTNESS: tuple[VerdictValue, ...] = (
    "prohibited",
    "uncertain",
    "licence_required",
    "suspended",
    "not_listed",
    "no_answer",
)


def strictest(verdicts: Iterable[Verdict], order: tuple[VerdictValue, ...] = STRICTNESS) -> Verdict | None:
    """The verdict that leads when several apply (prohibited before licence_required before ...)."""
    ordered = sorted(verdicts, key=lambda v: order.index(v.value))
    return ordered[0] if ordered else None


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y} ({day.isoformat()})"


class Timeline:
    """Status of documents, items and destination rules on any date."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._suspensions: dict[str, list[tuple[SourceDocument, Relation]]] = {}
        for doc in corpus.documents.values():
            for rel in doc.meta.relations:
                if rel.type == "suspends":
                    self._suspensions.setdefault(rel.target, []).append((doc, rel))

    # -- documents ----------------------------------------------------------------------------

    def effective_date(self, doc_id: str) -> dt.date | None:
        doc = self.corpus.documents[doc_id]
        if doc.meta.effective:
            return doc.meta.effective
        starts = [
            e.date for e in doc.meta.status_history if e.date and e.status in ("in_force", "partly_in_force")
        ]
        return min(starts) if starts else doc.meta.issued

    def state(self, doc_id: str, on: dt.date, ref: str | None = None) -> DocumentState:
        """The force of a document, or of one article ``ref`` of it, on ``on``."""
        doc = self.corpus.documents[doc_id]
        effective = self.effective_date(doc_id)
        if effective and on < effective:
            return DocumentState(doc_id, "not_yet_in_force", effective=effective)
        repeals = [e for e in doc.meta.status_history if e.status == "repealed" and e.date and e.date <= on]
        if repeals:
            return DocumentState(
                doc_id, "repealed", effective=effective, until=repeals[-1].date, by=repeals[-1].by
            )
        lapsed: DocumentState | None = None
        for source, rel in self._suspensions.get(doc_id, []):
            if rel.refs and (ref is None or ref not in rel.refs):
                continue
            by_ref = source.sections[0].locator if source.sections else None
            start = rel.start or self.effective_date(source.id)
            if start and on < start:
                continue
            if rel.until is None or on <= rel.until:
                return DocumentState(doc_id, "suspended", effective, rel.until, source.id, by_ref)
            if not self._settled_after(doc, rel.until, on):
                lapsed = DocumentState(doc_id, "uncertain", effective, rel.until, source.id, by_ref)
        return lapsed or DocumentState(doc_id, "in_force", effective=effective)

    def _settled_after(self, doc: SourceDocument, lapse: dt.date, on: dt.date) -> bool:
        """True when the corpus records what the document's status became after a lapsed suspension."""
        settling = ("in_force", "partly_in_force", "suspended", "repealed", "amended")
        return any(e.date and lapse < e.date <= on and e.status in settling for e in doc.meta.status_history)

    # -- items --------------------------------------------------------------------------------

    def verdict(
        self,
        item: CatalogueItem,
        on: dt.date,
        destination: str | None = None,
        military: bool = False,
    ) -> Verdict:
        """The verdict for exporting ``item`` on ``on`` (to ``destination``, to a military end user)."""
        state = self.state(item.governed_by, on)
        cite = Reason(_item_sentence(item), item.document_id, item.ref)
        caveats = (item.caveat,) if item.caveat else ()
        governing = self.corpus.documents[item.governed_by]
        number = governing.meta.number or governing.meta.title
        if state.state == "not_yet_in_force":
            assert state.effective is not None
            why = Reason(
                f"On that date the item was not yet controlled: the control under {number} "
                f"applies from {_fmt(state.effective)}.",
                governing.id,
                "Summary",
            )
            return Verdict("not_listed", on, item, destination, (cite, why), state.effective, None, caveats)
        if state.state == "repealed":
            why = Reason(f"{number} was repealed on {state.until}.", governing.id, "Status history")
            return Verdict("not_listed", on, item, destination, (cite, why), state.effective, None, caveats)
        if state.state in ("suspended", "uncertain"):
            return self._suspended_verdict(item, on, destination, state, cite, caveats)
        base: VerdictValue = "prohibited" if item.control == "prohibited" else "licence_required"
        reasons = [cite]
        if base == "licence_required":
            reasons.append(
                Reason(
                    f"The control under {number} has applied since {_fmt(state.effective)}."
                    if state.effective
                    else f"The control under {number} is in force.",
                    governing.id,
                    "Summary",
                )
            )
        verdict = Verdict(base, on, item, destination, tuple(reasons), state.effective, None, caveats)
        if destination and base == "licence_required":
            verdict = self._apply_rules(verdict, item.family, on, destination, military)
        return verdict

    def _suspended_verdict(
        self,
        item: CatalogueItem,
        on: dt.date,
        destination: str | None,
        state: DocumentState,
        cite: Reason,
        caveats: tuple[str, ...],
    ) -> Verdict:
        assert state.by is not None and state.until is not None
        suspender = self.corpus.documents[state.by]
        number = suspender.meta.number or suspender.id
        locator = state.by_ref or "Summary"
        if state.state == "suspended":
            why = Reason(
                f"The control is suspended under {number} until {_fmt(state.until)}.", state.by, locator
            )
            return Verdict(
                "suspended", on, item, destination, (cite, why), state.effective, state.until, caveats
            )
        why = Reason(
            f"The suspension under {number} ran until {_fmt(state.until)}; the knowledge base holds no "
            "official text on whether it was extended, lapsed or replaced, so the status now is uncertain.",
            state.by,
            locator,
        )
        return Verdict("uncertain", on, item, destination, (cite, why), state.effective, state.until, caveats)

    # -- destinations ---------------------------------------------------------------------------

    def rules_for(self, destination: str, on: dt.date) -> list[tuple[SourceDocument, Rule]]:
        """Destination rules that had started by ``on`` (whether or not they are suspended then)."""
        found = []
        for doc in self.corpus.documents.values():
            for rule in doc.meta.rules:
                start = rule.start or self.effective_date(doc.id)
                if rule.destination == destination and (start is None or start <= on):
                    found.append((doc, rule))
        return found

    def _apply_rules(
        self, verdict: Verdict, family: str, on: dt.date, destination: str, military: bool
    ) -> Verdict:
        outcomes = [verdict]
        for doc, rule in self.rules_for(destination, on):
            if "all" not in rule.families and family not in rule.families:
                continue
            if rule.end_use == "military" and not military:
                continue
            outcomes.append(self._rule_verdict(verdict, doc, rule, on))
        result = strictest(outcomes, RULE_STRICTNESS)
        assert result is not None
        # The item's own listing stays first; every rule considered adds what it says.
        return _with_reasons(result, tuple(dict.fromkeys(r for o in outcomes for r in o.reasons)))

    def _rule_verdict(self, base: Verdict, doc: SourceDocument, rule: Rule, on: dt.date) -> Verdict:
        state = self.state(doc.id, on, rule.ref)
        number = doc.meta.number or doc.id
        said = Reason(f"{rule.note} ({number}, {rule.ref})", doc.id, rule.ref)
        if state.state == "suspended":
            assert state.by is not None and state.until is not None
            suspender = self.corpus.documents[state.by]
            gap = Reason(
                f"{rule.ref} of {number} is suspended until {_fmt(state.until)} by "
                f"{suspender.meta.number or suspender.id}, so ordinary licensing applies meanwhile.",
                state.by,
                state.by_ref or "Summary",
            )
            return _with_reasons(base, (said, gap))
        if state.state == "uncertain":
            assert state.by is not None and state.until is not None
            gap = Reason(
                f"The suspension of {rule.ref} of {number} ran until {_fmt(state.until)}; the knowledge base "
                "holds no official text on what followed, so whether the rule applies again is uncertain.",
                state.by,
                state.by_ref or "Summary",
            )
            return Verdict("uncertain", on, base.item, base.destination, (said, gap), base.controlled_from,
                           state.until, base.caveats)  # fmt: skip
        if state.state != "in_force":
            return base
        return Verdict(rule.effect, on, base.item, base.destination, (said,), base.controlled_from, None,
                       base.caveats)  # fmt: skip

    def destination_verdict(self, destination: str, on: dt.date, military: bool) -> Verdict | None:
        """The verdict for dual-use items in general to a destination (no item named), if a rule covers it."""
        outcomes = []
        base = Verdict("licence_required", on, None, destination)
        for doc, rule in self.rules_for(destination, on):
            if "all" not in rule.families:
                continue
            if rule.end_use == "military" and not military:
                continue
            outcomes.append(self._rule_verdict(base, doc, rule, on))
        return strictest(outcomes, RULE_STRICTNESS)


def _with_reasons(verdict: Verdict, reasons: tuple[Reason, ...]) -> Verdict:
    return Verdict(
        verdict.value,
        verdict.as_of,
        verdict.item,
        verdict.destination,
        reasons,
        verdict.controlled_from,
        verdict.until,
        verdict.caveats,
    )


def _item_sentence(item: CatalogueItem) -> str:
    codes = f"; HS {', '.join(item.hs_codes)}" if item.hs_codes else ""
    control = f"control code {item.control_code}" if item.control_code else "no control-list code"
    kind = "export prohibited" if item.control == "prohibited" else "export licence required"
    where = f"{item.number or item.title}, {item.ref}"
    return f"{item.name} ({item.name_zh}) is listed in {where} ({control}{codes}; {kind})."
