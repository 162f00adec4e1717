"""Briefing packs for trainers: one or more mineral families as of a date, every fact cited.

A pack says what is controlled, lists the items with their codes and verdicts on the date, gives
the dates and status history of the documents involved, the destination rules, the licence
procedure and the penalties, where asked the party lists on the date (:mod:`kb.briefing.parties`),
and ends with a short FAQ. Verdicts and states come from the catalogue and the timeline (as in
answers); procedure and penalties are the corpus provisions that speak of them most, chosen by
fixed topic vocabularies, so the same corpus gives the same pack.
Every fact carries ``[n]`` citations numbered like an answer's (:class:`kb.answer.Citation`).

:mod:`kb.briefing_render` writes a pack as Markdown, HTML or DOCX.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.answering.citations import CitationList, item_text, reason_text
from kb.answering.excerpts import excerpt
from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Citation
from kb.answering.wording import CATCH_ALL, VERDICT_LABELS, document_name, say
from kb.briefing.parties import PartyLists, PartyRow, party_lists
from kb.briefing.records import Fact
from kb.briefing.wording import (
    FAQ_APPLY,
    FAQ_PENALTIES,
    FAQ_UNLISTED,
    controlled_sentence,
    dates_sentence,
    faq_licence,
    faq_us,
    history_sentence,
    rule_state_sentence,
    state_sentence,
)
from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.schema import FAMILIES, STATUS_WORDS, Rule
from kb.errors import QueryError
from kb.verdicts.catalogue import CatalogueItem
from kb.verdicts.timeline import Reason, ReasonKind, Timeline, Verdict, VerdictValue

__all__ = [
    "BriefingPack",
    "Fact",
    "FaqEntry",
    "ItemRow",
    "PartyRow",
    "build_briefing",
    "resolve_families",
]

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
#: Relations that change another document's force, so the pack's history shows their authors.
_STATUS_RELATIONS = ("suspends", "replaces")
#: Statements that are published, not put in force: their history is their publication date.
_PUBLISHED_KINDS = ("press", "guidance", "user")


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
    #: The party lists on the date, when the pack was asked to include them (``None`` otherwise).
    parties: PartyLists | None = None

    @property
    def party_rows(self) -> tuple[PartyRow, ...]:
        return self.parties.rows if self.parties is not None else ()

    @property
    def title(self) -> str:
        return f"Export-control briefing: {', '.join(self.families)} (as of {self.as_of.isoformat()})"

    def facts(self) -> list[Fact]:
        """Every fact of the pack, FAQ answers included."""
        groups = [self.controlled, self.caveats, self.history, self.destinations, self.procedure]
        groups.append(self.penalties)
        if self.parties is not None:
            groups.append(self.parties.facts)
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


def build_briefing(
    base: KnowledgeBase, families: Sequence[str], as_of: dt.date, parties: bool = False
) -> BriefingPack:
    """The briefing pack on ``families`` (names or elements; see :func:`resolve_families`) on
    ``as_of``; with ``parties``, the party lists too (every party listed on the date and its
    status, see :mod:`kb.briefing.parties`)."""
    chosen = resolve_families(families, base)
    corpus, timeline = base.corpus, base.timeline
    cites = CitationList(corpus, timeline, as_of, "en")
    every = [item for family in chosen for item in base.catalogue.in_family(family)]
    every = list({(i.document_id, i.ref, i.name): i for i in every}.values())
    verdicts = {id(item): timeline.verdict(item, as_of) for item in every}
    docs = _relevant_documents(base, chosen)

    controlled = [
        _controlled_fact(base, doc, [i for i in every if i.document_id == doc.id], cites)
        for doc in docs
        if any(i.document_id == doc.id for i in every)
    ]
    groups = _same_items(every, verdicts)
    items = [group[0] for group in groups]
    rows = [_row(group[0], verdicts[id(group[0])], base, cites, group[1:]) for group in groups]
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
    listed = party_lists(base.parties, corpus, as_of, cites) if parties else None
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
        parties=listed,
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
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in ("item", "technology", "equipment")}
    prohibited = all(i.control == "prohibited" for i in items)
    name = document_name(base.corpus, doc.id, "en")
    start = base.timeline.effective_date(doc.id)
    text = controlled_sentence(name, doc.meta.title_zh, counts, prohibited, start)
    return Fact(text, (_summary_cite(doc, cites),))


def _same_items(items: list[CatalogueItem], verdicts: dict[int, Verdict]) -> list[list[CatalogueItem]]:
    """Entries grouped when they are the same item with the same verdict, listed by several documents
    (an announcement's entry carried over into a consolidated list): one row of the table each."""
    groups: dict[tuple[object, ...], list[CatalogueItem]] = {}
    for item in items:
        verdict = verdicts[id(item)]
        key = (item.family, item.name, item.name_zh, item.kind, item.control_code, item.hs_codes,
               verdict.value, verdict.until, verdict.controlled_from)  # fmt: skip
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def _row(
    item: CatalogueItem,
    verdict: Verdict,
    base: KnowledgeBase,
    cites: CitationList,
    also: Sequence[CatalogueItem] = (),
) -> ItemRow:
    """The table row of ``item``; ``also`` are other documents' entries for the same item, named in
    the row (the row cites the first entry)."""
    n = cites.cite(item.document_id, item.ref, item_text(item, with_caveat=True))
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
        document="; ".join(document_name(base.corpus, i.document_id, "en") for i in (item, *also)),
        ref="; ".join(i.ref for i in (item, *also)),
        verdict=verdict.value,
        note=note,
        cite=n,
    )


def _history_text(doc: SourceDocument, corpus: Corpus) -> str:
    lines = []
    for entry in doc.meta.status_history:
        when = entry.date.isoformat() if entry.date else "date unknown"
        by = f" (by {document_name(corpus, entry.by, 'en')})" if entry.by else ""
        note = f": {entry.note}" if entry.note else ""
        lines.append(f"{when} {STATUS_WORDS[entry.status]}{by}{note}")
    return "\n".join(lines) or doc.summary


def _history(doc: SourceDocument, timeline: Timeline, day: dt.date, cites: CitationList) -> list[Fact]:
    name = document_name(timeline.corpus, doc.id, "en")
    n = (
        cites.cite(doc.id, "Status history", _history_text(doc, timeline.corpus))
        if doc.meta.status_history
        else None
    )
    n = n or _summary_cite(doc, cites)
    published = doc.meta.kind in _PUBLISHED_KINDS and not doc.meta.effective
    facts = [Fact(dates_sentence(name, doc.meta.issued, doc.meta.effective, published), (n,))]
    for entry in doc.meta.status_history:
        by = document_name(timeline.corpus, entry.by, "en") if entry.by else None
        facts.append(Fact(history_sentence(name, entry.date, entry.status, by, entry.note), (n,)))
    if published:
        return facts
    state = timeline.state(doc.id, day)
    facts.append(Fact(state_sentence(name, day, state.state, state.until), (n,)))
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
        gap = say(reason, base.corpus, "en")
        return Fact(rule_state_sentence(day, state.state, start, rule.effect, gap), (m,))
    when = "not_yet" if start and day < start else state.state
    return Fact(rule_state_sentence(day, when, start, rule.effect), (n,))


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

    def cited(verdict: Verdict) -> tuple[int, ...]:
        numbers = (
            cites.cite(r.document_id, r.locator, reason_text(r, base.corpus, with_caveat=True))
            for r in verdict.reasons
        )
        return tuple(dict.fromkeys(numbers))

    faq: list[FaqEntry] = []
    for family in families:
        members = [i for i in items if family in (i.family, i.element.casefold())]
        if not members:
            continue
        first, name = members[0], members[0].name.lower()
        verdict = verdicts[id(first)]
        why = " ".join(say(r, base.corpus, "en") for r in verdict.reasons)
        question, text = faq_licence(name, day, VERDICT_LABELS[verdict.value]["en"], why)
        faq.append(FaqEntry(question, Fact(text, cited(verdict))))
        us = base.timeline.verdict(first, day, "US")
        rules = [say(r, base.corpus, "en") for r in us.reasons if r.kind.startswith("rule")]
        question, text = faq_us(name, day, VERDICT_LABELS[us.value]["en"], rules)
        faq.append(FaqEntry(question, Fact(text, cited(us))))
    if procedure:
        faq.append(FaqEntry(FAQ_APPLY, procedure[0]))
    if penalties:
        faq.append(FaqEntry(FAQ_PENALTIES, penalties[0]))
    catch_all = base.corpus.provision("catch_all")
    if catch_all is not None:
        doc, section = catch_all
        n = cites.cite(doc.id, section.locator, section.text)
        answer = Fact(CATCH_ALL["en"], (n,))
        faq.append(FaqEntry(FAQ_UNLISTED, answer))
    return faq
