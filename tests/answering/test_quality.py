"""Answer quality on the team's development set, through kb.answer on the real index."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.evaluation.questions import load_question_set
from kb.evaluation.run import evaluate
from kb.language.script import has_chinese
from tests.conftest import BuiltIndex, assert_well_formed


@pytest.mark.slow
def test_dev_set_verdicts_citations_and_abstention(
    built_index: BuiltIndex, shared_dir: Path, tmp_path: Path
) -> None:
    dev = load_question_set(shared_dir / "evals" / "dev.yaml")
    report = evaluate(dev, KnowledgeBase(built_index.settings), output_dir=tmp_path)
    figures = report.system.aggregate.to_dict()
    print(
        f"\ndev set, {figures['questions']} questions: verdict accuracy {figures['verdict_accuracy']}, "
        f"citation hit {figures['citation_hit']}, abstention {figures['abstention_accuracy']}, "
        f"recall@5 {figures['source_recall_at_5']}, fact recall {figures['fact_recall']}"
    )
    assert figures["verdict_accuracy"] is not None and figures["verdict_accuracy"] >= 0.9
    assert figures["citation_hit"] is not None and figures["citation_hit"] >= 0.9
    out_of_scope = [o for o in report.system.outcomes if o.question.expects_no_answer]
    assert out_of_scope, "the development set has out-of-scope questions"
    for outcome in out_of_scope:
        assert outcome.response.verdict == "no_answer", outcome.question.id
        assert outcome.response.citations == (), outcome.question.id


@pytest.mark.slow
def test_dev_answers_are_well_formed_and_in_the_question_language(
    built_index: BuiltIndex, shared_dir: Path
) -> None:
    dev = load_question_set(shared_dir / "evals" / "dev.yaml")
    base = KnowledgeBase(built_index.settings)
    for question in dev.questions:
        answer = base.answer(question.question, as_of=question.as_of, destination=question.destination)
        assert_well_formed(answer)
        assert answer.lang == ("zh" if has_chinese(question.question) else "en"), question.id
        if answer.lang == "zh":
            assert has_chinese(answer.text.splitlines()[0]), question.id
        for citation in answer.citations:
            assert citation.document_id in base.corpus.documents, question.id
