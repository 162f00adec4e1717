"""Briefing packs as files: one header per document in the sources, no repeated rows, links in the
DOCX (web pages and every [n]), and only http(s) addresses made links."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.briefing.pack import BriefingPack, build_briefing
from kb.briefing.render import ITEM_HEADERS, render_docx, render_html, render_markdown

DAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.fixture(scope="module")
def gallium(base: KnowledgeBase) -> BriefingPack:
    return build_briefing(base, ["gallium"], DAY)


def _cells(pack: BriefingPack) -> list[tuple[str, ...]]:
    text = render_markdown(pack)
    table = text.split(f"## Items, codes and verdicts on {DAY.isoformat()}")[1].split("\n## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| Family")]
    return [tuple(cell.strip() for cell in row.strip("|").split(" | ")) for row in rows]


@pytest.mark.parametrize("families", [["gallium"], ["gallium", "germanium"], ["rare earths"], ["antimony"]])
def test_no_row_of_the_items_table_repeats(base: KnowledgeBase, families: list[str]) -> None:
    pack = build_briefing(base, families, DAY)
    items = [(r.family, r.name, r.name_zh, r.kind, r.control_code, r.hs_codes, r.verdict) for r in pack.items]
    assert len(items) == len(set(items)), [i for i in items if items.count(i) > 1][:3]
    cells = _cells(pack)
    without_source = [row[: ITEM_HEADERS.index("Document")] for row in cells]
    assert len(without_source) == len(set(without_source))


def test_an_item_two_documents_list_is_one_row_naming_both(gallium: BriefingPack) -> None:
    (row,) = [r for r in gallium.items if r.name.startswith("Gallium-related items")]
    assert "No. 91 of 2025" in row.document and "No. 51 of 2024" in row.document
    assert row.ref.count("; ") == 1


def test_sources_have_one_header_per_document(gallium: BriefingPack) -> None:
    text = render_markdown(gallium)
    sources = text.split("\n## Sources\n")[1]
    documents = {c.document_id for c in gallium.citations}
    headers = re.findall(r"^### (.+)$", sources, re.MULTILINE)
    assert len(headers) == len(documents) == len(set(headers))
    title = "Announcement on Implementing Export Control on Gallium and Germanium Related Items"
    assert sources.count(title) == 1, "the announcement's title is repeated for each cited part"
    for citation in gallium.citations:  # each part keeps its own number, under its document
        assert re.search(rf"^{citation.n}\. {re.escape(citation.locator)}$", sources, re.MULTILINE)
    page = render_html(gallium)
    assert page.count('<h3 class="doc">') == len(documents) and page.count(title) == 1


def _docx_xml(pack: BriefingPack) -> tuple[str, str]:
    with zipfile.ZipFile(io.BytesIO(render_docx(pack))) as archive:
        body = archive.read("word/document.xml").decode()
        return body, archive.read("word/_rels/document.xml.rels").decode()


def test_docx_links_official_pages_and_every_citation(gallium: BriefingPack) -> None:
    import docx

    body, relations = _docx_xml(gallium)
    urls = {c.url for c in gallium.citations if c.url}
    assert urls
    for url in urls:
        assert f'Target="{url.replace("&", "&amp;")}"' in relations and 'TargetMode="External"' in relations
    anchors = set(re.findall(r'w:anchor="(src_\d+)"', body))
    bookmarks = set(re.findall(r'w:bookmarkStart w:id="\d+" w:name="(src_\d+)"', body))
    assert anchors and anchors <= bookmarks
    assert bookmarks == {f"src_{c.n}" for c in gallium.citations}
    document = docx.Document(io.BytesIO(render_docx(gallium)))
    assert len(document.tables[0].rows) == len(gallium.items) + 1
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 3"]
    assert len(headings) == len({c.document_id for c in gallium.citations})


def test_only_web_addresses_become_links(gallium: BriefingPack) -> None:
    first = gallium.citations[0]
    bad = dataclasses.replace(first, url="javascript:alert(1)")
    pack = dataclasses.replace(gallium, citations=(bad, *gallium.citations[1:]))
    page = render_html(pack)
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page  # shown, as text
    assert "<javascript:" not in render_markdown(pack)
    _, relations = _docx_xml(pack)
    assert "javascript:" not in relations


@pytest.fixture(scope="module")
def with_parties(base: KnowledgeBase) -> BriefingPack:
    return build_briefing(base, ["samarium"], DAY, parties=True)


def test_the_party_lists_in_markdown(with_parties: BriefingPack) -> None:
    text = render_markdown(with_parties)
    section = text.split(f"## Party lists on {DAY.isoformat()}")[1].split("\n## ")[0]
    assert "| List | Party | 名称 | Country | Announcement | Status on the date | Src |" in section
    row = (
        r"\| MOFCOM control list \| MP Materials Corp\. \| 芒廷帕斯材料公司 \| US \| "
        r"MOFCOM Announcement No\. 23 of 2026 \| listed since 2026-06-22 \| \[\d+\] \|"
    )
    assert re.search(row, section)
    assert "A name missing from these lists is not cleared" in section
    assert text.index("## Party lists") < text.index("## FAQ")
    assert "### MOFCOM Announcement No. 23 of 2026" in text.split("## Sources")[1]


def test_the_party_lists_in_docx_and_html(with_parties: BriefingPack) -> None:
    with zipfile.ZipFile(io.BytesIO(render_docx(with_parties))) as archive:
        body = archive.read("word/document.xml").decode()
    assert "Party lists on 2026-11-22" in body and "MP Materials Corp." in body and "芒廷帕斯材料公司" in body
    mp = next(r for r in with_parties.party_rows if r.name == "MP Materials Corp.")
    assert f'w:anchor="src_{mp.cite}"' in body
    page = render_html(with_parties)
    assert "<h2>Party lists on 2026-11-22</h2>" in page and f'href="#src-{mp.cite}"' in page
    assert "<td>MP Materials Corp.</td>" in page
