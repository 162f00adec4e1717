"""The benchmark commands measure the real index and print figures beside their targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.evaluation.bench import bench_ask, bench_search
from kb.evaluation.questions import load_question_set
from tests.conftest import ROOT, BuiltIndex

PROJECT_SET = ROOT / "evals" / "project.yaml"


@pytest.mark.slow
def test_search_and_ask_figures(built_index: BuiltIndex) -> None:
    questions = list(load_question_set(PROJECT_SET).questions)[:6]
    search = bench_search(built_index.settings, questions, repeat=1, embedder=built_index.embedder)
    assert search.queries == 6 and 0 < search.p50_ms <= search.p95_ms
    ask = bench_ask(built_index.settings, questions, repeat=1)
    assert ask.questions == 6 and 0 < ask.p50_s <= ask.p95_s <= ask.max_s
    assert any("target <= 0.3 s" in line for line in ask.lines())


@pytest.mark.slow
def test_kb_bench_ask_command(
    built_index: BuiltIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_HOME", str(built_index.settings.home))
    small = tmp_path / "two.yaml"
    small.write_text(
        "set: two\nas_of: 2026-11-22\nquestions:\n"
        "  - id: ga\n    question: Do I need a licence to export gallium nitride?\n"
        "    expect: {verdict: licence_required}\n"
        "  - id: proc\n    question: How long does MOFCOM take to review an application?\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["bench", "ask", "--questions", str(small), "--repeat", "1"])
    assert result.exit_code == 0, result.output
    assert "questions from two.yaml" in result.output
    assert "answer p50" in result.output and "answer p95" in result.output


def test_bench_without_a_question_set_says_how_to_name_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions: 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "search", "--questions", str(bad)])
    assert result.exit_code != 0
    assert "bad.yaml" in result.output


def test_bench_screen_figures(tmp_path: Path) -> None:
    from kb.config import Settings
    from kb.evaluation.bench import bench_screen

    figures = bench_screen(Settings(home=tmp_path / "kb-home", sources=ROOT / "sources"), rows=120)
    assert figures.rows == 120 and sum(figures.counts.values()) == 120
    assert figures.unexpected == 0 and figures.rows_per_s > 0
    lines = figures.lines()
    assert any(line.startswith("throughput") and "rows/s" in line for line in lines)
    assert any("target <= 10 s for 1,000 rows" in line for line in lines)


def test_kb_bench_screen_command_repeats_a_short_file(tmp_path: Path) -> None:
    customers = tmp_path / "three.csv"
    customers.write_text("name\nMP Materials\nAcme Widgets\nRed Hat\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "screen", "--file", str(customers), "--rows", "7"])
    assert result.exit_code == 0, result.output
    assert "rows                  7" in result.output
    assert "3 listed, 2 possible_match, 2 no_match, 0 error" in result.output
    assert "unexpected" not in result.output


@pytest.mark.slow
def test_kb_bench_soak_prints_memory_at_the_start_every_n_and_at_the_end(
    built_index: BuiltIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import copy_home

    monkeypatch.setenv("KB_HOME", str(copy_home(built_index, tmp_path)))
    result = CliRunner().invoke(
        main, ["bench", "soak", "--questions", str(PROJECT_SET), "--requests", "25", "--every", "10"]
    )
    assert result.exit_code == 0, result.output
    checkpoints = [line.split()[2] for line in result.output.splitlines() if line.startswith("RSS after")]
    assert checkpoints == ["0", "10", "20", "25"]
    assert "requests              25 in 3 sessions" in result.output
    assert "answers with errors   0" in result.output and "growth when warm" in result.output
