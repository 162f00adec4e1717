"""Briefing packs: the right items, dates and rules as of a date, every fact cited, three formats."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.answering.knowledge import KnowledgeBase
from kb.app.view import pseudo_sections
from kb.briefing.pack import BriefingPack, build_briefing, resolve_families
from kb.briefing.render import FORMATS, format_for, render, render_docx, render_html, render_markdown
from kb.cli import main
from kb.corpus.schema import FAMILIES
from kb.errors import QueryError

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.fixture(scope="module")
def gallium(base: KnowledgeBase) -> BriefingPack:
    return build_briefing(base, ["gallium"], D("2026-11-22"))


def test_items_with_codes_and_verdicts(gallium: BriefingPack) -> None:
    rows = {row.name: row for row in gallium.items}
    nitride = rows["Gallium nitride"]
    assert "2850001901" in nitride.hs_codes and nitride.control_code == "3C001.b"
    assert (nitride.verdict, nitride.note) == ("licence_required", "since 2023-08-01")
    assert nitride.document == "MOFCOM & GAC Announcement No. 23 of 2023" and nitride.ref == "Art. 1(1)2"
    assert {row.family for row in gallium.items} == {"gallium"}


def test_every_fact_is_cited_and_every_citation_resolves(base: KnowledgeBase, gallium: BriefingPack) -> None:
    numbers = [c.n for c in gallium.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    facts = gallium.facts()
    assert facts and all(fact.cites for fact in facts), [f.text for f in facts if not f.cites]
    used = {n for fact in facts for n in fact.cites} | {row.cite for row in gallium.items}
    assert used == set(numbers), "a citation is listed that no fact uses, or a fact cites a missing source"
    for citation in gallium.citations:
        doc = base.corpus.documents[citation.document_id]
        places = {loc for loc, _ in pseudo_sections(doc)} | {item.ref for item in doc.meta.items}
        assert citation.locator in places, f"{citation.document_id} has no part {citation.locator!r}"
        assert citation.text.strip()


def test_status_history_and_state_on_the_date(gallium: BriefingPack) -> None:
    history = " ".join(f.text for f in gallium.history)
    assert "1 August 2023 (2023-08-01)" in history
    assert "On 22 November 2026 (2026-11-22) MOFCOM & GAC Announcement No. 23 of 2023 is in force." in history


def test_destination_rules_follow_the_date(base: KnowledgeBase, gallium: BriefingPack) -> None:
    now = " ".join(f.text for f in gallium.destinations)
    assert "Art. 1: No dual-use item may be exported to US military end users" in now
    assert "suspended by MOFCOM Announcement No. 72 of 2025 until 27 November 2026" in now
    earlier = " ".join(f.text for f in build_briefing(base, ["gallium"], D("2025-03-01")).destinations)
    assert "this rule applies: prohibited" in earlier and "suspended by" not in earlier


def test_before_the_control_items_are_not_yet_listed(base: KnowledgeBase) -> None:
    pack = build_briefing(base, ["germanium"], D("2023-07-15"))
    assert pack.items and {row.verdict for row in pack.items} == {"not_listed"}
    assert {row.note.split(";")[0] for row in pack.items} == {"controlled from 2023-08-01"}
    assert any("is not yet in force" in f.text for f in pack.history)


def test_procedure_penalties_and_faq_quote_the_corpus(gallium: BriefingPack) -> None:
    assert any("provincial" in f.text and "end-user" in f.text for f in gallium.procedure)
    assert any(re.search(r"punish|penalt|fine|criminal", f.text) for f in gallium.penalties)
    questions = [qa.question for qa in gallium.faq]
    assert any(q.startswith("Does exporting") for q in questions)
    assert any("United States" in q for q in questions)
    us = next(qa for qa in gallium.faq if "United States" in qa.question)
    assert us.answer.text.startswith("Verdict for the United States: licence required.")


def test_several_families_in_one_pack(base: KnowledgeBase) -> None:
    pack = build_briefing(base, ["gallium, germanium"], D("2026-11-22"))
    assert pack.families == ("gallium", "germanium")
    assert {row.family for row in pack.items} == {"gallium", "germanium"}
    assert "gallium, germanium" in pack.title


def test_unknown_and_absent_families_are_clear_errors(base: KnowledgeBase) -> None:
    with pytest.raises(QueryError, match="'copper' is not a mineral family; choose from: gallium"):
        resolve_families(["copper"], base)
    with pytest.raises(QueryError, match="name at least one family"):
        resolve_families([" , "], base)
    absent = [f for f in FAMILIES if not any(f in doc.families for doc in base.corpus)]
    if absent:
        with pytest.raises(QueryError, match="holds no document on"):
            resolve_families([absent[0]], base)


def test_markdown_shows_every_section_and_fact(gallium: BriefingPack) -> None:
    text = render_markdown(gallium)
    headings = ["What is controlled", "Items, codes and verdicts on 2026-11-22", "Dates and status history"]
    headings += ["Destination and end-user rules", "Licence procedure", "Penalties", "FAQ", "Sources"]
    for heading in headings:
        assert f"## {heading}" in text
    assert "| gallium | Gallium nitride | 氮化镓 |" in text and "2850001901" in text
    assert "MOFCOM governs" in text
    for fact in gallium.facts():
        assert fact.text.replace("|", "\\|") in text
    for citation in gallium.citations:
        assert re.search(rf"^{citation.n}\. .*{re.escape(citation.locator)}", text, re.MULTILINE)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()
        self.ids: set[str] = set()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.links.add(str(values["href"])[1:])
        if values.get("id"):
            self.ids.add(str(values["id"]))


def test_html_is_self_contained_and_its_citations_link(gallium: BriefingPack) -> None:
    page = render_html(gallium)
    parser = _Anchors()
    parser.feed(page)
    assert parser.links and parser.links <= parser.ids
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "Gallium nitride" in page and "氮化镓" in page and "MOFCOM &amp; GAC" in page


def test_docx_opens_with_the_items_table(gallium: BriefingPack) -> None:
    import docx

    document = docx.Document(io.BytesIO(render_docx(gallium)))
    table = document.tables[0]
    assert len(table.rows) == len(gallium.items) + 1
    assert table.rows[0].cells[1].text == "Item"
    assert any(cell.text == "Gallium nitride" for row in table.rows for cell in row.cells)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Dates and status history" in text and "[1] " in text
    assert document.core_properties.title == gallium.title


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [("pack.md", None, "md"), ("pack.HTML", None, "html"), ("pack.docx", None, "docx"), ("pack", None, "md"),
     ("pack.md", "docx", "docx")],
)  # fmt: skip
def test_format_from_suffix_or_option(name: str, fmt: str | None, expected: str) -> None:
    assert format_for(name, fmt) == expected


def test_unknown_format_is_refused(gallium: BriefingPack) -> None:
    with pytest.raises(QueryError, match="format 'pdf' is not one of md, html, docx"):
        render(gallium, "pdf")
    assert set(FORMATS) == {"md", "html", "docx"}


def test_cli_brief_writes_each_format(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("gallium.md", "gallium.html", "gallium.docx"):
        out = tmp_path / name
        result = runner.invoke(main, ["brief", "gallium", "--as-of", "2026-11-22", "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"wrote {out} (")
        assert out.stat().st_size > 2000
        assert not list(tmp_path.glob(".*.partial"))
    assert (tmp_path / "gallium.docx").read_bytes()[:2] == b"PK"


def test_cli_brief_to_stdout_and_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["brief", "gallium", "germanium", "--as-of", "2025-03-01", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Export-control briefing: gallium, germanium (as of 2025-03-01)")
    bad = runner.invoke(main, ["brief", "copper", "-o", "-"])
    assert bad.exit_code == 1 and "not a mineral family" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(main, ["brief", "gallium"])
    assert missing.exit_code == 2 and "-o" in missing.output


# -- party lists -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_parties(base: KnowledgeBase) -> BriefingPack:
    return build_briefing(base, ["samarium"], D("2026-11-22"), parties=True)


def test_party_lists_only_where_asked(gallium: BriefingPack, with_parties: BriefingPack) -> None:
    assert gallium.parties is None and gallium.party_rows == ()
    assert "## Party lists" not in render_markdown(gallium)
    assert with_parties.parties is not None and len(with_parties.party_rows) == len(
        base_parties(with_parties)
    )


def base_parties(pack: BriefingPack) -> list[str]:
    return [row.name for row in pack.party_rows]


def test_every_listed_party_has_its_status_on_the_date_and_a_cited_announcement(
    base: KnowledgeBase, with_parties: BriefingPack
) -> None:
    registry = base.parties
    assert len(with_parties.party_rows) == len(registry.parties)  # every listing began by 2026-11-22
    (mp,) = [row for row in with_parties.party_rows if row.name == "MP Materials Corp."]
    assert (mp.list, mp.name_zh, mp.country) == ("control_list", "芒廷帕斯材料公司", "US")
    assert mp.announcement == "MOFCOM Announcement No. 23 of 2026" and mp.status == "listed since 2026-06-22"
    cited = with_parties.citations[mp.cite - 1]
    assert (cited.document_id, cited.locator) == ("mofcom-2026-23", "Parties")
    (high_point,) = [row for row in with_parties.party_rows if row.name == "High Point Aerotechnologies"]
    assert high_point.state == "unknown" and "the suspension ran until 2026-11-10" in high_point.status
    facts = " ".join(f.text for f in with_parties.parties.facts) if with_parties.parties else ""
    assert (
        "MOFCOM Announcement No. 23 of 2026 put 10 parties on MOFCOM's export-control control list" in facts
    )
    assert "Exception: Where an export to a listed entity is genuinely necessary" in facts
    numbers = {c.n for c in with_parties.citations}
    assert all(set(f.cites) <= numbers for f in with_parties.facts())


def test_party_statuses_follow_the_pack_date(base: KnowledgeBase) -> None:
    during = build_briefing(base, ["samarium"], D("2025-06-01"), parties=True)
    (high_point,) = [row for row in during.party_rows if row.name == "High Point Aerotechnologies"]
    assert high_point.state == "suspended" and high_point.status.startswith("measures suspended until")
    assert not [row for row in during.party_rows if row.name == "MP Materials Corp."]  # listed in 2026
    assert during.parties is not None and during.parties.later > 0
    before = build_briefing(base, ["gallium"], D("2022-01-01"), parties=True)
    assert before.party_rows == () and before.parties is not None and before.parties.later == 26
    text = render_markdown(before)
    assert "No announcement held lists parties on this date. 26 announcement(s) held list parties" in text


def test_cli_brief_with_the_party_lists(tmp_path: Path) -> None:
    out = tmp_path / "pack.docx"
    args = ["brief", "samarium", "--parties", "--as-of", "2026-11-22", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "275 listed parties" in result.output and out.read_bytes()[:2] == b"PK"
    text = CliRunner().invoke(main, ["brief", "samarium", "--parties", "--as-of", "2026-11-22", "-o", "-"])
    assert (
        "## Party lists on 2026-11-22" in text.output
        and "| MOFCOM control list | MP Materials Corp." in text.output
    )
