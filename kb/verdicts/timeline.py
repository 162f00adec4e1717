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
from dataclasses import dataclass, replace
from typing import Literal

from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.schema import Relation, Rule
from kb.verdicts.catalogue import CatalogueItem

__all__ = [
    "RULE_STRICTNESS",
    "STRICTNESS",
    "DocumentState",
    "Reason",
    "ReasonKind",
    "Timeline",
    "Verdict",
    "VerdictValue",
    "strictest",
]

VerdictValue = Literal["licence_required", "prohibited", "suspended", "not_listed", "uncertain", "no_answer"]

#: When several items apply, the strictest verdict leads.
STRICTNESS: tuple[VerdictValue, ...] = (
    "prohibited",
    "licence_required",
    "uncertain",
    "suspended",
    "not_listed",
    "no_answer",
)
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

StateName = Literal["not_yet_in_force", "in_force", "suspended", "uncertain", "repealed", "ended"]

ReasonKind = Literal[
    "listed",  # the item is listed in document_id at locator
    "in_force",  # the control of ``subject`` applies since ``date``
    "not_yet",  # the control of ``subject`` applies only from ``date``
    "repealed",  # ``subject`` was repealed on ``date``
    "suspended",  # ``subject`` is suspended by document_id until ``date``
    "lapsed",  # the suspension of ``subject`` by document_id ended on ``date``; status after unknown
    "rule",  # the destination rule ``rule`` of document_id applies
    "rule_suspended",  # ``rule`` of ``subject`` is suspended by document_id until ``date``
    "rule_lapsed",  # the suspension of ``rule`` of ``subject`` by document_id ended on ``date``
]


@dataclass(frozen=True)
class Reason:
    """One fact behind a verdict, with the document and locator that state it.

    Reasons are data; :mod:`kb.wording` says them in English or Chinese.
    """

    kind: ReasonKind
    document_id: str
    locator: str
    subject: str | None = None
    date: dt.date | None = None
    item: CatalogueItem | None = None
    rule: Rule | None = None


@dataclass(frozen=True)
class DocumentState:
    """A document's (or one article's) force on a date."""

    document_id: str
    state: StateName
    #: When it takes or took effect.
    effective: dt.date | None = None
    #: For ``suspended``: the last day of the suspension; for ``uncertain``: the day it lapsed.
    until: dt.date | None = None
    #: The document that suspended it, and that document's operative locator.
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
    caveats: tuple[str, ...] = ()


def strictest(verdicts: Iterable[Verdict], order: tuple[VerdictValue, ...] = STRICTNESS) -> Verdict | None:
    """The verdict that leads when several apply (prohibited before licence_required before ...)."""
    ordered = sorted(verdicts, key=lambda v: order.index(v.value))
    return ordered[0] if ordered else None


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

    def suspensions_on(self, on: dt.date) -> list[tuple[str, str, dt.date | None]]:
        """The suspensions running on ``on``: (suspending document, suspended document, last day),
        in the corpus's order."""
        running: list[tuple[str, str, dt.date | None]] = []
        for target, pairs in self._suspensions.items():
            for source, rel in pairs:
                start = rel.start or self.effective_date(source.id)
                if (start is None or start <= on) and (rel.until is None or on <= rel.until):
                    running.append((source.id, target, rel.until))
        return running

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
            return DocumentState(doc_id, "repealed", effective, repeals[-1].date, repeals[-1].by)
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
        if lapsed is not None:
            return lapsed
        ended = self._ended(doc, on)
        if ended is not None:
            return DocumentState(doc_id, "ended", effective, ended)
        return DocumentState(doc_id, "in_force", effective=effective)

    def _ended(self, doc: SourceDocument, on: dt.date) -> dt.date | None:
        """The last day of a document whose whole effect is to suspend others for a fixed time, once
        every suspension it ordered has run out by ``on`` (its own force ended with them)."""
        rels = doc.meta.relations
        if doc.meta.items or doc.meta.rules or not rels:
            return None
        if any(rel.type != "suspends" or rel.until is None for rel in rels):
            return None
        last = max(rel.until for rel in rels if rel.until is not None)
        return last if on > last else None

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
        listed = Reason("listed", item.document_id, item.ref, item=item)
        caveats = (item.caveat,) if item.caveat else ()
        governing = item.governed_by

        def make(value: VerdictValue, why: Reason, until: dt.date | None = None) -> Verdict:
            return Verdict(value, on, item, destination, (listed, why), state.effective, until, caveats)

        if state.state == "not_yet_in_force":
            return make("not_listed", Reason("not_yet", governing, "Summary", governing, state.effective))
        if state.state == "repealed":
            return make("not_listed", Reason("repealed", governing, "Status history", governing, state.until))
        if state.state in ("suspended", "uncertain"):
            assert state.by is not None
            kind: ReasonKind = "suspended" if state.state == "suspended" else "lapsed"
            why = Reason(kind, state.by, state.by_ref or "Summary", governing, state.until)
            return make("suspended" if kind == "suspended" else "uncertain", why, state.until)
        value: VerdictValue = "prohibited" if item.control == "prohibited" else "licence_required"
        verdict = make(value, Reason("in_force", governing, "Summary", governing, state.effective))
        if destination and value == "licence_required":
            verdict = self._apply_rules(verdict, item.family, on, destination, military)
        return verdict

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
        reasons: list[Reason] = []
        for reason in (r for o in outcomes for r in o.reasons):
            if reason not in reasons:
                reasons.append(reason)
        return replace(result, reasons=tuple(reasons))

    def _rule_verdict(self, base: Verdict, doc: SourceDocument, rule: Rule, on: dt.date) -> Verdict:
        state = self.state(doc.id, on, rule.ref)
        said = Reason("rule", doc.id, rule.ref, doc.id, rule=rule)
        if state.state in ("suspended", "uncertain"):
            assert state.by is not None
            kind: ReasonKind = "rule_suspended" if state.state == "suspended" else "rule_lapsed"
            gap = Reason(kind, state.by, state.by_ref or "Summary", doc.id, state.until, rule=rule)
            # After a lapsed suspension the rule may apply again; when the rule itself only requires a
            # licence (a stricter review), a licence is needed either way and the verdict stays certain.
            lapsed_matters = rule.effect != base.value
            value: VerdictValue = (
                base.value if kind == "rule_suspended" or not lapsed_matters else "uncertain"
            )
            return replace(base, value=value, reasons=(said, gap), until=state.until)
        if state.state != "in_force":
            return base
        return replace(base, value=rule.effect, reasons=(said,), until=None)

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
