"""What users read never shows the knowledge base's internals: no document id, no raw status or
verdict name, no research note. Scanned over every answer to the project's question sets (and the
shared development set when it is beside the checkout), every lookup row and every briefing pack."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.answering.knowledge import KnowledgeBase
from kb.app.lookup import lookup_table
from kb.briefing.pack import build_briefing
from kb.briefing.render import render_markdown
from kb.cli import main
from kb.config import Settings
from kb.evaluation.questions import Question, load_question_set
from tests.conftest import ROOT, WordOverlapSearcher

#: Document ids as the corpus spells them (``mofcom-gac-2023-23``, ``state-council-2024-792``).
DOCUMENT_ID = re.compile(
    r"(?<![a-z0-9-])(?:mofcom|gac|most|miit|moj|sca|state-council|npc|uel|gov)(?:-[a-z]+)*-(?:19|20)\d\d"
    r"-[0-9a-z-]*[0-9a-z](?![a-z0-9-])"
)
#: Verdict, status and list names as the code spells them.
RAW_NAME = re.compile(
    r"\b(?:licence_required|not_listed|no_answer|in_force|not_yet_in_force|partly_in_force|"
    r"partly_suspended|suspension_extended|suspension_end_scheduled|expiry_scheduled|measures_stopped|"
    r"control_list|watch_list|unreliable_entity_list|unlisted_form|below_threshold|rule_lapsed)\b"
)
#: How research notes speak; users are told "unconfirmed" in plain words instead.
RESEARCH_NOTE = re.compile(
    r"machine-extracted|machine-read|research note|was not read|were not read|consulted for this record|"
    r"confidence: low|this record|二手资料|转载文本",
    re.IGNORECASE,
)
URL = re.compile(r"https?://\S+")

SETS = ["project.yaml", "project-zh.yaml", "classify.yaml", "rules.yaml"]


def problems(text: str) -> list[str]:
    """What in ``text`` a user should not see (web addresses are left alone)."""
    plain = URL.sub(" ", text)
    return [m.group(0) for pattern in (DOCUMENT_ID, RAW_NAME, RESEARCH_NOTE) for m in pattern.finditer(plain)]


def test_the_scanner_finds_what_it_looks_for() -> None:
    assert problems("See mofcom-gac-2023-23 and state-council-2024-792.") == [
        "mofcom-gac-2023-23",
        "state-council-2024-792",
    ]
    assert problems("verdict: licence_required; status in_force") == ["licence_required", "in_force"]
    assert problems("codes read in a machine-extracted copy") == ["machine-extracted"]
    assert problems("原公告所列编号见mofcom-gac-2023-23。") == ["mofcom-gac-2023-23"]
    assert problems("Licence required: MOFCOM & GAC Announcement No. 23 of 2023 (in force).") == []
    assert problems("link: https://example.org/mofcom-gac-2023-23.html") == []


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase(Settings(), searcher=WordOverlapSearcher())


def questions() -> Iterator[Question]:
    shared = ROOT.parent / "shared" / "evals" / "dev.yaml"
    paths = [ROOT / "evals" / name for name in SETS] + ([shared] if shared.is_file() else [])
    for path in paths:
        yield from load_question_set(path).questions


def test_no_answer_shows_internal_ids_raw_names_or_research_notes(base: KnowledgeBase) -> None:
    found: dict[str, list[str]] = {}
    asked = 0
    for question in questions():
        answer = base.answer(question.question, as_of=question.as_of, destination=question.destination)
        asked += 1
        shown = [answer.text, *answer.caveats]
        shown += [f"{c.title} {c.title_zh} {c.locator} {c.text}" for c in answer.citations]
        bad = [p for text in shown for p in problems(text)]
        if bad:
            found[question.id] = bad
    assert asked >= 150
    assert not found, found


def test_no_lookup_row_or_cli_lookup_shows_them(base: KnowledgeBase) -> None:
    days = [dt.date(2024, 6, 1), dt.date(2025, 11, 1), dt.date(2026, 12, 1)]
    for day in days:
        table = lookup_table(base, "", None, day, None)
        assert table.rows
        for row in table.rows:
            assert not problems(" | ".join(row)), row
        assert not problems(table.note)
    runner = CliRunner()
    queries = ["gallium nitride", "2850001901", "3C001", "氧化镓", "graphite", "samarium", "copper foil"]
    for query in queries:
        result = runner.invoke(main, ["lookup", query, "--as-of", "2026-12-01"])
        assert result.exit_code == 0, result.output
        assert not problems(result.output), (query, problems(result.output))


def test_no_briefing_pack_shows_them(base: KnowledgeBase) -> None:
    families = sorted({item.family for item in base.catalogue.items})
    for day in [dt.date(2025, 3, 1), dt.date(2026, 12, 1)]:
        pack = build_briefing(base, families, day)
        text = render_markdown(pack)
        assert not problems(text), problems(text)[:10]


def test_status_shows_none_of_them(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert not problems(result.output), problems(result.output)
