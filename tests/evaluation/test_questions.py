"""Question sets in the format of ../shared/evals/README.md; errors name the file, question and field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kb.corpus.loading import load_corpus
from kb.corpus.schema import FAMILIES
from kb.errors import QuestionSetError
from kb.evaluation.questions import Question, QuestionSet, check_sources, load_question_set
from kb.language.script import question_language
from tests.conftest import ROOT, SOURCES

PROJECT_SETS = sorted((ROOT / "evals").glob("*.yaml"))

GOOD = """\
set: tiny
as_of: 2026-11-22
questions:
  - id: ga
    question: Do gallium nitride wafers need a licence?
    lang: en
    expect:
      verdict: licence_required
      sources: [mofcom-gac-2023-23]
      facts: ["2023-08-01|1 August 2023"]
  - id: holmium
    question: Is holmium oxide controlled?
    as_of: 2026-01-15
    destination: us
    expect:
      verdict: [uncertain, suspended]
  - id: review
    question: 两用物项出口许可申请的审查期限是多少天？
    lang: zh
"""


def write(tmp_path: Path, text: str, name: str = "set.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_set_loads_with_defaults(tmp_path: Path) -> None:
    loaded = load_question_set(write(tmp_path, GOOD))
    assert (loaded.name, loaded.as_of, len(loaded)) == ("tiny", dt.date(2026, 11, 22), 3)
    ga, holmium, review = loaded.questions
    assert ga == Question(
        id="ga",
        question="Do gallium nitride wafers need a licence?",
        lang="en",
        as_of=dt.date(2026, 11, 22),
        destination=None,
        verdicts=("licence_required",),
        sources=("mofcom-gac-2023-23",),
        facts=("2023-08-01|1 August 2023",),
    )
    assert (holmium.as_of, holmium.destination, holmium.verdicts) == (
        dt.date(2026, 1, 15),
        "US",
        ("uncertain", "suspended"),
    )
    assert (review.lang, review.verdicts, review.sources, review.facts) == ("zh", (), (), ())
    assert not ga.expects_no_answer


def test_set_name_defaults_to_the_file_name_and_date_to_none(tmp_path: Path) -> None:
    text = (
        "questions:\n  - id: a\n    question: Who won the 2022 FIFA World Cup?\n"
        "    expect: {verdict: no_answer}\n"
    )
    loaded = load_question_set(write(tmp_path, text, "my-set.yaml"))
    assert (loaded.name, loaded.as_of, loaded.questions[0].as_of) == ("my-set", None, None)
    assert loaded.questions[0].expects_no_answer


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        (
            "    expect:\n      verdict: licence_required",
            "    expects:\n      verdict: licence_required",
            "question 'ga' (#1): field expects: unknown field",
        ),
        (
            "verdict: licence_required",
            "verdict: licenced",
            "question 'ga' (#1): field expect.verdict: Input should be",
        ),
        (
            "verdict: [uncertain, suspended]",
            "verdict: []",
            "question 'holmium' (#2): field expect.verdict: an empty list",
        ),
        (
            'facts: ["2023-08-01|1 August 2023"]',
            'facts: ["(2023"]',
            "question 'ga' (#1): field expect.facts: fact 0 '(2023' is not a valid regular expression",
        ),
        ('facts: ["2023-08-01|1 August 2023"]', 'facts: ["  "]', "field expect.facts: fact 0 is empty"),
        (
            "sources: [mofcom-gac-2023-23]",
            "sources: [MOFCOM 23/2023]",
            "field expect.sources: 'MOFCOM 23/2023'",
        ),
        (
            "destination: us",
            "destination: Atlantis",
            "question 'holmium' (#2): field destination: destination 'Atlantis'",
        ),
        ("    as_of: 2026-01-15", "    as_of: 2026-13-15", "question 'holmium' (#2): field as_of:"),
        ("lang: zh", "lang: fr", "question 'review' (#3): field lang:"),
        (
            "  - id: review\n",
            "  - id: ga\n",
            "question 'ga' (#3): field id: the id is already used by question #1",
        ),
        (
            "  - id: review\n",
            "  - lang: zh\n    id: review\n    id2: x\n",
            "question 'review' (#3): field id2",
        ),
        (
            "    question: Is holmium oxide controlled?\n",
            "",
            "question 'holmium' (#2): field question: required",
        ),
        ("  - id: holmium\n", "  - name: holmium\n", "question #2: field id: required field is missing"),
        ("as_of: 2026-11-22\n", "as_of: someday\n", "set.yaml: field as_of:"),
    ],
)
def test_errors_name_the_file_question_and_field(tmp_path: Path, replace: str, by: str, message: str) -> None:
    assert replace in GOOD
    path = write(tmp_path, GOOD.replace(replace, by, 1))
    with pytest.raises(QuestionSetError) as caught:
        load_question_set(path)
    text = str(caught.value)
    assert text.startswith(str(path)), text
    assert message in text, text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("questions: []\n", "field questions: Value error, the set has no questions"),
        ("- just\n- a list\n", "expected a mapping"),
        ("questions: [\n", "not valid YAML"),
        ("set: x\n", "field questions: required field is missing"),
    ],
)
def test_whole_file_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(QuestionSetError, match=re.escape(message.replace("Value error, ", ""))):
        load_question_set(write(tmp_path, text))


def test_a_missing_file_is_a_question_set_error(tmp_path: Path) -> None:
    with pytest.raises(QuestionSetError, match="cannot read the question set"):
        load_question_set(tmp_path / "nope.yaml")


def test_check_sources_names_an_unknown_document(tmp_path: Path) -> None:
    loaded = load_question_set(write(tmp_path, GOOD.replace("mofcom-gac-2023-23", "mofcom-gac-2023-99")))
    expected = r"question 'ga' \(#1\): field expect.sources: 'mofcom-gac-2023-99'"
    with pytest.raises(QuestionSetError, match=expected):
        check_sources(loaded, ["mofcom-gac-2023-23"])
    check_sources(load_question_set(write(tmp_path, GOOD)), ["mofcom-gac-2023-23"])


def test_the_shared_development_set_loads(shared_dir: Path) -> None:
    dev = load_question_set(shared_dir / "evals" / "dev.yaml")
    assert dev.name == "dev" and len(dev) >= 20
    check_sources(dev, load_corpus(SOURCES).documents)


# -- the project's own sets ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_sets() -> list[QuestionSet]:
    assert PROJECT_SETS, "evals/*.yaml: the project's question sets are missing"
    return [load_question_set(path) for path in PROJECT_SETS]


def test_project_sets_are_valid_and_cite_corpus_documents(project_sets: list[QuestionSet]) -> None:
    corpus = load_corpus(SOURCES)
    for question_set in project_sets:
        check_sources(question_set, corpus.documents)
    ids = [q.id for s in project_sets for q in s.questions]
    assert len(ids) == len(set(ids)), "question ids repeat across the project's sets"


def test_project_sets_size_and_languages(project_sets: list[QuestionSet]) -> None:
    questions = [q for s in project_sets for q in s.questions]
    assert len(questions) >= 60
    chinese = [q for q in questions if q.lang == "zh"]
    assert len(chinese) / len(questions) >= 0.3, "about a third or more should be in Chinese"
    for question_set in project_sets:
        if question_set.name.startswith(("classify", "rules")):
            share = sum(1 for q in question_set.questions if q.lang == "zh") / len(question_set)
            assert share >= 0.33, question_set.name
    for q in questions:  # an English question may quote a Chinese term ("the watch list (关注名单)")
        assert question_language(q.question) == q.lang, f"{q.id}: lang {q.lang} does not match the question"


def test_project_sets_cover_what_the_issue_asks_for(project_sets: list[QuestionSet]) -> None:
    questions = [q for s in project_sets for q in s.questions]
    verdicts = {v for q in questions for v in q.verdicts}
    assert verdicts == {"licence_required", "prohibited", "suspended", "not_listed", "uncertain", "no_answer"}
    assert sum(q.expects_no_answer for q in questions) >= 4
    assert sum(not q.verdicts for q in questions) >= 12, "procedures, penalties and enforcement questions"
    assert sum(bool(re.fullmatch(r"[^\d]*\d{8,10}[^\d]*", q.question)) for q in questions) >= 5, "HS-only"
    assert {q.destination for q in questions} >= {"US", "JP"}
    corpus = load_corpus(SOURCES)
    families = {
        item.family
        for q in questions
        for source in q.sources
        for item in corpus.documents[source].meta.items
        if item.governed_by is None
    }
    assert families == set(FAMILIES), f"families without a question: {set(FAMILIES) - families}"


def test_project_questions_are_not_copies_of_the_development_set(
    shared_dir: Path, project_sets: list[QuestionSet]
) -> None:
    dev = load_question_set(shared_dir / "evals" / "dev.yaml")
    dev_texts = {q.question.casefold() for q in dev.questions}
    dev_ids = {q.id for q in dev.questions}
    for question in (q for s in project_sets for q in s.questions):
        assert question.question.casefold() not in dev_texts, question.id
        assert question.id not in dev_ids, question.id
