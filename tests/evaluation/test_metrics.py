"""The metrics as pure functions on hand-made answers, including every edge case of the definitions."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.answering.records import Answer, Citation
from kb.evaluation.metrics import (
    Aggregate,
    QuestionScore,
    Response,
    abstention_correct,
    aggregate,
    citation_hit,
    citation_precision,
    fact_recall,
    percentile,
    score,
    source_recall,
    verdict_correct,
)
from kb.evaluation.questions import Question

DAY = dt.date(2026, 11, 22)


def cite(n: int, document_id: str, text: str = "some provision") -> Citation:
    return Citation(n, document_id, None, None, "title", None, "Art. 1", None, None, "in force", None, text)


def answer(
    verdict: str | None,
    text: str = "",
    citations: tuple[Citation, ...] = (),
    retrieved: tuple[str, ...] = (),
) -> Answer:
    return Answer(
        question="q",
        verdict=verdict,  # type: ignore[arg-type]
        text=text,
        citations=citations,
        as_of=DAY,
        lang="en",
        retrieved=tuple((d, "Art. 1") for d in retrieved),
    )


def question(
    verdicts: tuple[str, ...] = (), sources: tuple[str, ...] = (), facts: tuple[str, ...] = ()
) -> Question:
    return Question("q1", "a question", "en", DAY, None, verdicts, sources, facts)


# -- one metric at a time -----------------------------------------------------------------------------


def test_verdict_accepts_one_of_a_list() -> None:
    assert verdict_correct("uncertain", ("uncertain", "suspended")) is True
    assert verdict_correct("suspended", ("uncertain", "suspended")) is True
    assert verdict_correct("licence_required", ("uncertain", "suspended")) is False
    assert verdict_correct(None, ("licence_required",)) is False
    assert verdict_correct("licence_required", ()) is None


def test_source_recall_counts_only_the_top_k() -> None:
    retrieved = ["a", "b", "c", "d", "e", "target", "g"]
    assert source_recall(retrieved, ["target"], 5) is False
    assert source_recall(retrieved, ["target"], 10) is True
    assert source_recall(retrieved, ["x", "a"], 1) is True
    assert source_recall([], ["target"], 5) is False
    assert source_recall(retrieved, [], 5) is None
    with pytest.raises(ValueError, match="at least 1"):
        source_recall(retrieved, ["a"], 0)


def test_citation_hit_with_and_without_citations() -> None:
    assert citation_hit(["law", "doc-a"], ["doc-a", "doc-b"]) is True
    assert citation_hit(["law"], ["doc-a"]) is False
    assert citation_hit([], ["doc-a"]) is False  # no citations: a miss, not "not applicable"
    assert citation_hit(["law"], []) is None


def test_citation_precision_counts_expected_documents_or_cited_facts() -> None:
    citations = [("doc-a", "x"), ("law", "fine of 5 to 10 times"), ("other", "unrelated"), ("doc-a", "y")]
    assert citation_precision(citations, ["doc-a"], [r"5 to 10 times"]) == pytest.approx(3 / 4)
    assert citation_precision(citations, ["doc-a"], []) == pytest.approx(2 / 4)
    assert citation_precision(citations, [], [r"FINE OF"]) == pytest.approx(1 / 4)  # facts ignore case


def test_citation_precision_edge_cases() -> None:
    assert citation_precision([], ["doc-a"], ["x"]) is None  # nothing cited: nothing to be precise about
    assert citation_precision([("doc-a", "x")], [], []) is None  # nothing to judge a citation by
    assert citation_precision([("doc-a", "x")], [], [], expects_no_answer=True) == 0.0
    assert citation_precision([], [], [], expects_no_answer=True) is None


def test_fact_recall_is_a_share_of_case_insensitive_regexes() -> None:
    text = "The control applies from 1 August 2023 under MOFCOM Announcement No. 23 of 2023."
    assert fact_recall(text, [r"2023-08-01|1 august 2023", r"No\. ?23"]) == 1.0
    assert fact_recall(text, [r"2023-08-01|1 August 2023", r"45 working days"]) == 0.5
    assert fact_recall("", [r"anything"]) == 0.0
    assert fact_recall(text, []) is None  # empty facts: not applicable


def test_abstention_both_ways() -> None:
    assert abstention_correct("no_answer", ("no_answer",)) is True
    assert abstention_correct("not_listed", ("no_answer",)) is False
    assert abstention_correct("no_answer", ("licence_required",)) is False
    assert abstention_correct("no_answer", ()) is False  # an informational question is not out of scope
    assert abstention_correct(None, ()) is True
    assert abstention_correct("licence_required", ("licence_required",)) is True
    assert abstention_correct("no_answer", ("no_answer", "not_listed")) is True
    assert abstention_correct("not_listed", ("no_answer", "not_listed")) is True


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([4.0, 1.0, 3.0, 2.0], 0) == 1.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 100) == 4.0
    assert percentile([float(n) for n in range(1, 21)], 95) == pytest.approx(19.05)
    with pytest.raises(ValueError, match=r"outside 0\.\.100"):
        percentile([1.0], 101)


# -- a whole question and a whole set -------------------------------------------------------------------


def test_score_of_a_good_verdict_answer() -> None:
    made = answer(
        "licence_required",
        text="As of 2026-11-22: licence required. Applies since 1 August 2023 [1].",
        citations=(cite(1, "mofcom-gac-2023-23"), cite(2, "mofcom-press-x", "nothing relevant")),
        retrieved=("mofcom-gac-2023-23", "b", "c"),
    )
    q = question(("licence_required",), ("mofcom-gac-2023-23",), (r"2023-08-01|1 August 2023", r"No\. 23"))
    result = score(q, Response.from_answer(made, 0.25))
    assert result.verdict is True and result.abstention is True
    assert result.recall == ((5, True), (10, True))
    assert result.citation_hit is True
    assert result.citation_precision == 0.5
    assert result.fact_recall == 0.5 and result.missing_facts == (r"No\. 23",)
    assert result.latency_s == 0.25
    assert not result.passed


def test_score_of_an_answer_with_no_citations_and_a_wrong_abstention() -> None:
    made = answer("no_answer", text="The knowledge base holds nothing on this question.")
    q = question((), ("state-council-2024-792",), (r"45 working days",))
    result = score(q, Response.from_answer(made, 0.1))
    assert result.verdict is None  # informational: no verdict expected
    assert result.abstention is False
    assert result.recall_at(5) is False and result.recall_at(10) is False
    assert result.citation_hit is False
    assert result.citation_precision is None
    assert result.fact_recall == 0.0
    with pytest.raises(KeyError, match="recall@3"):
        result.recall_at(3)


def test_score_of_a_baseline_response_leaves_verdict_metrics_out() -> None:
    response = Response(
        verdict=None,
        text="Exports need a licence from 1 August 2023.",
        citations=(("mofcom-gac-2023-23", "Exports need a licence from 1 August 2023."),),
        retrieved=("mofcom-gac-2023-23",),
        latency_s=0.01,
        gives_verdicts=False,
    )
    result = score(question(("licence_required",), ("mofcom-gac-2023-23",), ("1 August 2023",)), response)
    assert (result.verdict, result.abstention) == (None, None)
    assert (result.citation_hit, result.citation_precision, result.fact_recall) == (True, 1.0, 1.0)
    assert result.passed


def test_aggregate_means_over_applicable_questions_only() -> None:
    good = score(
        question(("licence_required",), ("doc",), ("fact",)),
        Response("licence_required", "the fact", (("doc", "t"),), ("doc",), 1.0),
    )
    wrong = score(
        question(("prohibited",), ("doc",)),
        Response("licence_required", "", (("other", "t"),), ("x", "x", "x", "x", "x", "doc"), 3.0),
    )
    informational = score(question(), Response(None, "text", (), (), 2.0))
    out_of_scope = score(question(("no_answer",)), Response("no_answer", "nothing", (), (), 4.0))
    result = aggregate([good, wrong, informational, out_of_scope])
    assert result.questions == 4
    assert result.verdict_accuracy == pytest.approx(2 / 3)
    assert result.recall_at(5) == 0.5 and result.recall_at(10) == 1.0
    assert result.citation_hit == 0.5
    assert result.citation_precision == 0.5
    assert result.fact_recall == 1.0  # only one question lists facts
    assert result.abstention_accuracy == 1.0
    assert result.latency_p50_s == pytest.approx(2.5)
    assert result.latency_p95_s == pytest.approx(3.85)
    assert result.counts["fact_recall"] == 1 and result.counts["verdict_accuracy"] == 3


def test_a_metric_with_no_applicable_question_is_none() -> None:
    only_informational = [score(question(), Response(None, "text", (), ("a",), 0.5))]
    result = aggregate(only_informational)
    assert result.verdict_accuracy is None
    assert result.recall_at(5) is None and result.citation_hit is None
    assert result.citation_precision is None and result.fact_recall is None
    assert result.abstention_accuracy == 1.0
    assert aggregate([]).latency_p50_s is None


def test_aggregate_json_has_the_readme_keys_in_order() -> None:
    ks = (3, 5, 10)
    result = aggregate([score(question(("no_answer",)), Response("no_answer", "", (), (), 0.123456), ks)], ks)
    data = result.to_dict()
    assert list(data) == [
        "questions",
        "verdict_accuracy",
        "source_recall_at_3",
        "source_recall_at_5",
        "source_recall_at_10",
        "citation_hit",
        "citation_precision",
        "fact_recall",
        "abstention_accuracy",
        "latency_p50_s",
        "latency_p95_s",
    ]
    assert data["latency_p50_s"] == 0.1235 and data["source_recall_at_5"] is None
    assert isinstance(result, Aggregate)


def test_question_score_json() -> None:
    result = QuestionScore("q", True, ((5, True), (10, None)), None, 0.5, None, True, 0.3, ("x",))
    assert result.to_dict() == {
        "verdict": True,
        "source_recall_at_5": True,
        "source_recall_at_10": None,
        "citation_hit": None,
        "citation_precision": 0.5,
        "fact_recall": None,
        "abstention": True,
        "latency_s": 0.3,
        "missing_facts": ["x"],
        "passed": False,
    }
