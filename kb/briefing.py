"""Briefing packs for trainers: one or more mineral families as of a date, every fact cited.

A pack says what is controlled, lists the items with their codes and verdicts on the date, gives
the dates and status history of the documents involved, the destination rules, the licence
procedure and the penalties, and ends with a short FAQ. Verdicts and states come from the
catalogue and the timeline (as in answers); procedure and penalties are the corpus provisions that
speak of them most, chosen by fixed topic vocabularies, so the same corpus gives the same pack.
Every fact carries ``[n]`` citations numbered like an answer's (:class:`kb.answer.Citation`).

:mod:`kb.briefing_render` writes a pack as Markdown, HTML or DOCX.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.answer import CATCH_ALL, Citation, CitationList
from kb.catalogue import CatalogueItem
from kb.errors import QueryError
from kb.knowledge import KnowledgeBase
from kb.sources import FAMILIES, Rule, SourceDocument
from kb.text import excerpt
from kb.timeline import Reason, ReasonKind, Timeline, Verdict, VerdictValue
from kb.wording import VERDICT_LABELS, date_text, document_name, say

__all__ = ["BriefingPack", "Fact", "FaqEntry", "ItemRow", "build_briefing", "resolve_families"]

#: How many provisions each of the procedure and penalty sections quotes, and from one document.
TOPIC_FACTS = 4
PER_DOCUMENT = 2

_PROCEDURE_TERMS = (
    "apply", "application", "applicant", "submit", "documents", "end-user", "end user", "certificate",
    "review", "working days", "provincial", "issues", "grant", "general licence", "licence form",
    "申请", "审查", "工作日", "许可证",
)  # fmt: skip
_PENALTY_TERMS = (
    "fine", "penalt", "confiscat", "illegal gains", "illegal income", "criminal", "punish", "revo",
    "liability", "liable", "prosecut", "smuggl", "without a licence", "beyond the scope", "suspend business",
    "罚款", "没收", "刑事责任", "处罚", "未经许可",
)  # fmt: skip
_STATUS_WORDS = {
    "issued": "issued",
    "in_force": "in force",
    "partly_in_force": "partly in force",
    "amended": "amended",
    "partly_suspended": "partly suspended",
    "suspended": "suspended",
    "suspension_end_scheduled": "suspension scheduled to end",
    "expiry_scheduled": "scheduled to expire",
    "repealed": "repealed",
}
#: Relations that change another document's force, so the pack's history shows their authors.
_STATUS_RELATIONS = ("suspends", "replaces")
#: Statements that are published, not put in force: their history is their publication date.
_PUBLISHED_KINDS = ("press", "guidance", "user")
_STATE_WORDS = {
    "in_force": "in force",
    "not_yet_in_force": "not yet in force",
    "suspended": "suspended",
    "uncertain": "of uncertain status",
    "repealed": "repealed",
}


@dataclass(frozen=True)
class Fact:
    """One statement of the pack and the citations that support it."""

    text: str
    cites: tuple[int, ...]


@dataclass(frozen=True)
class ItemRow:
    """A controlled item as the items table shows it, with its verdict on the pack's date."""

    family: str
    name: str
    name_zh: str
    kind: str
    control_code: str | None
    hs_codes: tuple[str, ...]
    document: str
    ref: str
    verdict: VerdictValue
    note: str
    cite: int


@dataclass(frozen=True)
class FaqEntry:
    """A question of the pack's FAQ and its cited answer."""

    question: str
    answer: Fact


@dataclass(frozen=True)
class BriefingPack:
    """Everything a trainer needs on some families as of a date; see :mod:`kb.briefing_render`."""

    families: tuple[str, ...]
    as_of: dt.date
    controlled: tuple[Fact, ...]
    items: tuple[ItemRow, ...]
    #: What is unconfirmed about some items (codes, thresholds), each cited to the item's entry.
    caveats: tuple[Fact, ...]
    history: tuple[Fact, ...]
    destinations: tuple[Fact, ...]
    procedure: tuple[Fact, ...]
    penalties: tuple[Fact, ...]
    faq: tuple[FaqEntry, ...]
    citations: tuple[Citation, ...]

    @property
    def title(self) -> str:
        return f"Export-control briefing: {', '.join(self.families)} (as of {self.as_of.isoformat()})"

    def facts(self) -> list[Fact]:
        """Every fact of the pack, FAQ answers included."""
        groups = [self.controlled, self.caveats, self.history, self.destinations, self.procedure]
        groups.append(self.penalties)
        return [f for group in groups for f in group] + [qa.answer for qa in self.faq]


def resolve_families(names: Sequence[str], base: KnowledgeBase) -> tuple[str, ...]:
    """Family names (or elements such as ``samarium``) the corpus holds; others raise ``QueryError``."""
    wanted: list[str] = []
    for raw in names:
        for name in (part.strip().casefold() for part in raw.split(",")):
            if not name:
                continue
            known = name in FAMILIES or any(i.element.casefold() == name for i in base.catalogue.items)
            if not known:
                raise QueryError(f"{raw!r} is not a mineral family; choose from: {', '.join(FAMILIES)}")
            if not _documents_for(base, name):
                raise QueryError(f"the knowledge base holds no document on {name!r} yet")
            if name not in wanted:
                wanted.append(name)
    if not wanted:
        raise QueryError(f"name at least one family: {', '.join(FAMILIES)}")
    return tuple(wanted)


def build_briefing(base: KnowledgeBase, families: Sequence[str], as_of: dt.date) -> BriefingPack:
    """The briefing pack on ``families`` (names or elements; see :func:`resolve_families`) on ``as_of``."""
    chosen = resolve_families(families, base)
    corpus, timeline = base.corpus, base.timeline
    cites = CitationList(corpus, timeline, as_of, "en")
    items = [item for family in chosen for item in base.catalogue.in_family(family)]
    items = list({(i.document_id, i.ref, i.name): i for i in items}.values())
    verdicts = {id(item): timeline.verdict(item, as_of) for item in items}
    docs = _relevant_documents(base, chosen)

    controlled = [
        _controlled_fact(base, doc, [i for i in items if i.document_id == doc.id], cites)
        for doc in docs
        if any(i.document_id == doc.id for i in items)
    ]
    rows = [_row(item, verdicts[id(item)], base, cites) for item in items]
    caveats = [
        Fact(f"{item.name}: {item.caveat}", (row.cite,))
        for item, row in zip(items, rows, strict=True)
        if item.caveat
    ]
    history = [fact for doc in _with_suspenders(base, docs) for fact in _history(doc, timeline, as_of, cites)]
    destinations = [fact for doc in corpus for fact in _rule_facts(base, doc, chosen, as_of, cites)]
    pool = docs + [d for d in corpus if not d.families and d.meta.kind != "user" and d not in docs]
    procedure = _topic_facts(pool, docs, _PROCEDURE_TERMS, "licence application review time", cites, base)
    penalties = _topic_facts(pool, docs, _PENALTY_TERMS, "penalty fine confiscate criminal", cites, base)
    faq = _faq(base, chosen, items, verdicts, as_of, procedure, penalties, cites)
    return BriefingPack(
        families=chosen,
        as_of=as_of,
        controlled=tuple(controlled),
        items=tuple(rows),
        caveats=tuple(caveats),
        history=tuple(history),
        destinations=tuple(destinations),
        procedure=tuple(procedure),
        penalties=tuple(penalties),
        faq=tuple(faq),
        citations=tuple(cites.items),
    )


# -- documents -------------------------------------------------------------------------------------


def _documents_for(base: KnowledgeBase, family: str) -> list[SourceDocument]:
    family_of = {i.element.casefold(): i.family for i in base.catalogue.items}.get(family, family)
    governing = {i.governed_by for i in base.catalogue.in_family(family)}
    return [
        doc
        for doc in base.corpus
        if family in doc.families
        or family_of in doc.meta.families
        or doc.id in governing
        or any(i.element.casefold() == family for i in doc.meta.items)
    ]


def _relevant_documents(base: KnowledgeBase, families: Sequence[str]) -> list[SourceDocument]:
    found: dict[str, SourceDocument] = {}
    for family in families:
        found.update((doc.id, doc) for doc in _documents_for(base, family))
    return sorted(found.values(), key=lambda d: (d.meta.issued or dt.date.max, d.id))


def _with_suspenders(base: KnowledgeBase, docs: list[SourceDocument]) -> list[SourceDocument]:
    """The documents plus those that suspend, amend or replace them, in date order."""
    ids = {d.id for d in docs}
    extra = [
        d
        for d in base.corpus
        if d.id not in ids and any(r.target in ids and r.type in _STATUS_RELATIONS for r in d.meta.relations)
    ]
    return sorted(docs + extra, key=lambda d: (d.meta.issued or dt.date.max, d.id))


def _summary_cite(doc: SourceDocument, cites: CitationList) -> int:
    return cites.cite(doc.id, "Summary", doc.summary)


# -- sections --------------------------------------------------------------------------------------


def _controlled_fact(
    base: KnowledgeBase, doc: SourceDocument, items: list[CatalogueItem], cites: CitationList
) -> Fact:
    nouns = {"item": ("item", "items"), "technology": ("technology", "technologies"),
             "equipment": ("piece of equipment", "pieces of equipment")}  # fmt: skip
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in nouns}
    counted = ", ".join(f"{n} {nouns[kind][n > 1]}" for kind, n in counts.items() if n)
    whose = "its export" if len(items) == 1 else "their export"
    prohibited = all(i.control == "prohibited" for i in items)
    effect = f"{whose} is prohibited" if prohibited else f"{whose} needs a dual-use export licence"
    name = document_name(base.corpus, doc.id, "en")
    zh = f" ({doc.meta.title_zh})" if doc.meta.title_zh else ""
    text = f"{name}{zh} controls {counted}; {effect}"
    start = base.timeline.effective_date(doc.id)
    text += f", from {date_text(start, 'en')}." if start else "."
    return Fact(text, (_summary_cite(doc, cites),))


def _row(item: CatalogueItem, verdict: Verdict, base: KnowledgeBase, cites: CitationList) -> ItemRow:
    n = cites.cite(item.document_id, item.ref, _item_text(item))
    note = ""
    if verdict.value in ("suspended", "uncertain") and verdict.until:
        note = f"until {verdict.until.isoformat()}" if verdict.value == "suspended" else ""
        note = note or f"suspension ended {verdict.until.isoformat()}"
    elif verdict.value == "not_listed" and verdict.controlled_from:
        note = f"controlled from {verdict.controlled_from.isoformat()}"
    elif verdict.controlled_from:
        note = f"since {verdict.controlled_from.isoformat()}"
    if item.caveat:
        note = f"{note}; see caveat" if note else "see caveat"
    return ItemRow(
        family=item.family,
        name=item.name,
        name_zh=item.name_zh,
        kind=item.kind,
        control_code=item.control_code,
        hs_codes=item.hs_codes,
        document=document_name(base.corpus, item.document_id, "en"),
        ref=item.ref,
        verdict=verdict.value,
        note=note,
        cite=n,
    )


def _item_text(item: CatalogueItem) -> str:
    parts = [f"{item.name} ({item.name_zh})", f"control code {item.control_code or '-'}"]
    parts.append(f"HS {', '.join(item.hs_codes)}" if item.hs_codes else "no HS code given")
    parts += [p for p in (item.forms, item.caveat) if p]
    return "; ".join(parts)


def _history_text(doc: SourceDocument) -> str:
    lines = []
    for entry in doc.meta.status_history:
        when = entry.date.isoformat() if entry.date else "date unknown"
        by = f" (by {entry.by})" if entry.by else ""
        note = f": {entry.note}" if entry.note else ""
        lines.append(f"{when} {entry.status}{by}{note}")
    return "\n".join(lines) or doc.summary


def _history(doc: SourceDocument, timeline: Timeline, day: dt.date, cites: CitationList) -> list[Fact]:
    name = document_name(timeline.corpus, doc.id, "en")
    n = cites.cite(doc.id, "Status history", _history_text(doc)) if doc.meta.status_history else None
    n = n or _summary_cite(doc, cites)
    dates = [
        f"issued {date_text(doc.meta.issued, 'en')}" if doc.meta.issued else "",
        f"effective {date_text(doc.meta.effective, 'en')}" if doc.meta.effective else "",
    ]
    if doc.meta.kind in _PUBLISHED_KINDS and not doc.meta.effective:
        dates[0] = dates[0].replace("issued", "published")
    facts = [Fact(f"{name}: {', '.join(d for d in dates if d) or 'dates not known'}.", (n,))]
    for entry in doc.meta.status_history:
        when = date_text(entry.date, "en") if entry.date else "date unknown"
        by = f", through {document_name(timeline.corpus, entry.by, 'en')}" if entry.by else ""
        note = f" {entry.note.rstrip('.')}." if entry.note else ""
        facts.append(Fact(f"{name}, {when}: {_STATUS_WORDS[entry.status]}{by}.{note}", (n,)))
    if doc.meta.kind in _PUBLISHED_KINDS and not doc.meta.effective:
        return facts
    state = timeline.state(doc.id, day)
    words = _STATE_WORDS[state.state]
    if state.state == "suspended" and state.until:
        words += f" until {date_text(state.until, 'en')}"
    elif state.state == "uncertain" and state.until:
        words += f" (a suspension ended {date_text(state.until, 'en')}; what followed is not held)"
    facts.append(Fact(f"On {date_text(day, 'en')} {name} is {words}.", (n,)))
    return facts


def _rule_facts(
    base: KnowledgeBase, doc: SourceDocument, families: Sequence[str], day: dt.date, cites: CitationList
) -> list[Fact]:
    family_set = {f for f in families} | {i.family for f in families for i in base.catalogue.in_family(f)}
    facts = []
    for rule in doc.meta.rules:
        if "all" not in rule.families and not family_set & set(rule.families):
            continue
        section = doc.section(rule.ref)
        n = cites.cite(doc.id, rule.ref, section.text if section else rule.note)
        facts.append(Fact(say(Reason("rule", doc.id, rule.ref, doc.id, rule=rule), base.corpus, "en"), (n,)))
        facts.append(_rule_state(base, doc, rule, day, n, cites))
    return facts


def _rule_state(
    base: KnowledgeBase, doc: SourceDocument, rule: Rule, day: dt.date, n: int, cites: CitationList
) -> Fact:
    state = base.timeline.state(doc.id, day, rule.ref)
    start = rule.start or base.timeline.effective_date(doc.id)
    if state.state in ("suspended", "uncertain") and state.by:
        kind: ReasonKind = "rule_suspended" if state.state == "suspended" else "rule_lapsed"
        by_ref = state.by_ref or "Summary"
        by_doc = base.corpus.documents[state.by]
        section = by_doc.section(by_ref)
        m = cites.cite(state.by, by_ref, section.text if section else by_doc.summary)
        reason = Reason(kind, state.by, by_ref, doc.id, state.until, rule=rule)
        return Fact(f"On {date_text(day, 'en')}: {say(reason, base.corpus, 'en')}", (m,))
    if start and day < start:
        return Fact(
            f"On {date_text(day, 'en')} this rule did not apply yet (from {date_text(start, 'en')}).", (n,)
        )
    if state.state == "repealed":
        return Fact(f"On {date_text(day, 'en')} this rule no longer applies (repealed).", (n,))
    effect = "prohibited" if rule.effect == "prohibited" else "a licence with a stricter review"
    return Fact(f"On {date_text(day, 'en')} this rule applies: {effect}.", (n,))


def _terms_in(text: str, terms: Sequence[str]) -> int:
    """How many of ``terms`` occur in ``text`` (English ones at a word start, Chinese anywhere)."""
    folded = text.casefold()
    return sum(
        1
        for term in terms
        if (re.search(rf"(?<!\w){re.escape(term)}", folded) if term.isascii() else term in folded)
    )


def _topic_facts(
    pool: list[SourceDocument],
    specific: list[SourceDocument],
    terms: Sequence[str],
    topic: str,
    cites: CitationList,
    base: KnowledgeBase,
) -> list[Fact]:
    """The provisions of ``pool`` that use most of ``terms`` (at least two), best first, quoted."""
    priority = {"law": 2, "regulation": 1}
    scored = []
    for doc in pool:
        rank = 0 if doc in specific else priority.get(doc.meta.kind, 3)
        for position, section in enumerate(doc.sections):
            score = _terms_in(section.text, terms)
            if score >= 2:
                scored.append((-score, rank, doc.meta.issued or dt.date.min, position, doc, section))
    scored.sort(key=lambda s: s[:4])
    facts: list[Fact] = []
    per_doc: dict[str, int] = {}
    for *_, doc, section in scored:
        if len(facts) >= TOPIC_FACTS or per_doc.get(doc.id, 0) >= PER_DOCUMENT:
            continue
        per_doc[doc.id] = per_doc.get(doc.id, 0) + 1
        n = cites.cite(doc.id, section.locator, section.text)
        where = f"{document_name(base.corpus, doc.id, 'en')}, {section.locator}"
        facts.append(Fact(f"{where}: {excerpt(section.text, topic, 480)}", (n,)))
    return facts


def _faq(
    base: KnowledgeBase,
    families: Sequence[str],
    items: list[CatalogueItem],
    verdicts: dict[int, Verdict],
    day: dt.date,
    procedure: list[Fact],
    penalties: list[Fact],
    cites: CitationList,
) -> list[FaqEntry]:
    """A short FAQ answered from the pack's own verdicts and quoted provisions."""
    when = date_text(day, "en")

    def cited(verdict: Verdict) -> tuple[int, ...]:
        numbers = (cites.cite(r.document_id, r.locator, _reason_source(base, r)) for r in verdict.reasons)
        return tuple(dict.fromkeys(numbers))

    faq: list[FaqEntry] = []
    for family in families:
        members = [i for i in items if family in (i.family, i.element.casefold())]
        if not members:
            continue
        first, name = members[0], members[0].name.lower()
        verdict = verdicts[id(first)]
        why = " ".join(say(r, base.corpus, "en") for r in verdict.reasons)
        answer = Fact(f"Verdict: {VERDICT_LABELS[verdict.value]['en']}. {why}", cited(verdict))
        faq.append(FaqEntry(f"Does exporting {name} need a licence on {when}?", answer))
        us = base.timeline.verdict(first, day, "US")
        rules = [say(r, base.corpus, "en") for r in us.reasons if r.kind.startswith("rule")]
        us_text = f"Verdict for the United States: {VERDICT_LABELS[us.value]['en']}. "
        us_text += " ".join(rules) if rules else "No destination rule held changes the verdict."
        faq.append(
            FaqEntry(f"Can {name} be exported to the United States on {when}?", Fact(us_text, cited(us)))
        )
    if procedure:
        faq.append(FaqEntry("How does an exporter apply for a licence?", procedure[0]))
    if penalties:
        faq.append(FaqEntry("What happens to an export made without a licence?", penalties[0]))
    law = base.corpus.get("law-export-control-2020")
    catch_all = law.section("Art. 12(3)") if law else None
    if law and catch_all:
        n = cites.cite(law.id, catch_all.locator, catch_all.text)
        answer = Fact(CATCH_ALL["en"], (n,))
        faq.append(FaqEntry("If an item is on no list, is it free to export?", answer))
    return faq


def _reason_source(base: KnowledgeBase, reason: Reason) -> str:
    """The corpus text a verdict's reason rests on (the item entry, a provision or a summary)."""
    if reason.kind == "listed" and reason.item is not None:
        return _item_text(reason.item)
    doc = base.corpus.documents[reason.document_id]
    section = doc.section(reason.locator)
    return section.text if section else doc.summary
