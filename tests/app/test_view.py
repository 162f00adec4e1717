"""HTML fragments: the sources panel (cards to link to, the user's own labelled), the source viewer
(title at its top, closable), search hits; document text escaped, only http(s) links."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Answer
from kb.app.view import (
    badge_html,
    citations_html,
    document_html,
    safe_url,
    supporting_html,
    verdict_style,
    viewer_message,
)
from kb.config import Settings
from kb.verdicts.timeline import STRICTNESS
from tests.app.test_transcript import HOSTILE
from tests.conftest import WordOverlapSearcher


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase(Settings(), searcher=WordOverlapSearcher())


@pytest.fixture(scope="module")
def answer(base: KnowledgeBase) -> Answer:
    return base.answer("Do I need a licence to export gallium nitride wafers?", as_of="2026-11-22")


@pytest.mark.parametrize("verdict", [*STRICTNESS, None])
def test_every_verdict_has_a_badge_and_a_cell_colour(verdict: str | None) -> None:
    badge = badge_html(verdict, "2026-11-22", "US")
    assert f'data-verdict="{verdict or "information"}"' in badge
    assert "as of 2026-11-22 · destination US" in badge
    assert "kb-verdict-line" not in badge_html(verdict)
    assert verdict_style(verdict).startswith("color:#")


def test_cards_can_be_linked_to_and_highlighted(answer: Answer, base: KnowledgeBase) -> None:
    panel = citations_html(answer, base.corpus, turn=2, active=2)
    assert panel.count('id="kb-cite-') == len(answer.citations)
    assert '<div class="kb-cites" data-turn="2" data-active="2">' in panel
    assert 'id="kb-cite-1" data-n="1" data-doc="mofcom-gac-2023-23"' in panel
    assert (
        panel.count("kb-cite-active") == 1 and '<div class="kb-cite kb-cite-active" id="kb-cite-2"' in panel
    )
    assert "Sources of answer 3: Do I need a licence" in panel
    assert "status on 2026-11-22: <b>in force</b>" in panel and answer.citations[0].title_zh in panel
    empty = Answer("q", "no_answer", "As of 2026-11-22: no answer.", (), dt.date(2026, 11, 22), "en")
    assert "holds nothing" in citations_html(empty)


def test_a_users_own_document_is_labelled_and_escaped(answer: Answer, base: KnowledgeBase) -> None:
    first = answer.citations[0]
    own = dataclasses.replace(
        first, document_id="warehouse-notes", title=HOSTILE, text=HOSTILE, url="javascript:x()"
    )
    panel = citations_html(dataclasses.replace(answer, citations=(own,)), base.corpus)
    assert "your own document · evidence only, never changes a verdict" in panel and "kb-cite-own" in panel
    assert "<form" not in panel and "<img" not in panel and 'href="javascript' not in panel
    assert "javascript:x() (not a web address)" in panel


def test_only_web_addresses_are_links() -> None:
    assert safe_url(" https://www.mofcom.gov.cn/a ") == "https://www.mofcom.gov.cn/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/relative", "http://", "ftp://x.org/f", None, ""):
        assert safe_url(bad) is None, bad


def test_the_viewer_shows_the_title_first_and_can_be_closed(base: KnowledgeBase) -> None:
    doc = base.corpus.documents["mofcom-gac-2023-23"]
    shown = document_html(doc, "Art. 2", base.timeline, dt.date(2026, 11, 22))
    assert shown.startswith('<div class="kb-viewer-frame"><div class="kb-viewer kb-doc" role="dialog"')
    head, body = shown.split('<div class="kb-viewer-body">')
    assert '<h3 id="kb-viewer-title">MOFCOM &amp; GAC Announcement No. 23 of 2023</h3>' in head
    assert "Cited part: <b>Art. 2</b>" in head and 'class="kb-viewer-close"' in head
    assert '<section class="kb-hit" id="kb-hit"><h4>Art. 2</h4>' in body
    own = document_html(doc, None, None, dt.date(2026, 11, 22), own=True)
    assert "your own document" in own and "status on" not in own.split('<div class="kb-viewer-body">')[0]
    assert 'class="kb-viewer-close"' in viewer_message("gone")


def test_supporting_text_is_escaped() -> None:
    assert "&lt;b&gt;" in supporting_html("A <b>bold</b> claim.", "claim")


def test_a_party_announcements_list_of_parties_is_a_table_in_the_viewer(base: KnowledgeBase) -> None:
    doc = base.corpus.documents["mofcom-2026-23"]
    shown = document_html(doc, "Parties", base.timeline, dt.date(2026, 11, 22))
    part = shown.split('<section class="kb-hit" id="kb-hit"><h4>Parties</h4>')[1].split("</section>")[0]
    assert part.startswith('<div class="kb-body"><table><tr><th>Name</th><th>中文名</th>')
    assert "<td>MP Materials Corp.</td><td>芒廷帕斯材料公司</td><td>US</td>" in part and "---" not in part
    assert "<td>Ball Aerospace &amp; Technologies Corp.</td>" in part  # escaped
