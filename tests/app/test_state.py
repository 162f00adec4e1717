"""The app's callbacks as plain functions (no server): chat, sources, feedback, lookup, briefing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Answer
from kb.app.feedback import FeedbackLog
from kb.app.state import ALL_FAMILIES, EXAMPLES, LOOKUP_HEADERS, ChatUpdate, WebApp, destination_choices
from kb.app.view import answer_markdown, badge_html, citations_html, supporting_html
from kb.config import Settings
from kb.verdicts.timeline import STRICTNESS
from tests.conftest import BuiltIndex, WordOverlapSearcher

TODAY = dt.date.today().isoformat()


@pytest.fixture(scope="module")
def shared_base() -> KnowledgeBase:
    """Corpus, catalogue and a stand-in searcher, loaded once for the module (they are read-only)."""
    return KnowledgeBase(Settings(), searcher=WordOverlapSearcher())


@pytest.fixture
def web(shared_base: KnowledgeBase) -> WebApp:
    return WebApp(Settings.from_env(), shared_base)  # KB_HOME, where feedback goes, is the test's own


def _turn(web: WebApp, question: str, history: Any = None, answers: Any = None, as_of: str = TODAY,
          destination: str = "") -> list[ChatUpdate]:  # fmt: skip
    return list(web.chat(question, history or [], answers or [], as_of, destination))


# -- chat ------------------------------------------------------------------------------------------


def test_chat_streams_then_shows_badge_and_sources(web: WebApp) -> None:
    updates = _turn(web, "Do I need a licence to export gallium nitride?")
    first, last = updates[0], updates[-1]
    assert first.history[-1] == {"role": "assistant", "content": "Looking it up…"}
    assert len(updates) > 5, "the answer should arrive in several pieces"
    final_text = last.history[-1]["content"]
    streamed = [u.history[-1]["content"] for u in updates[1:-1]]
    assert all(final_text.startswith(piece) for piece in streamed)
    assert [len(piece) for piece in streamed] == sorted(len(piece) for piece in streamed)
    assert last.answer is not None and last.answer.verdict == "licence_required"
    assert 'data-verdict="licence_required"' in last.badge and "LICENCE REQUIRED" in last.badge
    assert 'data-verdict="licence_required"' in final_text  # each answer carries its own badge
    assert "Exporting gallium nitride (氮化镓) needs a dual-use export licence" in final_text
    assert '<div class="kb-cite" data-doc="mofcom-gac-2023-23"' in last.citations
    assert "Open document at" in last.citations


def test_history_and_answers_run_parallel_across_turns(web: WebApp) -> None:
    one = _turn(web, "Is germanium dioxide subject to export control?")[-1]
    two = _turn(web, "出口氧化镓需要申请许可证吗？", one.history, one.answers)[-1]
    assert [m["role"] for m in two.history] == ["user", "assistant", "user", "assistant"]
    assert [a is not None for a in two.answers] == [False, True, False, True]
    assert two.history[0]["content"] == "Is germanium dioxide subject to export control?"
    second = two.answers[3]
    assert second is not None and second.lang == "zh" and "截至" in two.history[3]["content"]


def test_date_control_left_at_today_lets_the_question_date_win(web: WebApp) -> None:
    answer = _turn(web, "Did exporting germanium dioxide need a dual-use licence in June 2023?")[-1].answer
    assert answer is not None and answer.as_of == dt.date(2023, 6, 15) and answer.verdict == "not_listed"


def test_date_and_destination_controls_decide_when_set(web: WebApp) -> None:
    answer = _turn(web, "Can metallic gallium be exported?", as_of="2025-03-01", destination="US")[-1].answer
    assert answer is not None
    assert (answer.as_of, answer.destination, answer.verdict) == (dt.date(2025, 3, 1), "US", "prohibited")
    with_time = _turn(web, "Can metallic gallium be exported?", as_of="2025-03-01 00:00:00")[-1].answer
    assert with_time is not None and with_time.as_of == dt.date(2025, 3, 1)


def test_a_bad_control_value_is_a_message_not_a_crash(web: WebApp) -> None:
    last = _turn(web, "Is gallium nitride controlled?", as_of="22/11/2026")[-1]
    assert last.history[-1]["content"].startswith("⚠ date '22/11/2026' is not an ISO date")
    assert last.answer is None and last.answers == [None, None]


def test_an_empty_question_changes_nothing(web: WebApp) -> None:
    (only,) = _turn(web, "   ")
    assert only.history == [] and only.badge == ""


def test_open_source_highlights_the_cited_part(web: WebApp) -> None:
    item = web.open_source("mofcom-gac-2023-23", "Art. 1(1)2", "2026-11-22")
    assert re.search(r'<tr class="kb-hit" id="kb-hit"><td>Art\. 1\(1\)2</td><td>Gallium nitride</td>', item)
    assert item.count('id="kb-hit"') == 1
    section = web.open_source("mofcom-gac-2023-23", "Art. 2", "2026-11-22")
    assert re.search(r'<section class="kb-hit" id="kb-hit"><h4>Art\. 2</h4>', section)
    assert "MOFCOM &amp; GAC Announcement No. 23 of 2023" in section  # corpus text is escaped
    assert "status on 2026-11-22: in force" in section
    piece = web.open_source("mofcom-gac-2023-23", "Art. 2 (2/3)", "2026-11-22")
    assert '<section class="kb-hit" id="kb-hit"><h4>Art. 2</h4>' in piece
    assert "not a separate section" in web.open_source("mofcom-gac-2023-23", "Art. 99", "")
    assert "is not in the corpus" in web.open_source("no-such-doc", "Art. 1", "")


# -- feedback --------------------------------------------------------------------------------------


def test_thumbs_append_to_the_audit_log(web: WebApp, isolated_home: Path) -> None:
    last = _turn(web, "Do I need a licence to export gallium nitride?")[-1]
    message = web.record_feedback(last.answer, "down", "the date is wrong", user="alice")
    assert message.startswith("Thanks: “not helpful” recorded")
    (record,) = list(FeedbackLog(isolated_home / "feedback.jsonl").records())
    assert record["question"] == "Do I need a licence to export gallium nitride?"
    assert record["answer"] == last.answer.text if last.answer else False
    assert record["comment"] == "the date is wrong" and record["user"] == "alice"
    assert record["citations"] and record["as_of"] == TODAY
    assert record["corpus_version"] == web.versions()[0] and record["index_version"] == "none"


def test_thumbs_on_a_chat_message_rate_that_message(web: WebApp, isolated_home: Path) -> None:
    one = _turn(web, "Is germanium dioxide subject to export control?")[-1]
    two = _turn(web, "Is gallium nitride controlled?", one.history, one.answers)[-1]
    web.feedback_for_message(two.answers, 1, True, "")
    web.feedback_for_message(two.answers, [3, 0], "Dislike", "not that one")
    restarted = WebApp(web.settings, web.base)  # the log is read back from disk by a new app
    records = list(restarted.feedback.records())
    assert [(r["question"], r["rating"]) for r in records] == [
        ("Is germanium dioxide subject to export control?", "up"),
        ("Is gallium nitride controlled?", "down"),
    ]
    assert web.feedback_for_message(two.answers, 0, True, "").startswith("Ask a question first")


def test_rating_before_any_answer_says_so(web: WebApp) -> None:
    assert web.record_feedback(None, "up", "").startswith("Ask a question first")


# -- lookup ----------------------------------------------------------------------------------------


def test_lookup_lists_every_item_and_filters_by_family(web: WebApp) -> None:
    everything = web.lookup("", ALL_FAMILIES, "2026-11-22", "")
    assert len(everything.rows) == len(web.base.catalogue)
    assert all(len(row) == len(LOOKUP_HEADERS) for row in everything.rows)
    germanium = web.lookup("", "germanium", "2026-11-22", "")
    assert germanium.rows and {row[0] for row in germanium.rows} == {"germanium"}
    assert germanium.note.startswith(f"{len(germanium.rows)} entries; verdicts as of 2026-11-22")


def test_lookup_by_hs_code_with_date_and_destination(web: WebApp) -> None:
    table = web.lookup("2850001901", ALL_FAMILIES, "2026-11-22", "")
    (row,) = table.rows
    cells = dict(zip(LOOKUP_HEADERS, row, strict=True))
    assert (cells["Item"], cells["名称"], cells["Control code"]) == ("Gallium nitride", "氮化镓", "3C001.b")
    assert cells["Verdict"] == "licence required" and "2850001901" in cells["HS codes"]
    before = web.lookup("2850001901", ALL_FAMILIES, "2023-07-01", "")
    assert before.rows[0][3] == "not listed" and before.rows[0][4] == "controlled from 2023-08-01"
    us = web.lookup("metallic gallium", "gallium", "2025-03-01", "US")
    assert us.rows[0][3] == "prohibited" and us.note.endswith("to US.")


def test_lookup_problems_are_messages(web: WebApp) -> None:
    assert web.lookup("12345", ALL_FAMILIES, "", "").note.startswith("⚠ '12345' has 5 digits")
    assert web.lookup("GaN", ALL_FAMILIES, "", "XX").note.startswith("⚠ destination 'XX' is not an ISO")
    nothing = web.lookup("copper cathode", ALL_FAMILIES, "", "")
    assert nothing.rows == [] and "does not mean no licence is needed" in nothing.note


def test_lookup_csv_opens_in_a_spreadsheet(web: WebApp, tmp_path: Path) -> None:
    table = web.lookup("", "gallium", "2026-11-22", "")
    path = web.lookup_csv(table, tmp_path / "exports", "2026-11-22")
    assert path.name == "controlled-items-2026-11-22.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs need to read Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == LOOKUP_HEADERS and rows[1:] == table.rows


# -- briefing --------------------------------------------------------------------------------------


def test_briefing_callback_writes_three_formats(web: WebApp, tmp_path: Path) -> None:
    files = web.briefing(["gallium"], "2026-11-22", tmp_path)
    assert files.markdown.startswith("# Export-control briefing: gallium (as of 2026-11-22)")
    assert sorted(files.paths) == ["docx", "html", "md"]
    assert files.paths["md"].read_text(encoding="utf-8") == files.markdown
    assert files.paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert files.paths["docx"].read_bytes()[:2] == b"PK"
    assert files.paths["docx"].name == "briefing-gallium-2026-11-22.docx"


def test_briefing_problems_are_messages(web: WebApp, tmp_path: Path) -> None:
    assert web.briefing([], "2026-11-22", tmp_path).markdown.startswith("⚠ name at least one family")
    bad = web.briefing("copper", "", tmp_path)
    assert bad.markdown.startswith("⚠ 'copper' is not a mineral family") and bad.paths == {}


# -- page furniture --------------------------------------------------------------------------------


def test_coverage_note_and_examples(web: WebApp) -> None:
    note = web.coverage_note()
    assert f"{len(web.base.corpus)} official documents" in note and "MOFCOM's official text governs" in note
    assert any(re.search(r"[\u4e00-\u9fff]", q) for q in EXAMPLES)
    assert any(q.isascii() for q in EXAMPLES)
    choices = dict(destination_choices())
    assert choices["Any destination"] == "" and choices["United States (US)"] == "US"
    assert choices["Japan (JP)"] == "JP"


@pytest.mark.parametrize("verdict", [*STRICTNESS, None])
def test_every_verdict_has_a_badge(verdict: str | None) -> None:
    badge = badge_html(verdict, "2026-11-22", "US")
    assert f'data-verdict="{verdict or "information"}"' in badge
    assert "as of 2026-11-22 · destination US" in badge
    assert "kb-verdict-line" not in badge_html(verdict)


def test_sources_panel_and_chat_text(web: WebApp) -> None:
    answer = web.base.answer("Do I need a licence to export gallium nitride wafers?", as_of="2026-11-22")
    panel = citations_html(answer)
    assert panel.count('class="kb-cite"') == len(answer.citations)
    first = answer.citations[0]
    assert f"[{first.n}]" in panel and first.title_zh and first.title_zh in panel
    assert "status on 2026-11-22: <b>in force</b>" in panel
    chat = answer_markdown(answer)
    assert "\n**Sources:**\n[1] MOFCOM & GAC Announcement No. 23 of 2023, Art. 1(1)2" in chat
    assert "“" not in chat.split("**Sources:**")[1]  # quotes live in the panel, not in the transcript
    empty = Answer("q", "no_answer", "As of 2026-11-22: no answer.", (), dt.date(2026, 11, 22), "en")
    assert "holds nothing" in citations_html(empty)


def test_an_items_table_is_shown_as_its_matching_rows() -> None:
    table = "\n".join(
        ["| name | 中文名 | HS codes |", "|---|---|---|"]
        + [f"| Gallium thing {i} | 镓{i} | 28500019{i:02d} |" for i in range(8)]
        + ["| Gallium nitride | 氮化镓 | 2850001901 |"]
    )
    shown = supporting_html(table, "Do I need a licence to export gallium nitride?")
    assert shown.index("Gallium nitride") < shown.index("Gallium thing 0")
    assert shown.count("<tr>") == 5 and "… 5 more rows in the document" in shown
    assert "&lt;b&gt;" in supporting_html("A <b>bold</b> claim.", "claim")


# -- with the real index ---------------------------------------------------------------------------


@pytest.mark.slow
def test_real_index_answers_the_gallium_nitride_question(built_index: BuiltIndex) -> None:
    web = WebApp(built_index.settings)
    assert web.ensure_index().startswith("search index ready in ")
    last = _turn(web, "Do I need a licence to export gallium nitride?", as_of="2026-11-22")[-1]
    answer = last.answer
    assert answer is not None and answer.verdict == "licence_required"
    assert answer.retrieved, "the real retriever returned nothing"
    assert answer.citations[0].document_id == "mofcom-gac-2023-23"
    assert 'class="kb-link"' in last.citations  # the official (or reference) page of the document
    assert web.versions()[1] != "none"


@pytest.mark.slow
def test_first_start_builds_a_missing_index(built_index: BuiltIndex, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "fresh-home", sources=built_index.settings.sources)
    web = WebApp(settings)
    message = web.ensure_index(progress=False, embedder=built_index.embedder)
    assert message.startswith(f"built the search index in {settings.home}: ")
    assert settings.manifest_path.exists()
    assert web.ensure_index(progress=False, embedder=built_index.embedder).startswith("search index ready")
    last = _turn(web, "Is germanium dioxide subject to export control?", as_of="2026-11-22")[-1]
    assert last.answer is not None and last.answer.verdict == "licence_required" and last.answer.retrieved


# -- kb serve --------------------------------------------------------------------------------------


def test_serve_passes_host_port_queue_and_login_to_gradio(monkeypatch: pytest.MonkeyPatch) -> None:
    import gradio as gr
    from click.testing import CliRunner

    from kb.cli import main

    launched: dict[str, Any] = {}

    def fake_launch(self: gr.Blocks, **kwargs: Any) -> None:
        launched.update(kwargs, queue_size=self._queue.max_size, blocks=self)

    monkeypatch.setattr(gr.Blocks, "launch", fake_launch)
    monkeypatch.setenv("KB_AUTH", "alice:s3cret,bob:pa55")
    monkeypatch.setenv("KB_PORT", "7999")
    result = CliRunner().invoke(main, ["serve", "--no-build", "--host", "0.0.0.0", "--queue-size", "5"])
    assert result.exit_code == 0, result.output
    assert (launched["server_name"], launched["server_port"], launched["queue_size"]) == ("0.0.0.0", 7999, 5)
    assert launched["auth"] == [("alice", "s3cret"), ("bob", "pa55")]
    assert launched["share"] is False
    tabs = [block.label for block in launched["blocks"].blocks.values() if isinstance(block, gr.Tab)]
    assert tabs == ["Ask", "Lookup", "Briefing"]


def test_serve_rejects_a_bad_port(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kb.cli import main

    monkeypatch.setenv("KB_PORT", "seventy")
    result = CliRunner().invoke(main, ["serve", "--no-build"])
    assert result.exit_code == 2
    assert "Invalid value for '--port' (env var: 'KB_PORT'): 'seventy'" in result.output


def test_a_secondary_copy_is_not_called_official(web: WebApp) -> None:
    from dataclasses import replace

    docs = list(web.base.corpus)
    official = next((d for d in docs if d.meta.urls.official_zh or d.meta.urls.official_en), None)
    copied = next(
        (d for d in docs if d.url and not (d.meta.urls.official_zh or d.meta.urls.official_en)), None
    )
    if official is None or copied is None:
        pytest.skip("the corpus needs one document with an official page and one with only a copy")
    answer = web.base.answer("Can metallic gallium be exported to the United States?", as_of="2026-11-22")
    base = answer.citations[0]
    cards = (
        replace(base, n=1, document_id=official.id, url=official.url),
        replace(base, n=2, document_id=copied.id, url=copied.url),
    )
    panel = citations_html(replace(answer, citations=cards), web.base.corpus)
    first, second = panel.split('<div class="kb-cite" ')[1:]
    assert "official page ↗" in first
    assert "reference copy ↗ (not MOFCOM&#x27;s page)" in second and "official page" not in second
