"""Cited answers: verdict first, evidence quoted, as of a date.

The verdict comes from the catalogue and the timeline only; retrieval supplies the provisions
that support it (or, for procedural questions, the provisions that answer it). Every ``[n]`` in
an answer points at a numbered citation: a retrieved chunk or the catalogue entry behind the
verdict. When retrieval finds nothing close enough and the question names nothing in the
catalogue, the answer is ``no_answer`` and cites nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kb.analysis import Analysis
from kb.catalogue import Catalogue, CatalogueItem
from kb.errors import GeneratorError
from kb.generate import Card, Generator, check_generated
from kb.glossary import english_terms, has_chinese
from kb.sources import Corpus, SourceDocument
from kb.text import excerpt, table_excerpt, without_repeats
from kb.timeline import STRICTNESS, Reason, Timeline, Verdict, VerdictValue, strictest
from kb.wording import VERDICT_LABELS, Lang, date_text, document_name, say

__all__ = ["CATCH_ALL", "Answer", "Citation", "CitationList", "Evidence", "Searcher", "compose_answer"]

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
_META_LOCATORS = frozenset({"Summary", "摘要", "Notes", "Status history", "Items"})
#: Chunks a verdict answer does not quote: its catalogue and timeline facts already say them.
_RESTATED_BY_VERDICT = frozenset({"Items", "Status history"})


class Evidence(Protocol):
    """What the answer needs of a retrieved chunk (``kb.retrieve.Hit`` satisfies it)."""

    @property
    def document_id(self) -> str: ...
    @property
    def locator(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def dense_score(self) -> float | None: ...
    @property
    def keyword_score(self) -> float | None: ...


class Searcher(Protocol):
    """Anything that returns ranked evidence for a query (the hybrid retriever, or a stand-in).
    With ``documents``, the best evidence from those documents comes first, then the rest."""

    def evidence(self, query: str, k: int, documents: Sequence[str] = ()) -> Sequence[Evidence]: ...


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: which document, where in it, and the text relied on."""

    n: int
    document_id: str
    number: str | None
    number_zh: str | None
    title: str
    title_zh: str | None
    locator: str
    issued: dt.date | None
    effective: dt.date | None
    status: str
    url: str | None
    text: str

    def dates(self, lang: Lang = "en") -> str:
        """'issued 2023-07-03, effective 2023-08-01' (发布/施行 in Chinese); empty when none is known."""
        issued, effective = ("发布", "施行") if lang == "zh" else ("issued", "effective")
        parts = [
            f"{issued} {self.issued.isoformat()}" if self.issued else "",
            f"{effective} {self.effective.isoformat()}" if self.effective else "",
        ]
        return ", ".join(part for part in parts if part)

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "document_id": self.document_id,
            "number": self.number,
            "number_zh": self.number_zh,
            "title": self.title,
            "title_zh": self.title_zh,
            "locator": self.locator,
            "issued": self.issued.isoformat() if self.issued else None,
            "effective": self.effective.isoformat() if self.effective else None,
            "status": self.status,
            "url": self.url,
            "text": self.text,
        }


@dataclass(frozen=True)
class Answer:
    """What ``kb.answer`` returns: verdict (``None`` for procedural questions), text and sources."""

    question: str
    verdict: VerdictValue | None
    text: str
    citations: tuple[Citation, ...]
    as_of: dt.date
    lang: Lang
    destination: str | None = None
    caveats: tuple[str, ...] = ()
    #: Retrieved chunks, best first, as (document id, locator): what recall@k is measured on.
    retrieved: tuple[tuple[str, str], ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    generator: str = "extractive"

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "verdict": self.verdict,
            "text": self.text,
            "as_of": self.as_of.isoformat(),
            "lang": self.lang,
            "destination": self.destination,
            "caveats": list(self.caveats),
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [{"document_id": d, "locator": loc} for d, loc in self.retrieved],
            "timings": dict(self.timings),
            "generator": self.generator,
        }


# -- composition -------------------------------------------------------------------------------


class CitationList:
    """Numbers citations in order of first use; the same (document, locator) keeps its number."""

    def __init__(self, corpus: Corpus, timeline: Timeline, as_of: dt.date, lang: Lang) -> None:
        self.corpus, self.timeline, self.as_of, self.lang = corpus, timeline, as_of, lang
        self.items: list[Citation] = []

    def cite(self, document_id: str, locator: str, text: str) -> int:
        for citation in self.items:
            if (citation.document_id, citation.locator) == (document_id, locator):
                return citation.n
        doc = self.corpus.documents[document_id]
        meta = doc.meta
        self.items.append(
            Citation(
                n=len(self.items) + 1,
                document_id=document_id,
                number=meta.number,
                number_zh=meta.number_zh,
                title=meta.title,
                title_zh=meta.title_zh,
                locator=locator,
                issued=meta.issued,
                effective=meta.effective,
                status=_status_on(self.timeline, doc, self.as_of, self.lang),
                url=doc.url,
                text=text.strip(),
            )
        )
        return len(self.items)


def _status_on(timeline: Timeline, doc: SourceDocument, day: dt.date, lang: Lang) -> str:
    if doc.meta.kind in ("press", "guidance", "user") and not doc.meta.effective:
        when = doc.meta.issued
        if lang == "zh":
            return f"发布于{when.isoformat()}" if when else "发布日期不详"
        return f"published {when.isoformat()}" if when else "publication date unknown"
    state = timeline.state(doc.id, day)
    words: dict[str, tuple[str, str]] = {
        "in_force": ("in force", "有效"),
        "not_yet_in_force": (
            f"not yet in force (from {state.effective})",
            f"尚未施行（自{state.effective}起）",
        ),
        "suspended": (f"suspended until {state.until}", f"暂停实施至{state.until}"),
        "uncertain": (f"uncertain after {state.until}", f"{state.until}后状态不确定"),
        "repealed": (f"repealed {state.until}", f"已于{state.until}废止"),
    }
    en, zh = words[state.state]
    return zh if lang == "zh" else en


def _reason_text(reason: Reason, corpus: Corpus) -> str:
    """The corpus text that a catalogue reason rests on (the item's entry, a provision, a summary)."""
    doc = corpus.documents[reason.document_id]
    if reason.kind == "listed" and reason.item is not None:
        item = reason.item
        parts = [f"{item.name} ({item.name_zh})", f"control code {item.control_code or '-'}"]
        parts.append(f"HS {', '.join(item.hs_codes)}" if item.hs_codes else "no HS code given")
        if item.forms:
            parts.append(item.forms)
        return "; ".join(parts)
    section = doc.section(reason.locator)
    if section is not None:
        return section.text
    return doc.summary


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


def _item_label(item: CatalogueItem, lang: Lang) -> str:
    if lang == "zh":
        return f"{item.name_zh}（{item.name}）"
    name = item.name
    if len(name) > 1 and name[1].islower():  # "Gallium nitride" reads "gallium nitride" mid-sentence
        name = name[0].lower() + name[1:]
    return f"{name} ({item.name_zh})"


def _headline(verdict: Verdict, analysis: Analysis, corpus: Corpus) -> str:
    lang = analysis.lang
    item = verdict.item
    what = _item_label(item, lang) if item else ("两用物项" if lang == "zh" else "dual-use items")
    dest = verdict.destination
    to_en = f" to {'the United States' if dest == 'US' else dest}" if dest else ""
    to_zh = f"向{ {'US': '美国', 'JP': '日本'}.get(dest, dest) }" if dest else ""
    military_en = " for military end users or uses" if analysis.military and dest else ""
    military_zh = "军事用户或军事用途" if analysis.military and dest else ""
    until = date_text(verdict.until, lang) if verdict.until else ""
    start = date_text(verdict.controlled_from, lang) if verdict.controlled_from else ""
    value = verdict.value
    if lang == "zh":
        texts = {
            "licence_required": f"出口{what}须向商务部申领两用物项出口许可证。",
            "prohibited": f"{to_zh}{military_zh}出口{what}不被允许。",
            "suspended": f"{what}的出口管制暂停实施，暂停期至{until}止。",
            "uncertain": f"{what}的管制状态在该日期不确定（相关暂停期已于{until}届满，未见后续官方文本）。",
            "not_listed": f"该日期{what}尚未列入管制；管制自{start}起实施。",
        }
    else:
        texts = {
            "licence_required": f"Exporting {what}{to_en} needs a dual-use export licence from MOFCOM.",
            "prohibited": f"Exporting {what}{to_en}{military_en} is not permitted.",
            "suspended": f"The export control on {what} is suspended until {until}.",
            "uncertain": (
                f"The status of the control on {what} is uncertain on that date: the suspension that "
                f"covered it ran until {until} and no later official text is held."
            ),
            "not_listed": f"On that date {what} was not yet controlled; the control applies from {start}.",
        }
    return texts[value]


def _first_line(value: VerdictValue | None, day: dt.date, lang: Lang) -> str:
    if lang == "zh":
        label = VERDICT_LABELS[value]["zh"] if value else "程序性问题，无物项结论"
        return f"截至{day.isoformat()}：{label}。"
    label = VERDICT_LABELS[value]["en"] if value else "no item verdict (an informational question)"
    return f"As of {day.isoformat()}: {label}."


_HEADINGS = {
    "en": ("Key facts:", "Caveats:", "Sources:"),
    "zh": ("要点：", "注意事项：", "来源："),
}
_OFFICIAL = {
    "en": "The official text published by MOFCOM governs; this answer is not legal advice.",
    "zh": "以商务部公布的正式文本为准；本回答不构成法律意见。",
}
CATCH_ALL = {
    "en": (
        "Not being listed does not mean no licence is needed: under the catch-all rule of the Export "
        "Control Law (Art. 12(3)) a licence is still required where the exporter knows or should know, or "
        "is told by the authorities, that the export may endanger national security or serve weapons of "
        "mass destruction or terrorism."
    ),
    "zh": (
        "未列入管制不等于无需许可：根据《出口管制法》第十二条第三款（全面管控条款），出口经营者知道或者应当知道，"
        "或者经主管部门通知，相关出口可能危害国家安全或被用于大规模杀伤性武器、恐怖主义目的的，仍须申请许可。"
    ),
}
_NO_ANSWER = {
    "en": (
        "The knowledge base holds nothing on this question. It covers China's export controls on "
        "strategic minerals (gallium, germanium, antimony, graphite, superhard materials, tungsten, "
        "tellurium, bismuth, molybdenum, indium, rare earths and related technologies) and the Chinese "
        "rules on dual-use export "
        "licensing. Other countries' export rules are published by their own authorities; China's are "
        "published by MOFCOM (www.mofcom.gov.cn and its export-control portal)."
    ),
    "zh": (
        "知识库中没有与该问题相关的内容。本知识库涵盖中国对镓、锗、锑、石墨、超硬材料、钨、碲、铋、钼、铟、稀土等战略矿产"
        "及相关技术的出口管制和两用物项出口许可规则。其他国家的出口管制规则由其本国主管机关发布；"
        "中国的规则以商务部网站（www.mofcom.gov.cn）及其出口管制信息网公布的为准。"
    ),
}


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
    facts only if it passes :func:`kb.generate.check_generated`.
    """
    started = time.perf_counter()
    # The question with the names it refers to (and, for Chinese, its English terms): what is
    # searched, and what picks the sentences quoted from each provision.
    focus = _search_query(analysis)
    hits = list(searcher.evidence(focus, k, documents=analysis.documents))
    searched = time.perf_counter()
    lang = analysis.lang
    corpus = timeline.corpus
    verdicts = _verdicts(analysis, catalogue, timeline)
    lead = strictest(verdicts)
    best = max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
    keyword = max((h.keyword_score for h in hits if h.keyword_score is not None), default=0.0)
    if has_chinese(analysis.question):
        matched = best >= NO_ANSWER_SIMILARITY_ZH or keyword >= NO_ANSWER_KEYWORD_ZH
    else:
        matched = best >= NO_ANSWER_SIMILARITY
    in_scope = analysis.names_something or lead is not None or matched
    log.debug(
        "question %r: best similarity %.3f, keyword %.2f, in scope %s",
        analysis.question,
        best,
        keyword,
        in_scope,
    )
    if not in_scope:
        text = "\n".join([_first_line("no_answer", analysis.as_of, lang), "", _NO_ANSWER[lang]])
        return Answer(analysis.question, "no_answer", text, (), analysis.as_of, lang, analysis.destination,
                      (), _linked_first([], hits), _timings(started, searched), "extractive")  # fmt: skip

    citations = CitationList(corpus, timeline, analysis.as_of, lang)
    #: Chunks the catalogue links to the items asked about: retrieved first, before search hits.
    linked: list[tuple[str, str]] = []
    facts: list[str] = []
    caveats: list[str] = []
    value: VerdictValue | None = None
    headline = ""
    if analysis.intent == "verdict":
        if lead is None:
            value = "not_listed"
            headline = (
                "该问题所涉物项未列入本知识库收录的任何管制清单或公告。"
                if lang == "zh"
                else "The item asked about is not listed in any control list or announcement held in this "
                "knowledge base."
            )
            law = corpus.documents.get("law-export-control-2020")
            catch_all = law.section("Art. 12(3)") if law else None
            if law and catch_all:
                n = citations.cite(law.id, catch_all.locator, catch_all.text)
                linked.append((law.id, catch_all.locator))
                facts.append(f"{CATCH_ALL[lang]} [{n}]")
            else:
                caveats.append(CATCH_ALL[lang])
        else:
            value = lead.value
            shown = _lead_items([v for v in verdicts if v.item is not None], timeline) or [lead]
            headline = _headline(shown[0], analysis, corpus)
            for verdict in shown:
                for reason in verdict.reasons:
                    linked.append(
                        (reason.document_id, "Items" if reason.kind == "listed" else reason.locator)
                    )
                    n = citations.cite(reason.document_id, reason.locator, _reason_text(reason, corpus))
                    facts.append(f"{say(reason, corpus, lang)} [{n}]")
                caveats.extend(c for c in verdict.caveats if c not in caveats)
            if value == "not_listed" and not any(v.value != "not_listed" for v in verdicts):
                caveats.append(CATCH_ALL[lang])
    quoted: set[int] = set()
    per_document: dict[str, int] = {}
    # A verdict rests on the catalogue: quote only what its own documents add (one or two
    # provisions). A procedural question rests on the provisions: quote more of them.
    verdict_docs = {c.document_id for c in citations.items} if value is not None else None
    limit, per_doc_limit = (2, 2) if verdict_docs is not None else (EVIDENCE_CHUNKS, 3)
    # A procedural answer quotes the documents that rank highest, not one provision from each of
    # many: the Law and the Regulations may both set a penalty, a press note may repeat it.
    ranked_documents = dict.fromkeys(h.document_id for h in hits if h.document_id in corpus.documents)
    leading = set(list(ranked_documents)[:PROCEDURAL_DOCUMENTS])
    for hit in _provisions_first(hits):
        if len(quoted) >= limit:
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
        quote = table_excerpt(hit.text, focus) or excerpt(hit.text, focus)
        if not quote:
            continue
        n = citations.cite(hit.document_id, hit.locator, hit.text)
        where = f"{document_name(corpus, hit.document_id, lang)}, {hit.locator}"
        facts.append(f"{where}: {quote} [{n}]" if lang == "en" else f"{where}：{quote} [{n}]")
        per_document[hit.document_id] = per_document.get(hit.document_id, 0) + 1
        quoted.add(n)
    for citation in citations.items:
        doc = corpus.documents[citation.document_id]
        if doc.meta.confidence == "low":
            note = (
                f"{citation.number or citation.title}：该文件部分事实未经确认（低可信度），请以官方文本核实。"
                if lang == "zh"
                else f"{citation.number or citation.title} rests on facts that are not fully confirmed "
                "(low confidence); check the official text."
            )
            if note not in caveats:
                caveats.append(note)
    caveats.append(_OFFICIAL[lang])
    retrieved = _linked_first(linked, hits)
    used = "extractive"
    if generator is not None and facts:
        phrased = _phrased(generator, analysis, value, headline, citations.items)
        if phrased is not None:
            facts, quoted, used = [phrased], set(), generator.name
    text = _render(analysis, value, headline, facts, caveats, citations.items, quoted)
    return Answer(
        question=analysis.question,
        verdict=value,
        text=text,
        citations=tuple(citations.items),
        as_of=analysis.as_of,
        lang=lang,
        destination=analysis.destination,
        caveats=tuple(caveats),
        retrieved=retrieved,
        timings=_timings(started, searched),
        generator=used,
    )


def _phrased(
    generator: Generator,
    analysis: Analysis,
    value: VerdictValue | None,
    headline: str,
    citations: list[Citation],
) -> str | None:
    """The model's phrasing of the key facts, or ``None`` (logged) when it cannot be trusted."""
    card = Card(
        question=analysis.question,
        lang=analysis.lang,
        verdict=value,
        verdict_line=f"{_first_line(value, analysis.as_of, analysis.lang)} {headline}".strip(),
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


def _provisions_first(hits: Sequence[Evidence]) -> list[Evidence]:
    """Provisions in their ranked order, then the summaries, notes and tables."""
    return sorted(hits, key=lambda h: h.locator in _META_LOCATORS)


def _linked_first(linked: list[tuple[str, str]], hits: Sequence[Evidence]) -> tuple[tuple[str, str], ...]:
    """Catalogue-linked chunks, then search hits, without repeats: what the answer retrieved."""
    ranked = [*linked, *((h.document_id, h.locator) for h in hits)]
    return tuple(dict.fromkeys(ranked))


def _timings(started: float, searched: float) -> dict[str, float]:
    done = time.perf_counter()
    return {"retrieval_s": round(searched - started, 4), "compose_s": round(done - searched, 4)}


def _search_query(analysis: Analysis) -> str:
    parts = [analysis.question]
    # Each named item's core name ("Antimony-related items", not its parenthesised list): the
    # words that find its provisions, without lengthening what is embedded.
    parts.extend(m.item.name.split(" (")[0] for m in analysis.items[:3])
    if analysis.lang == "zh":
        parts.extend(english_terms(analysis.question))
    return " ".join(parts)


def _verdicts(analysis: Analysis, catalogue: Catalogue, timeline: Timeline) -> list[Verdict]:
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


def _render(
    analysis: Analysis,
    value: VerdictValue | None,
    headline: str,
    facts: list[str],
    caveats: list[str],
    citations: list[Citation],
    quoted: set[int],
) -> str:
    lang = analysis.lang
    key, cav, src = _HEADINGS[lang]
    first = _first_line(value, analysis.as_of, lang)
    if headline:
        first_cite = re.search(r"\[(\d+)\]", facts[0]) if facts else None
        first = f"{first} {headline}" + (f" [{first_cite.group(1)}]" if first_cite else "")
    lines = [first, "", key]
    facts = without_repeats(facts)
    quoted = {
        int(n) for fact in facts if ": " in fact or "：" in fact for n in re.findall(r"\[(\d+)\]$", fact)
    }
    lines.extend(f"- {fact}" for fact in facts)
    lines += ["", cav]
    lines.extend(f"- {c}" for c in caveats)
    lines += ["", src]
    for c in citations:
        name = c.number or c.title
        title_zh = f" / {c.title_zh}" if c.title_zh else ""
        dates = c.dates(lang)
        status = f"{'状态' if lang == 'zh' else 'status on'} {analysis.as_of.isoformat()}: {c.status}"
        url = c.url or ("无官方链接" if lang == "zh" else "no official link held")
        lines.append(f"[{c.n}] {name}, {c.locator} — {c.title}{title_zh} — {dates or '-'} — {status} — {url}")
        if c.n not in quoted:
            lines.append(f"    “{excerpt(c.text, analysis.question, 300)}”")
    return "\n".join(lines).strip()
