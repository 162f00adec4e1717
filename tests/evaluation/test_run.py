"""Evaluation runs: a small set end to end on the real index, the baseline, the reports and `kb eval`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.answering.knowledge import KnowledgeBase
from kb.cli import main
from kb.errors import KbError, SourceError
from kb.evaluation.baseline import BaselinePipeline, baseline_files
from kb.evaluation.breakdown import latin_share
from kb.evaluation.metrics import Response, aggregate, score
from kb.evaluation.questions import Question, QuestionSet, load_question_set
from kb.evaluation.report import EvalReport, Outcome, PipelineRun, format_table, target_misses
from kb.evaluation.run import evaluate, parse_ks
from tests.conftest import SOURCES, BuiltIndex

README_KEYS = {
    "questions",
    "verdict_accuracy",
    "source_recall_at_5",
    "source_recall_at_10",
    "citation_hit",
    "citation_precision",
    "fact_recall",
    "abstention_accuracy",
    "latency_p50_s",
    "latency_p95_s",
}

#: A small set across the kinds of question: verdicts on dates and destinations, Chinese, an
#: informational question and an out-of-scope one.
SMALL_SET = """\
set: small
as_of: 2026-11-22
questions:
  - id: ga-nitride
    question: Do gallium nitride wafers need an export licence?
    lang: en
    expect:
      verdict: licence_required
      sources: [mofcom-gac-2023-23]
      facts: ["2023-08-01|1 August 2023"]
  - id: ga-us-2025
    question: Can metallic gallium be exported to the United States?
    lang: en
    as_of: 2025-03-01
    destination: US
    expect:
      verdict: prohibited
      sources: [mofcom-2024-46]
  - id: apt-zh
    question: 2025年1月出口仲钨酸铵需要许可证吗？
    lang: zh
    as_of: 2025-01-10
    expect:
      verdict: not_listed
      sources: [mofcom-gac-2025-10]
      facts: ["2025-02-04|2025年2月4日"]
  - id: review-time
    question: How many working days does MOFCOM have to decide on a dual-use export licence application?
    lang: en
    expect:
      sources: [state-council-2024-792]
      facts: ["45 working days|45个工作日"]
  - id: weather
    question: What will the weather be in Shenzhen tomorrow?
    lang: en
    expect:
      verdict: no_answer
"""


@pytest.fixture
def small_set(tmp_path: Path) -> QuestionSet:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SET, encoding="utf-8")
    return load_question_set(path)


# -- pieces that need no model ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5,10", (5, 10)), ("3", (3, 5, 10)), (" 20 , 1 ,", (1, 5, 10, 20)), ("", (5, 10))],
)
def test_parse_ks_always_keeps_5_and_10(text: str, expected: tuple[int, ...]) -> None:
    assert parse_ks(text) == expected


@pytest.mark.parametrize("text", ["five", "0", "5,-1", "2.5"])
def test_parse_ks_rejects_bad_cut_offs(text: str) -> None:
    with pytest.raises(KbError, match="whole number of at least 1"):
        parse_ks(text)


def _report(small_set: QuestionSet, system: list[Response], baseline: list[Response] | None) -> EvalReport:
    def run(name: str, responses: list[Response]) -> PipelineRun:
        outcomes = tuple(
            Outcome(q, r, score(q, r), {"verdict": r.verdict})
            for q, r in zip(small_set.questions, responses, strict=True)
        )
        return PipelineRun(name, outcomes, aggregate([o.score for o in outcomes]))

    return EvalReport(
        question_set=small_set,
        started=dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC),
        ks=(5, 10),
        system=run("system", system),
        baseline=run("baseline", baseline) if baseline is not None else None,
        baseline_info={"files": 1, "chunks": 2, "answer_k": 3, "build_s": 0.5}
        if baseline is not None
        else None,
    )


def test_table_and_target_misses_compare_system_with_baseline(small_set: QuestionSet) -> None:
    right = [
        Response(
            "licence_required", "1 August 2023", (("mofcom-gac-2023-23", "t"),), ("mofcom-gac-2023-23",), 0.2
        ),
        Response("prohibited", "", (("mofcom-2024-46", "t"),), ("mofcom-2024-46",), 0.2),
        Response("not_listed", "2025-02-04", (("mofcom-gac-2025-10", "t"),), ("mofcom-gac-2025-10",), 0.2),
        Response(None, "", (("law", "t"),), ("law",), 0.4),  # misses the regulation
        Response("no_answer", "", (), (), 0.2),
    ]
    theirs = [
        Response(None, r.text, r.citations, r.retrieved, 0.1, gives_verdicts=False) for r in right[:3]
    ] + [
        Response(None, "45 working days", (("state-council-2024-792", "45 working days"),),
                 ("state-council-2024-792",), 0.1, gives_verdicts=False),
        Response(None, "sunny", (("law", "t"),), ("law",), 0.1, gives_verdicts=False),
    ]  # fmt: skip
    report = _report(small_set, right, theirs)
    table = format_table(report).splitlines()
    assert table[0].split() == ["metric", "system", "baseline", "target"]
    rows = {line[:20].strip(): line[20:].split() for line in table[1:]}
    assert rows["verdict accuracy"] == ["1.000", "n/a", ">=", "0.95"]
    assert rows["source recall@5"] == ["0.750", "1.000", ">=", "0.95"]
    assert rows["abstention accuracy"] == ["1.000", "n/a", ">=", "1.0"]
    assert rows["latency p50 (s)"] == ["0.200", "0.100", "<=", "1.5x", "baseline"]
    misses = target_misses(report)
    assert "source recall@5 0.750 < 0.95" in misses
    assert "fact recall 0.667 < 0.9" in misses
    assert "citation hit 0.750 below the baseline's 1.000" in misses
    assert "latency p50 0.200 s is over 1.5x the baseline's 0.100 s" in misses
    assert not any(m.startswith("verdict accuracy") for m in misses)


def test_table_without_a_baseline_has_three_columns(small_set: QuestionSet) -> None:
    responses = [Response("licence_required", "", (), (), 0.1) for _ in small_set.questions]
    report = _report(small_set, responses, None)
    header, *rows = format_table(report).splitlines()
    assert header.split() == ["metric", "system", "target"]
    assert any(r.startswith("abstention accuracy") and "0.800" in r for r in rows)
    assert report.summary().keys() >= README_KEYS and "baseline" not in report.summary()


def test_baseline_files_skip_the_readme(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        baseline_files(tmp_path / "missing")
    (tmp_path / "README.md").write_text("# corpus\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"no \.md files"):
        baseline_files(tmp_path)
    (tmp_path / "a.md").write_text("text\n", encoding="utf-8")
    assert [p.name for p in baseline_files(tmp_path)] == ["a.md"]


# -- the real thing --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_small_set_end_to_end_on_the_real_index(
    built_index: BuiltIndex, small_set: QuestionSet, tmp_path: Path
) -> None:
    base = KnowledgeBase(built_index.settings)
    report = evaluate(small_set, base, output_dir=tmp_path / "reports")
    outcomes = {o.question.id: o for o in report.system.outcomes}
    assert list(outcomes) == [q.id for q in small_set.questions]
    # Scores are those of the answers kb.answer gave, question by question.
    for outcome in report.system.outcomes:
        again = base.answer(
            outcome.question.question,
            as_of=outcome.question.as_of,
            destination=outcome.question.destination,
            lang=outcome.question.lang,
        )
        assert outcome.detail["verdict"] == again.verdict
        accepted = outcome.question.verdicts
        assert outcome.score.verdict == ((again.verdict in accepted) if accepted else None)
        expected = set(outcome.question.sources)
        if expected:
            top5 = {d for d, _ in again.retrieved[:5]}
            assert outcome.score.recall_at(5) == bool(top5 & expected)
        assert outcome.response.latency_s > 0
    assert outcomes["ga-nitride"].response.verdict == "licence_required"
    assert outcomes["weather"].response.verdict == "no_answer"
    assert outcomes["weather"].response.citations == ()
    assert report.baseline is None
    figures = report.system.aggregate.to_dict()
    assert figures.keys() == README_KEYS
    assert figures["questions"] == 5
    for key in README_KEYS - {"questions"}:
        value = figures[key]
        assert value is None or isinstance(value, float), key
        if key.startswith("latency"):
            assert isinstance(value, float) and value > 0
        elif value is not None:
            assert 0.0 <= value <= 1.0, key
    # The reports: every answer in the JSON, the table and the chart in the Markdown, a real PNG.
    assert report.json_path and report.markdown_path and report.chart_path
    assert report.json_path.name.startswith("small-") and report.json_path.parent == tmp_path / "reports"
    data = json.loads(report.json_path.read_text(encoding="utf-8"))
    assert [q["id"] for q in data["questions"]] == list(outcomes)
    first = data["questions"][0]
    assert first["system"]["text"] and first["system"]["citations"] and "scores" in first["system"]
    assert first["system"]["scores"]["verdict"] is True
    assert data["system"]["questions"] == 5 and data["baseline"] is None
    markdown = report.markdown_path.read_text(encoding="utf-8")
    assert "| verdict accuracy |" in markdown and f"]({report.chart_path.name})" in markdown
    assert "| ga-nitride | en | licence_required | licence_required |" in markdown
    assert report.chart_path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("baseline-sources")
    for name in ("mofcom-gac-2023-23.md", "mofcom-2024-46.md", "state-council-2024-792.md", "README.md"):
        shutil.copy(SOURCES / name, folder / name)
    return folder


@pytest.mark.slow
def test_the_baseline_retrieves_and_cites_documents_by_file_stem(small_corpus: Path) -> None:
    pipeline = BaselinePipeline(small_corpus, top_k=4, answer_k=2)
    pipeline.build()
    assert pipeline.built and pipeline.files == 3 and pipeline.chunks >= 3
    hits = pipeline.search("How many working days does MOFCOM have to decide on a licence application?")
    assert len(hits) == 4
    assert hits[0].document_id == "state-council-2024-792"
    assert {h.document_id for h in hits} <= {"mofcom-gac-2023-23", "mofcom-2024-46", "state-council-2024-792"}
    response = pipeline.ask("How many working days does MOFCOM have to decide on a licence application?")
    assert response.retrieved == tuple(h.document_id for h in hits)
    assert response.citations == tuple((h.document_id, h.text) for h in hits[:2])
    assert response.text == "\n\n".join(h.text for h in hits[:2])
    assert response.verdict is None and not response.gives_verdicts and response.latency_s > 0
    assert "45 working days" in response.text
    assert pipeline.ask("anything", k=1).retrieved.__len__() == 1
    assert pipeline.describe()["chunks"] == pipeline.chunks


@pytest.mark.slow
def test_kb_eval_json_with_baseline(
    built_index: BuiltIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_HOME", str(built_index.settings.home))
    monkeypatch.setenv("KB_SOURCES", str(built_index.settings.sources))
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SET, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["eval", str(path), "--baseline", "--json", "--k", "3", "-q", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data.keys() >= README_KEYS | {"baseline", "source_recall_at_3"}
    baseline = data["baseline"]
    assert baseline.keys() >= README_KEYS
    assert baseline["verdict_accuracy"] is None and baseline["abstention_accuracy"] is None
    assert data["verdict_accuracy"] is not None and data["questions"] == baseline["questions"] == 5
    for figures in (data, baseline):
        for key in ("source_recall_at_5", "source_recall_at_10", "citation_hit", "fact_recall"):
            assert 0.0 <= figures[key] <= 1.0
        assert 0 < figures["latency_p50_s"] <= figures["latency_p95_s"]
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert written == [".json", ".md", ".png"]
    report = json.loads(Path(data["report"]).read_text(encoding="utf-8"))
    assert report["baseline"]["chunks"] > 0
    assert all(q["baseline"]["citations"] for q in report["questions"])


@pytest.mark.slow
def test_kb_eval_prints_an_aligned_table(
    built_index: BuiltIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_HOME", str(built_index.settings.home))
    monkeypatch.setenv("KB_SOURCES", str(built_index.settings.sources))
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SET, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "-q", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"small: 5 questions from {path}"
    assert lines[1].split() == ["metric", "system", "target"]
    columns = {
        line.index(line.split()[-1]) for line in lines[2:5] if "accuracy" in line or "recall@5" in line
    }
    assert len(columns) == 1, "the target column is aligned"
    assert sum(line.startswith("wrote ") for line in lines) == 3


def test_kb_eval_names_a_bad_question_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL_SET.replace("destination: US", "destination: Atlantis"), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path)])
    assert result.exit_code == 1
    assert "question 'ga-us-2025' (#2): field destination" in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_kb_eval_rejects_an_unknown_expected_source(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL_SET.replace("[mofcom-gac-2025-10]", "[mofcom-gac-2025-11]"), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "-q"])
    assert result.exit_code == 1
    assert (
        "question 'apt-zh' (#3): field expect.sources: 'mofcom-gac-2025-11' is not a document"
        in result.output
    )


def test_question_records_keep_their_expectations(small_set: QuestionSet) -> None:
    question = small_set.questions[1]
    assert isinstance(question, Question)
    assert question.to_dict() == {
        "id": "ga-us-2025",
        "question": "Can metallic gallium be exported to the United States?",
        "lang": "en",
        "as_of": "2025-03-01",
        "destination": "US",
        "category": None,
        "expect": {"verdict": ["prohibited"], "sources": ["mofcom-2024-46"], "facts": []},
    }


def test_summary_breaks_figures_down_by_language_and_measures_latin_in_chinese(
    small_set: QuestionSet,
) -> None:
    responses = [
        Response("licence_required", "1 August 2023", (("mofcom-gac-2023-23", "t"),), (), 0.1)
        if q.lang != "zh"
        else Response("licence_required", "截至日期：需要许可证。氮化镓 (GaN) 2850001901", (), (), 0.1)
        for q in small_set.questions
    ]
    summary = _report(small_set, responses, None).summary()
    assert summary.keys() >= README_KEYS | {"by_category", "by_language", "latin_share_zh"}
    by_language = summary["by_language"]
    assert isinstance(by_language, dict) and set(by_language) <= {"en", "zh"}
    assert sum(g["questions"] for g in by_language.values()) == len(small_set.questions)
    if "zh" in by_language:
        # "GaN" is the only Latin prose: codes and numbers do not count.
        assert summary["latin_share_zh"] == round(3 / (3 + 12), 4)


def test_latin_share_leaves_out_codes_addresses_and_sources() -> None:
    assert (
        latin_share("需要许可证。3C001.b 2850001901 https://www.mofcom.gov.cn/x\n\n来源：\n[1] MOFCOM") == 0.0
    )
    assert abs(latin_share("需要 licence") - 7 / 9) < 1e-9
