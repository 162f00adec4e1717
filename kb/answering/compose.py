"""Cited answers: verdict first, evidence quoted, as of a date.

The verdict comes from the catalogue and the timeline only; retrieval supplies the provisions
that support it (or, for procedural questions, the provisions that answer it). Every ``[n]`` in
an answer points at a numbered citation: a retrieved chunk or the catalogue entry behind the
verdict. When retrieval finds nothing close enough and the question names nothing in the
catalogue, the answer is ``no_answer`` and cites nothing.

:func:`compose_answer` runs four steps, each a function of its own: :func:`in_scope` (abstention),
:func:`state_verdict` (verdict choice), :func:`choose_evidence` (the provisions quoted) and
:func:`kb.answering.render.render_answer` (the text).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from kb.answering.analysis import Analysis
from kb.answering.citations import CitationList, reason_text
from kb.answering.excerpts import excerpt, table_excerpt
from kb.answering.generate import Card, Generator, check_generated
from kb.answering.records import Answer, Citation, Evidence, Lang, Searcher
from kb.answering.render import render_answer
from kb.answering.wording import (
    CATCH_ALL,
    NO_ANSWER,
    OFFICIAL,
    document_name,
    first_line,
    headline,
    low_confidence,
    not_listed_headline,
    quoted_fact,
    say,
)
from kb.corpus.documents import Corpus
from kb.errors import GeneratorError
from kb.language.glossary import english_terms
from kb.language.script import has_chinese
from kb.verdicts.catalogue import Catalogue, CatalogueItem
from kb.verdicts.timeline import STRICTNESS, Timeline, Verdict, VerdictValue, strictest

__all__ = [
    "StatedVerdict",
    "choose_evidence",
    "compose_answer",
    "in_scope",
    "item_verdicts",
    "quoted_text",
    "search_query",
    "state_verdict",
]

log = logging.getLogger(__name__)

#: Below this cosine similarity of the best dense match, a question that names nothing in the
#: catalogue is taken to be outside the corpus. Calibrated on the development questions: weather,
#: sport and most foreign-regime questions score 0.37 or less, specific in-scope questions 0.45 or
#: more; bare generic ones ("What documents does the application need?", 0.38) fall below it, and
#: a question on the EU's dual-use rules (0.56) above it.
NO_ANSWER_SIMILARITY = 0.42
#: The embedding model reads English only, so a Chinese question is embedded as the English
#: terms it maps to: a weaker signal that needs a higher bar. Its keyword (BM25) match, on the
#: Chinese titles, summaries and item names, is the stronger one. Calibrated on the Chinese
#: questions of the development and project sets (in scope: 9.2 and above; out: 7.1 and below).
NO_ANSWER_SIMILARITY_ZH = 0.6
NO_ANSWER_KEYWORD_ZH = 9.0

#: How many retrieved chunks a procedural answer quotes as evidence, and from how many documents
#: (the best-ranked ones).
EVIDENCE_CHUNKS = 4
PROCEDURAL_DOCUMENTS = 2

#: Chunks that describe a document rather than state a rule; quoted only after its provisions.
_META_LOCATORS = frozenset({"Summary", "摘要", "Status history", "Items"})
#: Chunks a verdict answer does not quote: its catalogue and timeline facts already say them.
_RESTATED_BY_VERDICT = frozenset({"Items", "Status history"})


@dataclass
class StatedVerdict:
    """What the verdict step decided and says: the value, the headline, the facts and caveats it
    adds, and the chunks the catalogue links them to (retrieved first)."""

    value: VerdictValue | None = None
    headline: str = ""
    facts: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)


def compose_answer(
    analysis: Analysis,
    catalogue: Catalogue,
    timeline: Timeline,
    searcher: Searcher,
    k: int = 10,
    generator: Generator | None = None,
) -> Answer:
    """Verdict, key facts, caveats and numbered sources for an analysed question.

    With a ``generator``, a language model phrases the key facts; its text replaces the extractive
    facts only if it passes :func:`kb.answering.generate.check_generated`.
    """
    started = time.perf_counter()
    # The question with the names it refers to (and, for Chinese, its English terms): what is
    # searched, and what picks the sentences quoted from each provision.
    focus = search_query(analysis)
    hits = list(searcher.evidence(focus, k, documents=analysis.documents))
    searched = time.perf_counter()
    lang = analysis.lang
    corpus = timeline.corpus
    verdicts = item_verdicts(analysis, catalogue, timeline)
    lead = strictest(verdicts)
    if not in_scope(analysis, hits, lead):
        text = "\n".join([first_line("no_answer", analysis.as_of, lang), "", NO_ANSWER[lang]])
        return Answer(analysis.question, "no_answer", text, (), analysis.as_of, lang, analysis.destination,
                      (), _linked_first([], hits), _timings(started, searched), "extractive")  # fmt: skip

    citations = CitationList(corpus, timeline, analysis.as_of, lang)
    stated = state_verdict(analysis, verdicts, timeline, citations)
    facts, caveats = stated.facts, stated.caveats
    facts += choose_evidence(hits, focus, stated.value is not None, citations, corpus, lang)
    for citation in citations.items:
        if corpus.documents[citation.document_id].meta.confidence == "low":
            note = low_confidence(citation.number or citation.title, lang)
            if note not in caveats:
                caveats.append(note)
    caveats.append(OFFICIAL[lang])
    used = "extractive"
    if generator is not None and facts:
        phrased = _phrased(generator, analysis, stated.value, stated.headline, citations.items)
        if phrased is not None:
            facts, used = [phrased], generator.name
    text = render_answer(
        analysis.question,
        analysis.as_of,
        lang,
        stated.value,
        stated.headline,
        facts,
        caveats,
        citations.items,
    )
    return Answer(
        question=analysis.question,
        verdict=stated.value,
        text=text,
        citations=tuple(citations.items),
        as_of=analysis.as_of,
        lang=lang,
        destination=analysis.destination,
        caveats=tuple(caveats),
        retrieved=_linked_first(stated.linked, hits),
        timings=_timings(started, searched),
        generator=used,
    )


# -- abstention ----------------------------------------------------------------------------------


def in_scope(analysis: Analysis, hits: Sequence[Evidence], lead: Verdict | None) -> bool:
    """Whether the knowledge base can say anything on the question: it names an item, family, code
    or document, a verdict applies, or retrieval found a close enough provision."""
    best = max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
    keyword = max((h.keyword_score for h in hits if h.keyword_score is not None), default=0.0)
    if has_chinese(analysis.question):
        matched = best >= NO_ANSWER_SIMILARITY_ZH or keyword >= NO_ANSWER_KEYWORD_ZH
    else:
        matched = best >= NO_ANSWER_SIMILARITY
    found = analysis.names_something or lead is not None or matched
    log.debug("question %r: best similarity %.3f, keyword %.2f, in scope %s", analysis.question, best,
              keyword, found)  # fmt: skip
    return found


# -- verdict choice ------------------------------------------------------------------------------


def item_verdicts(analysis: Analysis, catalogue: Catalogue, timeline: Timeline) -> list[Verdict]:
    """Catalogue verdicts for what the question names (only for questions that ask for one)."""
    if analysis.intent != "verdict":
        return []
    day, dest, military = analysis.as_of, analysis.destination, analysis.military
    items = [m.item for m in analysis.items]
    if not items and analysis.families:
        catalogue_items = [item for family in analysis.families for item in catalogue.in_family(family)]
        wanted_kinds = analysis.kinds or ("item",)
        items = [i for i in catalogue_items if i.kind in wanted_kinds] or catalogue_items
    if items:
        return [timeline.verdict(item, day, dest, military) for item in items]
    if dest:
        general = timeline.destination_verdict(dest, day, military)
        return [general] if general else []
    return []


def state_verdict(
    analysis: Analysis, verdicts: list[Verdict], timeline: Timeline, citations: CitationList
) -> StatedVerdict:
    """The verdict of a verdict question, its headline and the cited facts behind it; nothing for an
    informational question. No applicable verdict means ``not_listed``, with the catch-all rule."""
    stated = StatedVerdict()
    if analysis.intent != "verdict":
        return stated
    lang, corpus = analysis.lang, timeline.corpus
    lead = strictest(verdicts)
    if lead is None:
        stated.value, stated.headline = "not_listed", not_listed_headline(lang)
        catch_all = corpus.provision("catch_all")
        if catch_all is not None:
            doc, section = catch_all
            n = citations.cite(doc.id, section.locator, section.in_language(lang))
            stated.linked.append((doc.id, section.locator))
            stated.facts.append(f"{CATCH_ALL[lang]} [{n}]")
        else:
            stated.caveats.append(CATCH_ALL[lang])
        return stated
    stated.value = lead.value
    shown = _lead_items([v for v in verdicts if v.item is not None], timeline) or [lead]
    stated.headline = headline(shown[0], analysis.military, lang)
    for verdict in shown:
        for reason in verdict.reasons:
            stated.linked.append((reason.document_id, "Items" if reason.kind == "listed" else reason.locator))
            n = citations.cite(reason.document_id, reason.locator, reason_text(reason, corpus, lang=lang))
            stated.facts.append(f"{say(reason, corpus, lang)} [{n}]")
        stated.caveats.extend(c for c in verdict.caveats if c not in stated.caveats)
    if stated.value == "not_listed" and not any(v.value != "not_listed" for v in verdicts):
        stated.caveats.append(CATCH_ALL[lang])
    return stated


def _listed_by(item: CatalogueItem, day: dt.date, timeline: Timeline) -> bool:
    """False for an entry of a list or catalogue that did not exist yet on ``day``."""
    if item.document_id == item.governed_by:
        return True
    effective = timeline.effective_date(item.document_id)
    return effective is None or effective <= day


def _lead_items(verdicts: list[Verdict], timeline: Timeline) -> list[Verdict]:
    """The verdicts worth stating: the leading value's items first, at most three in all.

    An entry of a consolidated list or catalogue is dropped when the announcement that defines
    the same item (the one that governs it) is among the matches: that entry says it better.
    """
    defining = {v.item.governed_by for v in verdicts if v.item and v.item.document_id == v.item.governed_by}
    verdicts = [v for v in verdicts if v.item and _listed_by(v.item, v.as_of, timeline)]
    ordered = sorted(verdicts, key=lambda v: STRICTNESS.index(v.value))
    seen: set[str] = set()
    kept = []
    for verdict in ordered:
        item = verdict.item
        assert item is not None
        if item.document_id != item.governed_by and item.governed_by in defining:
            continue
        if item.name.casefold() in seen:
            continue
        seen.add(item.name.casefold())
        kept.append(verdict)
    return kept[:3]


# -- evidence choice -----------------------------------------------------------------------------


def choose_evidence(
    hits: Sequence[Evidence],
    focus: str,
    has_verdict: bool,
    citations: CitationList,
    corpus: Corpus,
    lang: Lang,
) -> list[str]:
    """The provisions quoted as key facts, each cited.

    A verdict rests on the catalogue: quote only what its own (already cited) documents add, one or
    two provisions. A procedural question rests on the provisions: quote more of them, from the
    documents that rank highest, not one provision from each of many (the Law and the Regulations
    may both set a penalty, a press note may repeat it).
    """
    verdict_docs = {c.document_id for c in citations.items} if has_verdict else None
    limit, per_doc_limit = (2, 2) if verdict_docs is not None else (EVIDENCE_CHUNKS, 3)
    ranked_documents = dict.fromkeys(h.document_id for h in hits if h.document_id in corpus.documents)
    leading = set(list(ranked_documents)[:PROCEDURAL_DOCUMENTS])
    facts: list[str] = []
    per_document: dict[str, int] = {}
    for hit in _provisions_first(hits):
        if len(facts) >= limit:
            break
        if hit.document_id not in corpus.documents or per_document.get(hit.document_id, 0) >= per_doc_limit:
            continue
        if verdict_docs is not None and hit.document_id not in verdict_docs:
            continue
        if verdict_docs is None and hit.document_id not in leading:
            continue
        if any(c.document_id == hit.document_id and c.locator == hit.locator for c in citations.items):
            continue
        if verdict_docs is not None and hit.locator in _RESTATED_BY_VERDICT:
            continue
        text = quoted_text(hit, corpus, lang)
        quote = table_excerpt(text, focus) or excerpt(text, focus)
        if not quote:
            continue
        n = citations.cite(hit.document_id, hit.locator, text)
        where = f"{document_name(corpus, hit.document_id, lang)}, {hit.locator}"
        facts.append(quoted_fact(where, quote, n, lang))
        per_document[hit.document_id] = per_document.get(hit.document_id, 0) + 1
    return facts


def quoted_text(hit: Evidence, corpus: Corpus, lang: Lang) -> str:
    """What an answer in ``lang`` quotes of a retrieved chunk: the provision (or summary) in that
    language where the corpus holds it, whichever language the chunk that was found is in."""
    doc = corpus.get(hit.document_id)
    if doc is None:
        return hit.text
    if hit.locator in ("Summary", "摘要"):
        return doc.meta.summary_zh if lang == "zh" and doc.meta.summary_zh else doc.summary
    section = doc.section(hit.locator)
    return section.in_language(lang) if section is not None else hit.text


def _provisions_first(hits: Sequence[Evidence]) -> list[Evidence]:
    """Provisions in their ranked order, then the summaries, notes and tables."""
    return sorted(hits, key=lambda h: h.locator in _META_LOCATORS)


# -- helpers -------------------------------------------------------------------------------------


def search_query(analysis: Analysis) -> str:
    """What is searched: the question, each named item's core name ("Antimony-related items", not its
    parenthesised list) and, for Chinese, the glossary's English terms."""
    parts = [analysis.question]
    parts.extend(m.item.name.split(" (")[0] for m in analysis.items[:3])
    if analysis.lang == "zh":
        parts.extend(english_terms(analysis.question))
    return " ".join(parts)


def _phrased(
    generator: Generator,
    analysis: Analysis,
    value: VerdictValue | None,
    headline_text: str,
    citations: list[Citation],
) -> str | None:
    """The model's phrasing of the key facts, or ``None`` (logged) when it cannot be trusted."""
    card = Card(
        question=analysis.question,
        lang=analysis.lang,
        verdict=value,
        verdict_line=f"{first_line(value, analysis.as_of, analysis.lang)} {headline_text}".strip(),
        evidence=tuple((c.n, excerpt(c.text, analysis.question, 800)) for c in citations),
    )
    try:
        text = generator.phrase(card)
    except GeneratorError as exc:
        log.warning("using the extractive answer: %s", exc)
        return None
    problem = check_generated(text, value, [c.n for c in citations])
    if problem:
        log.warning("using the extractive answer: the generated text was rejected because %s", problem)
        return None
    return " ".join(text.split())


def _linked_first(linked: list[tuple[str, str]], hits: Sequence[Evidence]) -> tuple[tuple[str, str], ...]:
    """Catalogue-linked chunks, then search hits, without repeats: what the answer retrieved."""
    ranked = [*linked, *((h.document_id, h.locator) for h in hits)]
    return tuple(dict.fromkeys(ranked))


def _timings(started: float, searched: float) -> dict[str, float]:
    done = time.perf_counter()
    return {"retrieval_s": round(searched - started, 4), "compose_s": round(done - searched, 4)}
