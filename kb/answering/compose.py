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
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from kb.answering.analysis import Analysis, serves_weapons_of_mass_destruction
from kb.answering.buyers import Buyers
from kb.answering.citations import CitationList, item_text, reason_text
from kb.answering.excerpts import excerpt, figure_excerpt, table_excerpt
from kb.answering.fines import fine_sentence, stated_amount
from kb.answering.generate import Card, Generator, check_generated
from kb.answering.product_wording import (
    condition_text,
    conditions_of,
    line_explanation,
    line_headline,
    lines_headline,
)
from kb.answering.records import Answer, Citation, Evidence, Lang, Searcher
from kb.answering.render import render_answer
from kb.answering.scope import foreign_regime, unrelated
from kb.answering.topics import TopicMatch, TopicMatcher, topic_text
from kb.answering.wording import (
    CATCH_ALL,
    CATCH_ALL_APPLIES,
    NO_ANSWER,
    OFFICIAL,
    document_name,
    first_line,
    foreign_pointer,
    headline,
    in_force_sentence,
    locator_text,
    low_confidence,
    military_ban_scope,
    past_knowledge_limit,
    premise_correction,
    quoted_fact,
    relies_on_lapsed,
    restated_sentence,
    say,
    start_date_correction,
    suspended_elsewhere_sentence,
)
from kb.corpus.documents import Corpus
from kb.corpus.schema import FrontMatter
from kb.corpus.topics import Provision, provision_of
from kb.errors import GeneratorError
from kb.language.dates import stated_start_dates
from kb.language.glossary import english_terms
from kb.language.references import article_numbers, law_articles_referred, locator_articles
from kb.language.script import has_chinese
from kb.language.stopwords import content_words
from kb.language.tokens import chinese_words
from kb.verdicts.catalogue import Catalogue, CatalogueItem, Match
from kb.verdicts.classify import Classification, Line, classify, lead_line
from kb.verdicts.freshness import knowledge_limit
from kb.verdicts.party_wording import (
    effect_sentence,
    hit_sentence,
    not_found_sentence,
    probable_sentence,
    unconfirmed_sentence,
)
from kb.verdicts.timeline import STRICTNESS, Reason, Timeline, Verdict, VerdictValue

__all__ = [
    "StatedVerdict",
    "choose_evidence",
    "classify_question",
    "compose_answer",
    "destination_verdict",
    "in_scope",
    "product_record",
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

#: About how many key facts an answer gives (then its sources): the rest is one click away.
KEY_FACTS = 5
#: How many of a topic's provisions a procedural answer quotes.
TOPIC_PROVISIONS = 3
#: A verdict question gets its procedure too when its topic is this close in wording (and clearly the
#: one, in its own words); then the topic's answer and up to this many provisions follow the verdict.
PROCEDURE_CLOSENESS = {"en": 0.55, "zh": 0.25}
#: Closeness at which a verdict question asks the procedure too, whatever its keywords.
PROCEDURE_CLOSE_ALONE = {"en": 0.64, "zh": 0.42}
PROCEDURE_PROVISIONS = 2
PROCEDURE_LABEL = {"en": "Procedure: ", "zh": "办理要求："}

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
    #: For conditional verdicts: the thresholds they depend on ("gallium ...: purity at least 99.99%").
    conditions: tuple[str, ...] = ()
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
    topics: TopicMatcher | None = None,
    buyers: Buyers | None = None,
) -> Answer:
    """Verdict, key facts, caveats and numbered sources for an analysed question. A procedural
    question whose topic ``topics`` recognises is answered from that topic's provisions first.

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
    regime = foreign_regime(analysis.question)
    classification = classify_question(analysis, catalogue, timeline)
    general = destination_verdict(analysis, timeline, classification)
    found = [(h.document_id, h.locator) for h in hits]
    wording = topic_text(analysis.question, catalogue.named_words(analysis.question))
    multilingual = not analysis.asks_product_verdict  # a product's verdict: see EN_MODEL_WEIGHT
    matched = topics.match(wording, found, multilingual=multilingual) if topics is not None else []
    if analysis.documents:
        # A question that names a document asks about that document: only its own topics apply.
        named = set(analysis.documents)
        matched = [m for m in matched if any(p.document in named for p in m.topic.provisions)]
    if analysis.intent == "verdict":
        # A verdict question gets the procedure it also asks about (that topic first), or none.
        asked = _asks_procedure(matched, lang, analysis.asks_how)
        matched = [asked, *[m for m in matched if m is not asked]] if asked else []
    buyers = buyers or Buyers()
    known = bool(classification.lines) or general is not None or bool(matched) or bool(buyers.listed)
    if regime or unrelated(analysis.question) or not in_scope(analysis, hits, known):
        pointer = foreign_pointer(regime, lang) if regime else NO_ANSWER[lang]
        text = "\n".join([first_line("no_answer", analysis.as_of, lang), "", pointer])
        return Answer(analysis.question, "no_answer", text, (), analysis.as_of, lang, analysis.destination,
                      (), _linked_first([], hits), _timings(started, searched), "extractive")  # fmt: skip

    citations = CitationList(corpus, timeline, analysis.as_of, lang)
    # The parties first (a listed buyer's measures lead the answer and its sources), then the items.
    party = StatedVerdict()
    if buyers:
        _state_buyers(party, buyers, classification.lines, analysis.as_of, corpus, citations, lang)
    # A question that asks mainly how gets the verdict in brief: the procedure's provisions follow.
    how = analysis.asks_how and bool(matched)
    stated = state_verdict(analysis, classification, general, timeline, citations, brief=how)
    if buyers:
        _merge_party(stated, party)
    correction = _premise_correction(analysis, classification, stated)
    if correction:
        stated.headline = f"{correction} {stated.headline}".strip()
        _state_restated(stated, analysis, classification, catalogue, corpus, citations, lang)
        _state_suspended_elsewhere(stated, analysis, classification, catalogue, timeline, citations, lang)
        _state_in_force_since(stated, analysis, corpus, citations, lang)
    misdated = _misdated(analysis, corpus)
    if misdated is not None:
        doc_id, said, day_given = misdated
        since = corpus.documents[doc_id].meta.effective
        assert since is not None
        name = document_name(corpus, doc_id, lang)
        stated.headline = (
            f"{start_date_correction(name, said, day_given, since, lang)} {stated.headline}".strip()
        )
        _state_in_force_since(stated, analysis, corpus, citations, lang, only=[doc_id])
    _state_named_articles(stated, analysis.question, focus, corpus, citations, lang)
    if matched:
        _state_fine(stated, matched, analysis.question, corpus, citations, lang)
    if matched and stated.value is None:
        _state_topics(stated, matched, focus, corpus, citations, lang, analysis.question)
    elif matched:
        quoted = TOPIC_PROVISIONS if how else PROCEDURE_PROVISIONS
        _state_procedure(stated, matched[0], focus, corpus, citations, lang, quoted)
        if how:  # a message that asks two things: the close neighbour's first provision too
            _state_neighbour(stated, matched[1:2], focus, corpus, citations, lang)
    if matched and _ASKS_PENALTY.search(analysis.question):
        _state_deferred_penalty(stated, focus, corpus, citations, lang)
    facts, caveats = stated.facts, stated.caveats
    room = max(0, KEY_FACTS - len(facts))
    if room:
        facts += choose_evidence(hits, focus, stated.value is not None, citations, corpus, lang, room)
    for citation in citations.items:
        if corpus.documents[citation.document_id].meta.confidence == "low":
            note = low_confidence(document_name(corpus, citation.document_id, lang), lang)
            if note not in caveats:
                caveats.append(note)
    lapsed = _lapsed_days(classification, general, buyers)
    if lapsed:
        caveats.insert(0, relies_on_lapsed(lapsed, lang))
    limit = knowledge_limit(corpus)
    if limit is not None and analysis.as_of > limit:
        caveats.append(past_knowledge_limit(limit, lang))
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
        conditions=stated.conditions,
        products=tuple(product_record(line, lang) for line in classification.lines),
        parties=buyers.records(),
    )


# -- abstention ----------------------------------------------------------------------------------


def in_scope(analysis: Analysis, hits: Sequence[Evidence], has_verdict: bool) -> bool:
    """Whether the knowledge base can say anything on the question: it names an item, family, code
    or document, a verdict applies, or retrieval found a close enough provision."""
    best = max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
    keyword = max((h.keyword_score for h in hits if h.keyword_score is not None), default=0.0)
    if has_chinese(analysis.question):
        matched = best >= NO_ANSWER_SIMILARITY_ZH or keyword >= NO_ANSWER_KEYWORD_ZH
    else:
        matched = best >= NO_ANSWER_SIMILARITY
    found = analysis.names_something or has_verdict or matched
    log.debug("question %r: best similarity %.3f, keyword %.2f, in scope %s", analysis.question, best,
              keyword, found)  # fmt: skip
    return found


# -- verdict choice ------------------------------------------------------------------------------


def classify_question(analysis: Analysis, catalogue: Catalogue, timeline: Timeline) -> Classification:
    """One verdict line per product the question names (only for questions that ask for one)."""
    if analysis.intent != "verdict":
        return Classification(())
    return classify(
        analysis.products,
        catalogue,
        timeline,
        analysis.as_of,
        _end_user_country(analysis),
        analysis.military,
        analysis.stated,
        analysis.composition,
        analysis.kinds,
        analysis.question,
    )


def _end_user_country(analysis: Analysis) -> str | None:
    """Where the rules of destination are read from: the country whose armed forces are the end user
    (parts for the US Army shipped to Germany first meet the US military ban), else the destination."""
    return analysis.military_country or analysis.destination


def destination_verdict(
    analysis: Analysis, timeline: Timeline, classification: Classification
) -> Verdict | None:
    """A destination rule for dual-use items in general, when the question names no product."""
    if analysis.intent != "verdict" or classification.lines or not analysis.destination:
        return None
    return timeline.destination_verdict(analysis.destination, analysis.as_of, analysis.military)


def state_verdict(
    analysis: Analysis,
    classification: Classification,
    general: Verdict | None,
    timeline: Timeline,
    citations: CitationList,
    brief: bool = False,
) -> StatedVerdict:
    """The verdict of a verdict question, its headline and the cited facts behind it: one part per
    product line; nothing for a question that names no product and no destination rule. ``brief``
    leaves out the further listed items of a family (the question asks about something else)."""
    stated = StatedVerdict()
    lang, corpus = analysis.lang, timeline.corpus
    lines = classification.lines
    if not lines and general is None:
        return stated
    if not lines:
        assert general is not None
        stated.value = general.value
        stated.headline = headline(general, analysis.military, lang)
        _state_reasons(stated, general, corpus, citations, lang)
        return stated
    stated.value = classification.value
    if len(lines) == 1:
        line = lines[0]
        stated.headline = line_headline(line, lang) or (
            headline(line.verdict, analysis.military, lang) if line.verdict else ""
        )
    else:
        stated.headline = lines_headline(lines, lang)
    for line in lines:
        _state_line(stated, line, corpus, citations, lang, multiple=len(lines) > 1, brief=brief)
    stated.conditions = tuple(
        f"{line.product}: {condition}" for line in lines if line.kind == "conditional"
        for condition in conditions_of(line.assessment, lang)
    )  # fmt: skip
    unlisted = all(line.value == "not_listed" for line in lines)
    if unlisted:
        n = _state_catch_all(stated, corpus, citations, lang)
        if lines and serves_weapons_of_mass_destruction(analysis.question):
            # on no list, but for weapons of mass destruction, missiles or terrorism: the catch-all
            # rule itself asks for a licence
            stated.value = "licence_required"
            stated.headline = CATCH_ALL_APPLIES[lang] + (f" [{n}]" if n else "")
    if analysis.destination and not analysis.military and stated.value in ("not_listed", "licence_required"):
        ban = _military_ban(analysis.destination, analysis.as_of, timeline, citations, unlisted, lang)
        if ban:
            stated.linked.append(ban[0])
            stated.facts.append(ban[1])
    return stated


def _military_ban(
    destination: str, on: dt.date, timeline: Timeline, citations: CitationList, unlisted: bool, lang: Lang
) -> tuple[tuple[str, str], str] | None:
    """For a civil question: the destination's ban on military end users, if one is in force, and
    what it reaches (where it is, and the cited sentence)."""
    ban = timeline.destination_verdict(destination, on, military=True)
    if ban is None or ban.value != "prohibited" or not ban.reasons:
        return None
    reason = ban.reasons[0]
    corpus = timeline.corpus
    n = citations.cite(reason.document_id, reason.locator, reason_text(reason, corpus, lang=lang))
    name = document_name(corpus, reason.document_id, lang)
    sentence = military_ban_scope(name, destination, not unlisted, lang)
    return (reason.document_id, reason.locator), f"{sentence} [{n}]"


def _state_topics(
    stated: StatedVerdict,
    matched: list[TopicMatch],
    focus: str,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
    question: str = "",
) -> None:
    """A procedural answer: the direct answer first (the topic's own sentence when it is clearly the
    topic), then the provisions of the topic, and of close neighbours, quoted with their figures. A
    question that asks what it costs gets one that states a fine among them, from the best topic."""
    quoted_already = set(stated.linked)
    provisions = [
        p for match in matched for p in match.topic.provisions if (p.document, p.ref) not in quoted_already
    ]
    provisions = list(dict.fromkeys(provisions))
    if _ASKS_PENALTY.search(question) and not any(
        _states_fine(p, corpus) for p in provisions[:TOPIC_PROVISIONS]
    ):
        # none of those quoted states a fine: the best topic's first one that does takes the last place
        fine = next(
            (p for p in matched[0].topic.provisions if p in provisions and _states_fine(p, corpus)), None
        )
        if fine is not None:
            provisions.remove(fine)
            provisions.insert(TOPIC_PROVISIONS - 1, fine)
    first: int | None = None
    for provision in provisions[:TOPIC_PROVISIONS]:
        quoted = _quote_provision(provision, focus, corpus, citations, lang)
        if quoted is not None:
            n, fact = quoted
            first = first or n
            stated.linked.append((provision.document, provision.ref))
            stated.facts.append(fact)
    best = matched[0]
    if best.confident and first is not None:
        summary = best.topic.summary_zh if lang == "zh" else best.topic.summary
        stated.headline = f"{' '.join(summary.split())} [{first}]"


#: At most this many articles a question names by number are quoted first.
NAMED_ARTICLES = 2


def _state_named_articles(
    stated: StatedVerdict, question: str, focus: str, corpus: Corpus, citations: CitationList, lang: Lang
) -> None:
    """The articles a question names by number in a document it names by title ("条例第四十九条",
    "Art. 34 of the Export Control Law"), quoted first."""
    numbers = article_numbers(question)
    if not numbers:
        return
    folded = question.casefold()
    quoted = 0
    for doc in corpus.documents.values():
        if not any(name.casefold() in folded for name in _titles(doc.meta)):
            continue
        for section in doc.sections:
            if quoted >= NAMED_ARTICLES or not locator_articles(section.locator) & set(numbers):
                continue
            found = _quote_provision(
                Provision(document=doc.id, ref=section.locator), focus, corpus, citations, lang
            )
            if found is not None:
                stated.linked.append((doc.id, section.locator))
                stated.facts.append(found[1])
                quoted += 1


def _titles(meta: FrontMatter) -> list[str]:
    """The names a question may give a document by: its short and full titles, English and Chinese."""
    names = [meta.short_title, meta.short_title_zh, meta.title, meta.title_zh]
    return [n.strip("《》 ") for n in names if n and len(n.strip("《》 ")) >= 4]


def _asks_procedure(matched: list[TopicMatch], lang: Lang, asks_how: bool = False) -> TopicMatch | None:
    """The procedure a verdict question also asks about ("what documents for the graphite
    licence?"): the best of its topics that is a procedure, named in the topic's own words and close
    in wording, or so close in wording that the wording alone tells; for a message that asks how
    (:attr:`Analysis.asks_how`), its best procedure whatever the closeness; ``None`` when none is."""
    for match in matched:
        if match.topic.kind != "procedure":
            continue
        if (
            asks_how
            or (match.keywords >= 1 and match.closeness >= PROCEDURE_CLOSENESS[lang])
            or (match.closeness >= PROCEDURE_CLOSE_ALONE[lang])
        ):
            return match
    return None


def _state_procedure(
    stated: StatedVerdict,
    match: TopicMatch,
    focus: str,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
    provisions: int = PROCEDURE_PROVISIONS,
) -> None:
    """After a verdict, the procedure the question also asks about: the topic's answer, cited to
    the first of its provisions the verdict has not quoted from another document already, and up to
    ``provisions`` of them quoted."""
    cited = {c.document_id for c in citations.items}
    fresh = [p for p in match.topic.provisions if p.document not in cited]
    if not fresh:
        return
    for provision in fresh[:provisions]:
        quoted = _quote_provision(provision, focus, corpus, citations, lang)
        if quoted is None:
            continue
        n, fact = quoted
        stated.linked.append((provision.document, provision.ref))
        if provision is fresh[0]:
            summary = match.topic.summary_zh if lang == "zh" else match.topic.summary
            fact = f"{PROCEDURE_LABEL[lang]}{' '.join(summary.split())} [{n}]"
        stated.facts.append(fact)


def _state_neighbour(
    stated: StatedVerdict,
    neighbours: Sequence[TopicMatch],
    focus: str,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
) -> None:
    """After a verdict and the procedure asked about: the first provision, not quoted yet, of a topic
    nearly as close ("how many years must we keep the records? and is there a compliance guideline?"
    asks of two topics)."""
    quoted = set(stated.linked)
    for match in neighbours:
        fresh = next((p for p in match.topic.provisions if (p.document, p.ref) not in quoted), None)
        found = _quote_provision(fresh, focus, corpus, citations, lang) if fresh is not None else None
        if fresh is not None and found is not None:
            stated.linked.append((fresh.document, fresh.ref))
            stated.facts.append(found[1])


def _state_fine(
    stated: StatedVerdict,
    matched: list[TopicMatch],
    question: str,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
) -> None:
    """The fine worked out on the amount the question states, by the provision of its topics that
    sets one and shares the most words with the question (the first such, on a tie), before the
    topics' provisions are quoted, after a verdict's own facts."""
    amount = stated_amount(question)
    if amount is None:
        return
    candidates = []
    for provision in dict.fromkeys(p for match in matched for p in match.topic.provisions):
        doc = corpus.get(provision.document)
        rule = next((r for r in doc.meta.fines if r.ref == provision.ref), None) if doc else None
        if doc is not None and rule is not None:
            section = doc.section(rule.ref)
            assert section is not None  # kb validate checks every fine's provision
            candidates.append((doc, rule, section))
    if candidates:
        # the provision whose conduct the question describes ("与管控名单上的公司交易" is Art. 37's,
        # not the unlicensed export of Art. 34), else the first of the best topic's
        asked = _fine_words(question)
        doc, rule, section = max(candidates, key=lambda c: len(asked & _fine_words(c[2].in_language(lang))))
        n = citations.cite(doc.id, section.locator, section.in_language(lang))
        separator = "" if lang == "zh" else ", "
        where = f"{document_name(corpus, doc.id, lang)}{separator}{locator_text(section.locator, lang)}"
        stated.linked.append((doc.id, section.locator))
        stated.facts.append(fine_sentence(rule, amount, where, n, lang))


#: A question on what a breach costs: "what happens if we skip it", "被查到会怎么处罚".
_ASKS_PENALTY = re.compile(
    r"\bpenalt|\bfined?\b|\bfines\b|\bpunish|\bsanction|\bconsequence|\bliab|what happens if|"
    r"\bget caught\b|罚|追责|后果|法律责任|风险",
    re.IGNORECASE,
)
#: A fine stated with its figures: "5 to 10 times", "RMB 500,000", "5倍以上10倍以下", "50万元".
_FINE_FIGURE = re.compile(r"\d\s*(?:times|倍)|RMB\s*\d|\d\s*万元", re.IGNORECASE)


def _states_fine(provision: Provision, corpus: Corpus) -> bool:
    """The provision states a fine with its figures, or leaves it to an article of the Law (whose
    figures are then quoted, see :func:`_state_deferred_penalty`)."""
    found = provision_of(corpus, provision)
    if found is None:
        return False
    text = found[1].text
    return _FINE_FIGURE.search(text) is not None or (
        _ASKS_PENALTY.search(text) is not None and bool(law_articles_referred(text))
    )


#: The document whose articles others defer to for penalties, by its short title.
_LAW = "Export Control Law"


def _state_deferred_penalty(
    stated: StatedVerdict, focus: str, corpus: Corpus, citations: CitationList, lang: Lang
) -> None:
    """A quoted provision that leaves the penalty to an article of the Export Control Law ("Art. 34
    of the Export Control Law supplies the penalties for ...") does not say what the penalty is: for
    a question on penalties, that article is quoted too, with its figures, unless already quoted."""
    law = next((d for d in corpus.documents.values() if d.meta.short_title == _LAW), None)
    if law is None or any(_FINE_FIGURE.search(fact) for fact in stated.facts):
        return  # a penalty the answer states with its figures already
    quoted = set(stated.linked)
    for document, ref in list(stated.linked):
        doc = corpus.get(document)
        section = doc.section(ref) if doc is not None and doc is not law else None
        if section is None:
            continue
        for number in law_articles_referred(section.text):
            target = next((t for t in law.sections if number in locator_articles(t.locator)), None)
            if target is None or (law.id, target.locator) in quoted:
                continue
            found = _quote_provision(
                Provision(document=law.id, ref=target.locator), focus, corpus, citations, lang
            )
            if found is not None:
                quoted.add((law.id, target.locator))
                stated.linked.append((law.id, target.locator))
                stated.facts.append(found[1])


def _fine_words(text: str) -> set[str]:
    """The words a question and a penalty provision are compared by: Chinese words, and English
    words of four letters or more."""
    return set(chinese_words(text)) | {w for w in content_words(text, min_length=4) if not has_chinese(w)}


def _quote_provision(
    provision: Provision, focus: str, corpus: Corpus, citations: CitationList, lang: Lang
) -> tuple[int, str] | None:
    """A topic's provision cited and quoted with its figures: (its number, the key fact)."""
    found = provision_of(corpus, provision)
    if found is None:
        return None
    doc, section = found
    text = section.in_language(lang)
    n = citations.cite(doc.id, section.locator, text)
    separator = "" if lang == "zh" else ", "
    where = f"{document_name(corpus, doc.id, lang)}{separator}{locator_text(section.locator, lang)}"
    return n, quoted_fact(where, figure_excerpt(text, focus), n, lang)


def _state_buyers(
    stated: StatedVerdict,
    buyers: Buyers,
    lines: Sequence[Line],
    as_of: dt.date,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
) -> None:
    """The parties the question names: a listed one's listing decides first where it applies on the
    date (its measures cited), a possible match is said and left to check, and a name no list holds
    is "not found on the lists held", never cleared."""
    said: list[str] = []
    read_as: set[str] = set()
    dual_use = [line for line in lines if line.value != "not_listed"]
    for effect in buyers.effects:
        hit = effect.hit
        applies = effect.value is not None and (effect.all_goods or not lines or bool(dual_use))
        unlisted = effect.value is not None and bool(lines) and not applies
        n = _cite_party(hit.document_id, "Measures", corpus, citations)
        sentence = effect_sentence(hit, effect.value if applies else None, effect.all_goods, lang, unlisted)
        if effect.probable and hit.why.query not in read_as:
            read_as.add(hit.why.query)
            sentence = f"{probable_sentence(hit, lang)} {sentence}"
        said.append(f"{sentence} [{n}]")
        stated.linked.append((hit.document_id, "Measures"))
        if applies and effect.value is not None:
            stated.value = _stricter(stated.value, effect.value)
        if hit.unconfirmed:
            stated.caveats.append(unconfirmed_sentence(hit, lang))
    stated.headline = " ".join(said)
    for hit in (h for h in buyers.possible if h not in buyers.probable):
        n = _cite_party(hit.document_id, "Parties", corpus, citations)
        stated.facts.append(f"{hit_sentence(hit, lang)} [{n}]")
        stated.linked.append((hit.document_id, "Parties"))
    for name in buyers.unmatched:
        stated.caveats.append(not_found_sentence(name, as_of, lang, buyers.announcements))


def _lapsed_days(classification: Classification, general: Verdict | None, buyers: Buyers) -> list[dt.date]:
    """The fixed last days an answer's verdict rests on that have passed with nothing later held."""
    verdicts = [line.verdict for line in classification.lines if line.verdict is not None]
    verdicts += [general] if general is not None else []
    days = [r.date for v in verdicts for r in v.reasons if r.kind in ("lapsed", "rule_lapsed") and r.date]
    days += [h.status.until for h in buyers.listed if h.status.lapsed and h.status.until]
    return sorted(set(days))


def _stricter(current: VerdictValue | None, party: VerdictValue) -> VerdictValue:
    """A party's verdict beside the items': the strictest leads, except that a listing of unknown
    force makes an export that is not prohibited anyway ``uncertain`` (it may be barred)."""
    if current is None:
        return party
    if party == "uncertain" or current == "uncertain":
        return "prohibited" if "prohibited" in (current, party) else "uncertain"
    return min((current, party), key=STRICTNESS.index)


def _merge_party(stated: StatedVerdict, party: StatedVerdict) -> None:
    """The parties' part of the answer joined to the items': their sentences first."""
    if party.value is not None:
        stated.value = _stricter(stated.value, party.value)
    stated.headline = " ".join(part for part in (party.headline, stated.headline) if part)
    stated.facts.extend(party.facts)
    stated.caveats[:0] = party.caveats
    stated.linked[:0] = party.linked


def _cite_party(document_id: str, locator: str, corpus: Corpus, citations: CitationList) -> int:
    """The citation of a party announcement's section (its measures, or its list of parties)."""
    doc = corpus.documents[document_id]
    section = doc.section(locator) or doc.sections[0]
    return citations.cite(document_id, section.locator, section.text)


def _premise_correction(analysis: Analysis, classification: Classification, stated: StatedVerdict) -> str:
    """The first thing to say when the question assumes a status the timeline contradicts."""
    if stated.value is None:
        return ""
    lead = lead_line(classification.lines)
    until = lead.verdict.until if lead is not None and lead.verdict is not None else None
    for premise in analysis.premises:
        said = premise_correction(premise.kind, stated.value, analysis.as_of, until, analysis.lang)
        if said:
            return said
    return ""


def _state_restated(
    stated: StatedVerdict,
    analysis: Analysis,
    classification: Classification,
    catalogue: Catalogue,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
) -> None:
    """After correcting a premise that the leading item's control was repealed or lifted: the lists
    in force on the date that restate that item (the Export Control List carries on the
    announcements' items), each cited to its entry."""
    if not any(p.kind in ("repealed", "lifted") for p in analysis.premises):
        return
    lead = lead_line(classification.lines)
    item = lead.item if lead is not None else None
    if item is None:
        return
    entries: dict[str, tuple[dt.date, CatalogueItem]] = {}  # one entry per list, by the day it applied
    for entry in catalogue.items:
        if entry.governed_by != item.governed_by or entry.document_id == item.governed_by:
            continue
        since = corpus.documents[entry.document_id].meta.effective
        if entry.element == item.element and since is not None and since <= analysis.as_of:
            entries.setdefault(entry.document_id, (since, entry))
    origin = document_name(corpus, item.governed_by, lang)
    for since, entry in sorted(entries.values(), key=lambda pair: pair[0]):
        doc = corpus.documents[entry.document_id].meta
        title = (doc.title_zh or doc.title) if lang == "zh" else doc.title
        number = document_name(corpus, entry.document_id, lang)
        n = citations.cite(entry.document_id, entry.ref, item_text(entry, lang=lang))
        stated.facts.append(restated_sentence(origin, title, number, since, n, lang))
        stated.linked.append((entry.document_id, "Items"))


def _named_documents(analysis: Analysis, corpus: Corpus) -> list[str]:
    """The documents a question names, by number or by title, in that order."""
    folded = analysis.question.casefold()
    by_title = [
        d.id for d in corpus.documents.values() if any(t.casefold() in folded for t in _titles(d.meta))
    ]
    return list(dict.fromkeys([*analysis.documents, *by_title]))


def _misdated(analysis: Analysis, corpus: Corpus) -> tuple[str, dt.date, bool] | None:
    """(document, the date said, whether the day was said) when the question says the one document it
    names took effect on a day (or in a month) other than the one it did; ``None`` otherwise."""
    said = stated_start_dates(analysis.question)
    if len(said) != 1:
        return None  # no date, or which date goes with which document is not plain
    named = _named_documents(analysis, corpus)
    if len(named) != 1:
        return None
    day, day_given = said[0]
    since = corpus.documents[named[0]].meta.effective
    if since is None or since > analysis.as_of:
        return None
    right = since == day if day_given else (since.year, since.month) == (day.year, day.month)
    return None if right else (named[0], day, day_given)


def _state_in_force_since(
    stated: StatedVerdict,
    analysis: Analysis,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
    only: list[str] | None = None,
) -> None:
    """After correcting a premise that the rules are a draft or not yet in force (or that they took
    effect on another day, for the ``only`` documents): the day each document the question names
    took effect, cited to the provision that says so."""
    if only is None and not any(p.kind == "not_in_force" for p in analysis.premises):
        return
    for doc_id in (only if only is not None else _named_documents(analysis, corpus))[:2]:
        doc = corpus.documents.get(doc_id)
        since = doc.meta.effective if doc is not None else None
        if doc is None or since is None or since > analysis.as_of:
            continue
        dates = (
            since.isoformat(),
            f"{since.day} {since:%B %Y}",
            f"{since.year}年{since.month}月{since.day}日",
        )
        section = next((x for x in doc.sections if any(d in x.text + (x.text_zh or "") for d in dates)), None)
        if section is None:
            continue
        sentence = in_force_sentence(document_name(corpus, doc.id, lang), since, lang)
        if any(fact.startswith(sentence) for fact in stated.facts):
            continue  # said already, for another premise
        n = citations.cite(doc.id, section.locator, section.in_language(lang))
        stated.linked.append((doc.id, section.locator))
        stated.facts.append(f"{sentence} [{n}]")


def _state_suspended_elsewhere(
    stated: StatedVerdict,
    analysis: Analysis,
    classification: Classification,
    catalogue: Catalogue,
    timeline: Timeline,
    citations: CitationList,
    lang: Lang,
) -> None:
    """After correcting a premise that the leading item's control is suspended: the suspension that
    does run on the date for measures of the same family ("the rare-earth controls are suspended"
    mistakes the October 2025 announcements' suspension for the earlier lists'), cited to it."""
    if not any(p.kind == "suspended" for p in analysis.premises):
        return
    lead = lead_line(classification.lines)
    item = lead.item if lead is not None else None
    if item is None:
        return
    corpus = timeline.corpus
    grouped: dict[tuple[str, dt.date | None], list[str]] = {}
    for by, target, until in timeline.suspensions_on(analysis.as_of):
        families = {i.family for i in catalogue.items if i.document_id == target}
        if item.family in families and target != item.document_id:
            grouped.setdefault((by, until), []).append(target)
    for (by, until), targets in grouped.items():
        doc = corpus.documents[by]
        section = doc.sections[0] if doc.sections else None
        locator = section.locator if section is not None else "Summary"
        n = citations.cite(by, locator, section.in_language(lang) if section is not None else doc.meta.title)
        names = [document_name(corpus, t, lang) for t in targets]
        stated.facts.append(
            suspended_elsewhere_sentence(document_name(corpus, by, lang), names, until, n, lang)
        )
        stated.linked.append((by, locator))


def _state_line(
    stated: StatedVerdict,
    line: Line,
    corpus: Corpus,
    citations: CitationList,
    lang: Lang,
    multiple: bool,
    brief: bool = False,
) -> None:
    if multiple and line.verdict is not None and line.kind in ("listed", "family"):
        stated.facts.append(f"{line.product}: {headline(line.verdict, False, lang)}")
    shown = [line.verdict] if line.verdict is not None else []
    if line.kind == "family" and not brief:
        verdicts = [v for v in (_family_verdict(line, item) for item in line.related[1:3]) if v is not None]
        shown += verdicts
    for verdict in shown:
        _state_reasons(stated, verdict, corpus, citations, lang)
    explanation = line_explanation(line, lang)
    if explanation:
        if line.item is not None:
            n = citations.cite(line.item.document_id, line.item.ref, item_text(line.item, lang=lang))
            stated.linked.append((line.item.document_id, "Items"))
            stated.facts.append(f"{explanation} [{n}]")
        elif line.related:
            first = line.related[0]
            n = citations.cite(first.document_id, first.ref, item_text(first, lang=lang))
            stated.linked.append((first.document_id, "Items"))
            stated.facts.append(f"{explanation} [{n}]")


def product_record(line: Line, lang: Lang) -> dict[str, object]:
    """One product's verdict for ``Answer.products`` (and ``--json``)."""
    item = line.item
    assessment = line.assessment
    return {
        "product": line.product,
        "verdict": line.value,
        "kind": line.kind,
        "item": None
        if item is None
        else {"document_id": item.document_id, "ref": item.ref, "name": item.name},
        "conditions": conditions_of(assessment, lang) if line.kind == "conditional" else [],
        "missed": [condition_text(c.condition, lang) for c in assessment.missed] if assessment else [],
        "related": [{"document_id": i.document_id, "ref": i.ref, "name": i.name} for i in line.related],
    }


def _family_verdict(line: Line, item: CatalogueItem) -> Verdict | None:
    """The verdict of a further listed item of a family line (the line holds the leading one)."""
    if line.verdict is None:
        return None
    return Verdict(line.verdict.value, line.verdict.as_of, item, line.verdict.destination,
                   (Reason("listed", item.document_id, item.ref, item=item),), None, None, ())  # fmt: skip


def _state_reasons(
    stated: StatedVerdict, verdict: Verdict, corpus: Corpus, citations: CitationList, lang: Lang
) -> None:
    for reason in verdict.reasons:
        stated.linked.append((reason.document_id, "Items" if reason.kind == "listed" else reason.locator))
        n = citations.cite(reason.document_id, reason.locator, reason_text(reason, corpus, lang=lang))
        stated.facts.append(f"{say(reason, corpus, lang)} [{n}]")
    caveats = verdict.caveats
    if lang == "zh" and verdict.item is not None and verdict.item.caveat_zh:
        caveats = (verdict.item.caveat_zh,)
    stated.caveats.extend(c for c in caveats if c not in stated.caveats)


def _state_catch_all(
    stated: StatedVerdict, corpus: Corpus, citations: CitationList, lang: Lang
) -> int | None:
    """Say that being on no list does not free the export; the citation's number (``None`` when the
    corpus holds no catch-all provision)."""
    catch_all = corpus.provision("catch_all")
    if catch_all is None:
        stated.caveats.append(CATCH_ALL[lang])
        return None
    doc, section = catch_all
    n = citations.cite(doc.id, section.locator, section.in_language(lang))
    stated.linked.append((doc.id, section.locator))
    stated.facts.append(f"{CATCH_ALL[lang]} [{n}]")
    return n


# -- evidence choice -----------------------------------------------------------------------------


def choose_evidence(
    hits: Sequence[Evidence],
    focus: str,
    has_verdict: bool,
    citations: CitationList,
    corpus: Corpus,
    lang: Lang,
    room: int = EVIDENCE_CHUNKS,
) -> list[str]:
    """The provisions quoted as key facts, each cited.

    A verdict rests on the catalogue: quote only what its own (already cited) documents add, one or
    two provisions. A procedural question rests on the provisions: quote more of them, from the
    documents that rank highest, not one provision from each of many (the Law and the Regulations
    may both set a penalty, a press note may repeat it).
    """
    verdict_docs = {c.document_id for c in citations.items} if has_verdict else None
    limit, per_doc_limit = (2, 2) if verdict_docs is not None else (EVIDENCE_CHUNKS, 3)
    limit = min(limit, room)
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
        separator = "" if lang == "zh" else ", "
        where = f"{document_name(corpus, hit.document_id, lang)}{separator}{locator_text(hit.locator, lang)}"
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
    return search_text(analysis.question, analysis.items, analysis.lang)


def search_text(question: str, items: Sequence[Match], lang: str) -> str:
    """:func:`search_query` from its parts: also what an English question's search is embedded as
    ahead of its analysis (:meth:`kb.answering.knowledge.KnowledgeBase.answer`)."""
    parts = [question]
    parts.extend(m.item.name.split(" (")[0] for m in items[:3])
    if lang == "zh":
        parts.extend(english_terms(question))
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
