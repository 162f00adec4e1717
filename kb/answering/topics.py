"""Recognising a procedural topic in a question, whatever its wording.

An English question is compared with every topic's English paraphrases by embedding similarity (the
same model as retrieval; paraphrase vectors are computed once and kept under ``KB_HOME``) and with the
topic's keywords; a Chinese question, which the English model cannot read, with the topic's Chinese
name, paraphrases and keywords as one text, by the words they share weighted by how few topics use
them (tf-idf cosine over jieba words), and, when a multilingual model is given, by how far the
question's similarity to the topic's Chinese paraphrases stands out from its similarity to the other
topics (the model reads wording the words miss: "这种一般罚多少钱" shares no word with the
penalty topic). Either way, the topic's provisions that retrieval ranked high
count too. The best topic is taken when it is clearly close; otherwise there is none and the answer
rests on retrieval alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.corpus.topics import Topic, Topics
from kb.files import read_json, write_json_atomic
from kb.indexing.prefetch import Prefetcher
from kb.language.phrases import normalise
from kb.language.script import question_language
from kb.language.sentences import asking_part
from kb.language.stopwords import content_words
from kb.language.tokens import chinese_words

__all__ = ["TopicMatch", "TopicMatcher"]

log = logging.getLogger(__name__)

#: How much a topic's provisions found by retrieval count beside the paraphrases (and each keyword):
#: a tie-breaker. Retrieval finds a provision of some topic for any question, and at 0.5 it outweighed
#: the wording (a question on qualifying for a general licence went to export vouchers); 0.1 in both
#: languages and 0.05 a keyword in English did best on the procedural questions of the rules sets.
RETRIEVAL_WEIGHT = 0.1
#: English matched on shared words alone (no model: a stand-in searcher) is a much weaker signal, and
#: leans on retrieval as before.
RETRIEVAL_WEIGHT_WORDS = 0.5
#: Chinese keywords are among the words a Chinese question is compared with, so they add nothing more.
KEYWORD_WEIGHT = {"en": 0.05, "zh": 0.0}
RETRIEVAL_WEIGHT_ZH = 0.1
#: Lowest score at which a topic is taken (English: embedding similarity; Chinese: tf-idf cosine of
#: the words), and the score and lead over the next topic at which its one-sentence answer is given
#: first. English was checked on the topics' own paraphrases, each asked against the rest of the
#: file, Chinese on procedural questions written apart from the file: the topic found is right or a
#: close neighbour whose provisions answer too.
TAKEN = {"en": 0.6, "zh": 0.15}
#: A topic is a candidate only when the question itself is this close to its wording.
CLOSENESS_FLOOR = {"en": 0.45, "zh": 0.12}
CONFIDENT = {"en": 0.68, "zh": 0.45}
CONFIDENT_LEAD = 0.03
#: Topics within this much of the best one are quoted too (their provisions after the best one's).
NEIGHBOURS = 0.06
#: A Chinese question's multilingual similarity counts by how many standard deviations its best
#: paraphrase of a topic lies above the question's mean over all topics, beyond ``ZH_MODEL_FROM``,
#: times ``ZH_MODEL_WEIGHT`` (added to the tf-idf cosine). On the Chinese procedural questions of the
#: rules sets the topic asked about lies 2.2-4.2 deviations out (10th-90th percentile), a verdict
#: question's nearest topic 1.8-3.3; 0.1 beyond 1.5 did best of the settings tried (0.1/1.5,
#: 0.15/1.0, 0.2/2.0) and cost no set a fact.
ZH_MODEL_WEIGHT = 0.1
ZH_MODEL_FROM = 1.5
#: The same for an English question, against the topics' English paraphrases, added to the retrieval
#: model's similarity: all-MiniLM-L6-v2 alone put "what fine range would we be looking at?" nearer
#: the licence-application paraphrases, and "should we tell MOFCOM ourselves" nearer debarment, than
#: the topics they ask about. 0.1 beyond 1.5 did best of 0.05, 0.1 and 0.15 (beyond 1.0 or 1.5) on
#: the rules sets (11 answers gained a fact or a citation, 4 lost one) and changed no classify answer.
#: It is not asked for an English question answered by a product's verdict
#: (``Analysis.asks_product_verdict``): there it changed 4 answers of the earlier sets for the better
#: and 3 for the worse (and one premise answer of the ninth held-out set for the worse), and it costs
#: about 14 ms an answer, half of one (its run takes both cores).
#: Chinese, which the retrieval model cannot read, is always read by it: leaving it out for a
#: product's verdict lost a held-out answer on an appeal against a refused licence.
EN_MODEL_WEIGHT = 0.1
EN_MODEL_FROM = 1.5


def _readings(question: str) -> list[str]:
    """The question whole, and its asking sentences when it sets the scene before it asks."""
    asking = asking_part(question)
    return [question] if asking is None else [question, asking]


#: What a product's name becomes in the text an English question is matched to topics by.
#: How many texts' multilingual vectors a matcher remembers (about 1.5 KB each).
RECENT_VECTORS = 512

_GOODS = "goods"
_TECHNOLOGY = re.compile(r"\btechnolog", re.IGNORECASE)


def topic_text(question: str, names: Sequence[str]) -> str:
    """The English question with the products it names (``names``, as written) put as "goods": a
    topic is matched on how the question asks, not on the product, whose words would pull it to a
    paraphrase that names the same product ("shipped controlled graphite without a licence" is about
    penalties, not about the graphite licence's documents). Chinese is matched as written."""
    if question_language(question) == "zh":
        return question
    text = question
    for name in sorted(set(names), key=len, reverse=True):
        if name:
            # a technology stays one: the topics of technology exports are asked in that word
            kind = "technology" if _TECHNOLOGY.search(name) else _GOODS
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", kind, text, flags=re.IGNORECASE)
    return text


def multilingual_cache(cache_ml: Path, lang: str) -> Path:
    """The file the multilingual model's paraphrase vectors in ``lang`` are kept in: ``cache_ml`` for
    Chinese, a file beside it for English."""
    return cache_ml if lang == "zh" else cache_ml.with_name(f"topic-vectors-{lang}-multilingual.json")


@dataclass(frozen=True)
class TopicMatch:
    """A topic the question is about, how close it came, and whether it is clearly the one."""

    topic: Topic
    score: float
    confident: bool = False
    #: How close the question's wording came to the topic's paraphrases, and how many of the topic's
    #: keywords it holds (a verdict question gets a procedure only when it asks in those words).
    closeness: float = 0.0
    keywords: int = 0


class TopicMatcher:
    """Ranks the topics for a question. ``embed`` turns English texts into unit vectors and
    ``embed_query`` one question (the retrieval model); without them English is matched on words."""

    def __init__(
        self,
        topics: Topics,
        embed: Callable[[Sequence[str]], list[list[float]]] | None = None,
        embed_query: Callable[[str], list[float]] | None = None,
        cache: Path | None = None,
        model: str = "",
        embed_ml: Callable[[Sequence[str]], Any] | None = None,
        cache_ml: Path | None = None,
        model_ml: str = "",
    ) -> None:
        self.topics = topics
        self._embed = embed
        self._embed_query = embed_query
        self._cache = cache
        self._model = model
        self._vectors: list[list[list[float]]] | None = None
        self._matrix: tuple[Any, Any] | None = None
        self._zh: _ChineseTopics | None = None
        #: The multilingual model (texts to a matrix of unit vectors), which reads Chinese questions
        #: and weighs English ones beside the retrieval model; the file its Chinese paraphrase vectors
        #: are kept in (the English ones beside it) and its name. Without it Chinese is matched on
        #: words alone, English on the retrieval model alone.
        self._embed_ml = embed_ml
        self._cache_ml = cache_ml
        self._model_ml = model_ml
        self._matrix_ml: dict[str, tuple[Any, Any]] = {}
        self._prefetched_ml: Prefetcher[Any] | None = (
            Prefetcher(lambda text: embed_ml([text]), workers=1, name="kb-embed-ml") if embed_ml else None
        )
        #: The multilingual vectors of the last texts read, newest last: a question asked again (on
        #: another date, for another destination) is not embedded again. Shared by threads.
        self._recent_ml: dict[str, Any] = {}
        self._recent_lock = threading.Lock()

    def match(
        self, question: str, found: Sequence[tuple[str, str]] = (), multilingual: bool = True
    ) -> list[TopicMatch]:
        """The topics the question is about, best first (none when none is close enough). ``found``
        is what retrieval ranked for it, as (document id, locator): provisions found count for the
        topics that list them. ``multilingual=False`` matches an English question by the retrieval
        model alone (see :data:`EN_MODEL_WEIGHT`); Chinese is always read by the multilingual model."""
        if not len(self.topics):
            return []
        lang = question_language(question)
        closeness = self._closeness(question, lang, multilingual)
        keywords = [
            _keyword_hits_zh(question, t.keywords_zh) if lang == "zh" else _keyword_hits(question, t.keywords)
            for t in self.topics
        ]
        if lang == "zh":
            weight = RETRIEVAL_WEIGHT_ZH
        else:
            weight = RETRIEVAL_WEIGHT_WORDS if self._words_only else RETRIEVAL_WEIGHT
        # However much retrieval supports it, a topic the question's own wording is not close to is no
        # candidate: retrieval finds something for every question, even one on baking.
        scores = [
            closeness[k] + weight * _support(found, topic) + KEYWORD_WEIGHT[lang] * min(keywords[k], 3)
            for k, topic in enumerate(self.topics)
        ]
        ranked = sorted(
            ((scores[k], k) for k in range(len(scores)) if closeness[k] >= CLOSENESS_FLOOR[lang]),
            key=lambda pair: -pair[0],
        )
        if not ranked or ranked[0][0] < TAKEN[lang]:
            return []
        best, k = ranked[0]
        topic = self.topics.topics[k]
        lead = best - ranked[1][0] if len(ranked) > 1 else best
        confident = best >= CONFIDENT[lang] and lead >= CONFIDENT_LEAD
        chosen = [TopicMatch(topic, best, confident, closeness[k], keywords[k])]
        chosen += [
            TopicMatch(self.topics.topics[j], score, False, closeness[j], keywords[j])
            for score, j in ranked[1:3]
            if best - score <= NEIGHBOURS
        ]
        return chosen

    def _closeness(self, question: str, lang: str, multilingual: bool = True) -> list[float]:
        """How close the question's wording is to each topic. A message that sets the scene before it
        asks is read twice, whole and as its asking sentences, and each topic keeps the closer: the
        context may name the field, the asking sentence what is wanted; either may be the closer."""
        if lang == "zh":
            closeness = [self._closeness_zh(text) for text in _readings(question)]
        else:
            closeness = [self._closeness_en(text, multilingual) for text in _readings(question)]
        return [max(column) for column in zip(*closeness, strict=True)]

    def embedded_texts(self, question: str) -> list[str]:
        """The texts :meth:`match` will embed with the retrieval model for this question, so that they
        can be embedded ahead: an English question's readings; nothing for Chinese or without a model
        (the multilingual model's are embedded ahead by :meth:`prefetch_multilingual`)."""
        if self._words_only or question_language(question) == "zh":
            return []
        return _readings(question)

    def prefetch_multilingual(self, question: str) -> None:
        """Start embedding the question's readings with the multilingual model on another thread;
        :meth:`match` then waits for their vectors instead of embedding them itself."""
        if self._prefetched_ml is not None and (question_language(question) == "zh" or EN_MODEL_WEIGHT):
            self._prefetched_ml.submit(_readings(question), skip=self._recent_ml.__contains__)

    def forget_recent(self) -> None:
        """Forget the remembered multilingual vectors (benchmarks time every question as new)."""
        with self._recent_lock:
            self._recent_ml.clear()

    def _multilingual_vector(self, text: str) -> Any:
        import numpy as np

        assert self._embed_ml is not None
        with self._recent_lock:
            known = self._recent_ml.get(text)
        if known is not None:
            return known
        pending = self._prefetched_ml
        vector = pending.claim(text) if pending is not None and len(pending) else None
        if vector is None:
            vector = self._embed_ml([text])
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        vector.setflags(write=False)  # shared by every question that asks it again
        with self._recent_lock:
            self._recent_ml.pop(text, None)
            self._recent_ml[text] = vector
            while len(self._recent_ml) > RECENT_VECTORS:
                self._recent_ml.pop(next(iter(self._recent_ml)))
        return vector

    @property
    def _words_only(self) -> bool:
        """English is matched on shared words: no model to embed with (a stand-in searcher)."""
        return self._embed is None or self._embed_query is None

    def _closeness_en(self, question: str, multilingual: bool = True) -> list[float]:
        if self._words_only:
            return [_word_overlap(question, topic.paraphrases) for topic in self.topics]
        assert self._embed_query is not None
        import numpy as np

        matrix, owners = self._paraphrase_matrix()
        query = np.asarray(self._embed_query(question), dtype=np.float32)
        best = np.zeros(len(self.topics), dtype=np.float32)
        if len(owners):
            # One matrix product for every paraphrase, then each topic's best (all unit vectors).
            np.maximum.at(best, owners, matrix @ query)
        lead = self._model_lead(question, "en") if EN_MODEL_WEIGHT and multilingual else None
        if lead is not None:
            best = best + EN_MODEL_WEIGHT * np.maximum(0.0, lead - EN_MODEL_FROM)
        return [float(x) for x in best]

    def _paraphrase_matrix(self) -> tuple[Any, Any]:
        if self._matrix is not None:
            return self._matrix
        with _BUILDING:
            return self._build_matrix()

    def _build_matrix(self) -> tuple[Any, Any]:
        if self._matrix is None:
            import numpy as np

            grouped = self._paraphrase_vectors()
            rows = [v for topic_vectors in grouped for v in topic_vectors]
            owners = [k for k, topic_vectors in enumerate(grouped) for _ in topic_vectors]
            dim = len(rows[0]) if rows else 0
            self._matrix = (np.asarray(rows, dtype=np.float32).reshape(len(rows), dim), np.asarray(owners))
        return self._matrix

    def _closeness_zh(self, question: str) -> list[float]:
        if self._zh is None:
            self._zh = _ChineseTopics(self.topics)
        words = self._zh.closeness(question)
        if self._embed_ml is None:
            return words
        lead = self._model_lead(question, "zh")
        if lead is None:
            return words
        return [
            w + ZH_MODEL_WEIGHT * max(0.0, float(z) - ZH_MODEL_FROM) for w, z in zip(words, lead, strict=True)
        ]

    def warm(self) -> None:
        """Compute (or load) every paraphrase vector now, so that no question waits for them."""
        if not self._words_only:
            self._paraphrase_matrix()
        if self._embed_ml is not None:
            for lang in ("zh", "en") if EN_MODEL_WEIGHT else ("zh",):
                self._paraphrase_matrix_ml(lang)

    def _paraphrase_matrix_ml(self, lang: str) -> tuple[Any, Any]:
        """Each topic's name and paraphrases in ``lang`` embedded by the multilingual model, one row
        each, with the topic each row belongs to; kept beside ``cache_ml`` (and for the process) by
        content."""
        if lang in self._matrix_ml:
            return self._matrix_ml[lang]
        with _BUILDING:  # two first questions at once embed the paraphrases once, not twice
            return self._build_matrix_ml(lang)

    def _build_matrix_ml(self, lang: str) -> tuple[Any, Any]:
        if lang not in self._matrix_ml:
            import numpy as np

            texts: list[str] = []
            owners: list[int] = []
            for k, topic in enumerate(self.topics):
                if lang == "zh":
                    own = [topic.name_zh, *topic.paraphrases_zh]
                else:
                    own = [topic.name, *topic.paraphrases]
                for text in own:
                    if text:
                        texts.append(text)
                        owners.append(k)
            key = _content_key(self._model_ml, texts)
            assert self._embed_ml is not None
            cache = multilingual_cache(self._cache_ml, lang) if self._cache_ml else None
            if not texts:  # a corpus with no topics (or none in this language): nothing to embed
                self._matrix_ml[lang] = (np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=np.int64))
                return self._matrix_ml[lang]
            rows = _load_vectors(cache, key)
            if rows is None:
                rows = _embedded(key, self._embed_ml, tuple(texts))
                _keep_vectors(cache, key, rows)
            matrix = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
            self._matrix_ml[lang] = (matrix, np.asarray(owners, dtype=np.int64))
        return self._matrix_ml[lang]

    def _model_lead(self, question: str, lang: str) -> Any:
        """How many standard deviations each topic's best paraphrase lies above the question's mean
        over all topics, by the multilingual model; ``None`` without it."""
        import numpy as np

        if self._embed_ml is None:
            return None
        matrix, owners = self._paraphrase_matrix_ml(lang)
        if not len(owners):
            return None
        query = self._multilingual_vector(question)
        best = np.full(len(self.topics), -1.0, dtype=np.float32)
        np.maximum.at(best, owners, matrix @ query)
        spread = float(best.std()) or 1.0
        return (best - float(best.mean())) / spread

    def _paraphrase_vectors(self) -> list[list[list[float]]]:
        if self._vectors is not None:
            return self._vectors
        texts = [p for topic in self.topics for p in topic.paraphrases]
        key = _content_key(self._model, texts)
        flat = _load_vectors(self._cache, key)
        if flat is None:
            assert self._embed is not None
            flat = self._embed(texts)
            _keep_vectors(self._cache, key, flat)
        grouped: list[list[list[float]]] = []
        position = 0
        for topic in self.topics:
            grouped.append(flat[position : position + len(topic.paraphrases)])
            position += len(topic.paraphrases)
        self._vectors = grouped
        return grouped


#: Words of how a Chinese question asks, not of what it asks about: in a topic's few paraphrases
#: one of them can look rare and decide the topic ("出口管制是不是等于禁止出口" made every
#: "是不是……" question one about whether the controls are a ban).
_ASKING_WORDS_ZH = frozenset(
    "是不是 不是 是否 需要 需不需要 可以 可不可以 能不能 能否 什么 哪些 怎么 怎样 如何 多少 我们 我司 你们 "
    "这个 这种 这样 那个 一下 有没有 情况 问题 现在 已经 直接 真的 到底 一个 还是 或者 还有 就是 应该 "
    "请问 想问 知道 一般 相关 具体".split()
)


def _topic_words_zh(text: str) -> list[str]:
    return [w for w in chinese_words(text) if w not in _ASKING_WORDS_ZH]


class _ChineseTopics:
    """Each topic's Chinese name, paraphrases and keywords as one bag of words, weighted tf-idf."""

    def __init__(self, topics: Topics) -> None:
        bags = [
            Counter(
                w for text in [t.name_zh, *t.paraphrases_zh, *t.keywords_zh] for w in _topic_words_zh(text)
            )
            for t in topics
        ]
        used = Counter(word for bag in bags for word in bag)
        self._idf = {word: math.log((len(bags) + 1) / (n + 0.5)) for word, n in used.items()}
        self._unknown = math.log((len(bags) + 1) / 0.5)
        self._vectors = [self._vector(bag) for bag in bags]

    def closeness(self, question: str) -> list[float]:
        # Words no topic uses say nothing about which topic it is: they are left out of the question.
        asked = self._vector(Counter(w for w in _topic_words_zh(question) if w in self._idf))
        return [
            sum(weight * topic.get(word, 0.0) for word, weight in asked.items()) for topic in self._vectors
        ]

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        weights = {w: (1 + math.log(n)) * self._idf.get(w, self._unknown) for w, n in bag.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {w: v / norm for w, v in weights.items()}


#: Paraphrase vectors embedded in this process, by content key: a second knowledge base (another
#: KB_HOME) with the same topics and model does not embed them again.
_EMBEDDED: dict[str, list[list[float]]] = {}


def _content_key(model: str, texts: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps([model, list(texts)], ensure_ascii=False).encode("utf-8")).hexdigest()


#: Held while a paraphrase matrix is built, so that questions arriving together embed the paraphrases
#: once, not once each (the vectors are shared by the process, see ``_EMBEDDED``).
_BUILDING = threading.RLock()


def _embedded(key: str, embed: Callable[[Sequence[str]], Any], texts: tuple[str, ...]) -> list[list[float]]:
    if key not in _EMBEDDED:
        log.info("embedding %d Chinese topic paraphrases with the multilingual model", len(texts))
        _EMBEDDED[key] = [[float(x) for x in row] for row in embed(list(texts))]
    return _EMBEDDED[key]


def _load_vectors(path: Path | None, key: str) -> list[list[float]] | None:
    cached = read_json(path) if path is not None else None
    if cached is not None and cached.get("key") == key and isinstance(cached.get("vectors"), list):
        vectors: list[list[float]] = cached["vectors"]
        return vectors
    return None


def _keep_vectors(path: Path | None, key: str, vectors: list[list[float]]) -> None:
    if path is None:
        return
    try:
        write_json_atomic(path, {"key": key, "vectors": vectors})
    except OSError as exc:  # a read-only KB_HOME only costs the next start the embedding
        log.warning("could not keep the topic vectors in %s: %s", path, exc)


def _support(found: Sequence[tuple[str, str]], topic: Topic) -> float:
    """How high retrieval ranked the topic's provisions: 1/(rank+1) summed, at most 1.5."""
    rank = {place: r for r, place in reversed(list(enumerate(found)))}
    total = sum(
        1.0 / (rank[(p.document, p.ref)] + 1) for p in topic.provisions if (p.document, p.ref) in rank
    )
    return min(total, 1.5)


def _keyword_hits_zh(question: str, keywords: Sequence[str]) -> int:
    return sum(1 for word in keywords if word and word in question)


def _keyword_hits(question: str, keywords: Sequence[str]) -> int:
    normal = f" {normalise(question)} "
    return sum(1 for word in _normal_keywords(tuple(keywords)) if word in normal)


@functools.lru_cache(maxsize=256)
def _normal_keywords(keywords: tuple[str, ...]) -> tuple[str, ...]:
    """A topic's keywords normalised once (a stem matches a word's start: " licen")."""
    return tuple(f" {normalise(word)}" for word in keywords if word and normalise(word))


def _word_overlap(question: str, paraphrases: Sequence[str]) -> float:
    words = content_words(question, min_length=3)
    if not words:
        return 0.0
    return max((len(words & content_words(p, min_length=3)) / len(words) for p in paraphrases), default=0.0)
