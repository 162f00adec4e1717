"""A briefing pack as Markdown, as a self-contained HTML page, or as a Word document (python-docx).

All three show the same sections in the same order (the party lists only where the pack was asked
for them), every fact followed by its ``[n]``, and end with the sources: one header per document
(number, titles, dates, status on the pack's date, link), then each numbered part cited from it
with the text relied on. The HTML page has no external resources, so it opens offline; in HTML
and DOCX every ``[n]`` links to its source and each document's official page is a link. Only
``http(s)`` addresses are ever made links.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlparse

from kb.answering.excerpts import excerpt
from kb.answering.records import Citation
from kb.answering.wording import VERDICT_LABELS
from kb.briefing.pack import BriefingPack, Fact
from kb.errors import QueryError

__all__ = [
    "FORMATS",
    "Format",
    "checked_format",
    "format_for",
    "render",
    "render_docx",
    "render_html",
    "render_markdown",
]

Format = Literal["md", "html", "docx"]
FORMATS: tuple[Format, ...] = ("md", "html", "docx")

OFFICIAL_NOTE = (
    "Prepared from the knowledge base's own-words rendering of official documents. The official text "
    "published by MOFCOM governs; this pack is training material, not legal advice."
)
ITEM_HEADERS = (
    "Family", "Item", "名称", "Kind", "Control code", "HS codes", "Document", "Ref", "Verdict", "Note", "Src",
)  # fmt: skip


PARTY_HEADERS = ("List", "Party", "名称", "Country", "Announcement", "Status on the date", "Src")
#: The lists' short names for the party table (the facts above it give the full ones).
_LIST_SHORT = {
    "control_list": "MOFCOM control list",
    "watch_list": "MOFCOM watch list",
    "unreliable_entity_list": "Unreliable Entity List",
}
_PARTIES = "Party lists on "


def _sections(pack: BriefingPack) -> list[tuple[str, tuple[Fact, ...], str]]:
    """(heading, facts, what to say when there are none) for the fact sections, in order."""
    day = pack.as_of.isoformat()
    parties = []
    if pack.parties is not None:
        later = pack.parties.later
        empty = "No announcement held lists parties on this date."
        if later:
            empty += f" {later} announcement(s) held list parties from a later date."
        parties.append((f"{_PARTIES}{day}", pack.parties.facts, empty))
    return [
        ("What is controlled", pack.controlled, "No document held controls items of these families."),
        (f"Items, codes and verdicts on {day}", (), ""),
        ("Caveats on items", pack.caveats, "No item carries a caveat."),
        ("Dates and status history", pack.history, "No status history is held."),
        (
            "Destination and end-user rules",
            pack.destinations,
            "No destination rule held covers these families.",
        ),
        ("Licence procedure", pack.procedure, "No provision held describes the procedure."),
        ("Penalties", pack.penalties, "No provision held describes penalties."),
        *parties,
    ]


def _party_note(pack: BriefingPack) -> str:
    """Said under the party section's facts: what the table is, and what it is not."""
    assert pack.parties is not None
    later = pack.parties.later
    tail = (
        f" {later} announcement(s) held list parties only from a later date and are left out."
        if later
        else ""
    )
    return (
        f"{len(pack.parties.rows)} parties on the lists held, with their status on {pack.as_of.isoformat()}. "
        "A name missing from these lists is not cleared: the lists held may not be complete, and the "
        f"catch-all controls still apply.{tail}"
    )


def _party_cells(pack: BriefingPack) -> list[tuple[str, ...]]:
    return [
        (_LIST_SHORT[row.list], row.name, row.name_zh or "-", row.country or "-", row.announcement,
         row.status, f"[{row.cite}]")
        for row in pack.party_rows
    ]  # fmt: skip


def _marks(cites: tuple[int, ...]) -> str:
    return " ".join(f"[{n}]" for n in cites)


def _row_cells(pack: BriefingPack) -> list[tuple[str, ...]]:
    return [
        (
            row.family,
            row.name,
            row.name_zh,
            row.kind,
            row.control_code or "-",
            ", ".join(row.hs_codes) or "-",
            row.document,
            row.ref,
            VERDICT_LABELS[row.verdict]["en"],
            row.note,
            f"[{row.cite}]",
        )
        for row in pack.items
    ]


def _link_kind(c: Citation) -> str:
    """What a source's link is, said before it: the issuer's page or a secondary copy."""
    if not c.url:
        return ""
    return "issuer's page: " if c.link == "official" else "secondary copy, not the issuer's page: "


def _web_url(url: str | None) -> str | None:
    """``url`` when it is an ``http(s)`` address (the only kind shown as a link)."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def _by_document(pack: BriefingPack) -> list[list[Citation]]:
    """The pack's citations grouped by document, in the order each document is first cited."""
    groups: dict[str, list[Citation]] = {}
    for c in pack.citations:
        groups.setdefault(c.document_id, []).append(c)
    return list(groups.values())


def _document_line(c: Citation, day: str) -> tuple[str, str]:
    """(name, the rest of its header): titles, dates and status on the pack's date."""
    title = f"{c.title} / {c.title_zh}" if c.title_zh else c.title
    dates = c.dates("en") or "dates not known"
    return c.number or c.title, f"{title} — {dates} — status on {day}: {c.status}"


# -- Markdown --------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(pack: BriefingPack) -> str:
    """The pack as Markdown: headings, cited bullet points, the items table and the sources."""
    day = pack.as_of.isoformat()
    lines = [f"# {pack.title}", "", f"_{OFFICIAL_NOTE}_", ""]
    for heading, facts, empty in _sections(pack):
        lines += [f"## {heading}", ""]
        if heading.startswith("Items"):
            lines.append("| " + " | ".join(ITEM_HEADERS) + " |")
            lines.append("|" + "---|" * len(ITEM_HEADERS))
            lines += ["| " + " | ".join(_md_cell(c) for c in cells) + " |" for cells in _row_cells(pack)]
            if not pack.items:
                lines.append(f"| {' | '.join('-' * len(ITEM_HEADERS))} |")
        else:
            lines += [f"- {_md_cell(f.text)} {_marks(f.cites)}" for f in facts] or [f"_{empty}_"]
        if heading.startswith(_PARTIES) and pack.party_rows:
            lines += ["", f"_{_party_note(pack)}_", "", "| " + " | ".join(PARTY_HEADERS) + " |"]
            lines.append("|" + "---|" * len(PARTY_HEADERS))
            lines += ["| " + " | ".join(_md_cell(c) for c in cells) + " |" for cells in _party_cells(pack)]
        lines.append("")
    lines += ["## FAQ", ""]
    for qa in pack.faq:
        lines += [f"**{qa.question}**", "", f"{qa.answer.text} {_marks(qa.answer.cites)}", ""]
    lines += ["## Sources", ""]
    for group in _by_document(pack):
        name, rest = _document_line(group[0], day)
        url = _web_url(group[0].url)
        link = f"<{url}>" if url else (_md_cell(group[0].url) if group[0].url else "no link held")
        link = f"{_link_kind(group[0])}{link}"
        lines += [f"### {_md_cell(name)}", "", f"{_md_cell(rest)} — {link}", ""]
        for c in group:
            # A quote line at the margin ends the list item, so each keeps its own number.
            lines += [f"{c.n}. {_md_cell(c.locator)}", f"> {_md_cell(excerpt(c.text, pack.title, 300))}", ""]
    return "\n".join(lines).rstrip() + "\n"


# -- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC",sans-serif;
max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1f2933;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #d9e2ec;padding-bottom:.2rem;margin-top:2rem}
.note{color:#52606d;font-style:italic}table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{border:1px solid #cbd2d9;padding:.25rem .4rem;vertical-align:top;text-align:left}th{background:#f0f4f8}
.v-licence_required{color:#8d2b0b}.v-prohibited{color:#a61b1b;font-weight:600}.v-suspended{color:#7c5e10}
.v-uncertain{color:#5b3a89}.v-not_listed{color:#3e4c59}a.cite{text-decoration:none}
.q{font-weight:600;margin-bottom:.2rem}ul.sources{list-style:none;padding-left:.5rem}
ul.sources li{margin-bottom:.6rem}h3.doc{font-size:1rem;margin:1.2rem 0 .1rem 0}
.doc-line{margin:.1rem 0 .4rem 0;color:#52606d}
blockquote{margin:.2rem 0 0 0;padding-left:.6rem;border-left:3px solid #d9e2ec;color:#52606d}
"""


def _html_cites(cites: tuple[int, ...]) -> str:
    return " ".join(f'<a class="cite" href="#src-{n}">[{n}]</a>' for n in cites)


def render_html(pack: BriefingPack) -> str:
    """The pack as one self-contained HTML page (inline CSS, no scripts, nothing fetched)."""
    e = html.escape
    day = pack.as_of.isoformat()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(pack.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(pack.title)}</h1>",
        f'<p class="note">{e(OFFICIAL_NOTE)}</p>',
    ]
    for heading, facts, empty in _sections(pack):
        out.append(f"<h2>{e(heading)}</h2>")
        if heading.startswith("Items"):
            out.append(
                "<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in ITEM_HEADERS) + "</tr></thead>"
            )
            out.append("<tbody>")
            for row, cells in zip(pack.items, _row_cells(pack), strict=True):
                tds = [f"<td>{e(c)}</td>" for c in cells[:-1]]
                tds[8] = f'<td class="v-{row.verdict}">{e(cells[8])}</td>'
                out.append("<tr>" + "".join(tds) + f"<td>{_html_cites((row.cite,))}</td></tr>")
            out.append("</tbody></table>")
        elif facts:
            out.append(
                "<ul>" + "".join(f"<li>{e(f.text)} {_html_cites(f.cites)}</li>" for f in facts) + "</ul>"
            )
        else:
            out.append(f'<p class="note">{e(empty)}</p>')
        if heading.startswith(_PARTIES) and pack.party_rows:
            out.append(f'<p class="note">{e(_party_note(pack))}</p>')
            out.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in PARTY_HEADERS))
            out.append("</tr></thead><tbody>")
            for party, texts in zip(pack.party_rows, _party_cells(pack), strict=True):
                party_tds = "".join(f"<td>{e(c)}</td>" for c in texts[:-1])
                out.append(f"<tr>{party_tds}<td>{_html_cites((party.cite,))}</td></tr>")
            out.append("</tbody></table>")
    out.append("<h2>FAQ</h2>")
    for qa in pack.faq:
        out.append(
            f'<p class="q">{e(qa.question)}</p><p>{e(qa.answer.text)} {_html_cites(qa.answer.cites)}</p>'
        )
    out.append("<h2>Sources</h2>")
    for group in _by_document(pack):
        name, rest = _document_line(group[0], day)
        url = _web_url(group[0].url)
        link = f'<a href="{e(url)}">{e(url)}</a>' if url else e(group[0].url or "no link held")
        link = f"{e(_link_kind(group[0]))}{link}"
        out.append(
            f'<h3 class="doc">{e(name)}</h3><p class="doc-line">{e(rest)} — {link}</p><ul class="sources">'
        )
        for c in group:
            quote = e(excerpt(c.text, pack.title, 300))
            out.append(
                f'<li id="src-{c.n}"><b>[{c.n}]</b> {e(c.locator)}<blockquote>{quote}</blockquote></li>'
            )
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# -- DOCX ------------------------------------------------------------------------------------------


def render_docx(pack: BriefingPack) -> bytes:
    """The pack as a Word document (python-docx), returned as the bytes of a ``.docx`` file.

    Each ``[n]`` is a link to source ``n`` (a bookmark in the sources section) and each document's
    official page is a web link."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    # Chinese names need an East Asian font, or Word shows boxes on some systems.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Microsoft YaHei")
    document.core_properties.title = pack.title
    document.add_heading(pack.title, level=1)
    document.add_paragraph(OFFICIAL_NOTE).runs[0].italic = True
    day = pack.as_of.isoformat()
    for heading, facts, empty in _sections(pack):
        document.add_heading(heading, level=2)
        if heading.startswith("Items"):
            _docx_table(
                document,
                ITEM_HEADERS,
                [(r.cite, c) for r, c in zip(pack.items, _row_cells(pack), strict=True)],
            )
        elif facts:
            for fact in facts:
                paragraph = document.add_paragraph(f"{fact.text} ", style="List Bullet")
                _cite_links(paragraph, fact.cites)
        else:
            document.add_paragraph(empty).runs[0].italic = True
        if heading.startswith(_PARTIES) and pack.party_rows:
            document.add_paragraph(_party_note(pack)).runs[0].italic = True
            rows = [(row.cite, cells) for row, cells in zip(pack.party_rows, _party_cells(pack), strict=True)]
            _docx_table(document, PARTY_HEADERS, rows)
    document.add_heading("FAQ", level=2)
    for qa in pack.faq:
        document.add_paragraph().add_run(qa.question).bold = True
        _cite_links(document.add_paragraph(f"{qa.answer.text} "), qa.answer.cites)
    document.add_heading("Sources", level=2)
    for group in _by_document(pack):
        name, rest = _document_line(group[0], day)
        document.add_heading(name, level=3)
        line = document.add_paragraph(f"{rest} — {_link_kind(group[0])}")
        url = _web_url(group[0].url)
        if url:
            _hyperlink(line, url, url)
        else:
            line.add_run(group[0].url or "no link held")
        for c in group:
            head = document.add_paragraph()
            _bookmark(head, f"src_{c.n}", c.n, f"[{c.n}] {c.locator}")
            quote = document.add_paragraph(excerpt(c.text, pack.title, 300))
            quote.paragraph_format.left_indent = Pt(18)
            quote.runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document: Any, headers: tuple[str, ...], rows: list[tuple[int, tuple[str, ...]]]) -> None:
    """A table of small print whose last column is the row's ``[n]``, a link to its source."""
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for cite, cells in rows:
        added = table.add_row().cells
        for cell, text in zip(added[:-1], cells[:-1], strict=True):
            cell.text = text
        _cite_links(added[-1].paragraphs[0], (cite,))
        for cell in added:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _link_run(text: str) -> Any:
    """A run styled as a link (blue, underlined)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(colour)
    props.append(underline)
    run.append(props)
    body = OxmlElement("w:t")
    body.text = text
    body.set(qn("xml:space"), "preserve")
    run.append(body)
    return run


def _hyperlink(paragraph: Any, url: str, text: str) -> None:
    """Append a web link to ``paragraph`` (python-docx has no call for it: the XML is written here)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    link.append(_link_run(text))
    paragraph._p.append(link)


def _cite_links(paragraph: Any, cites: tuple[int, ...]) -> None:
    """Append ``[n]`` markers to ``paragraph``, each a link to source ``n`` in the document."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for i, n in enumerate(cites):
        if i:
            paragraph.add_run(" ")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), f"src_{n}")
        link.append(_link_run(f"[{n}]"))
        paragraph._p.append(link)


def _bookmark(paragraph: Any, name: str, number: int, text: str) -> None:
    """Write ``text`` into ``paragraph`` inside a bookmark called ``name`` (what ``[n]`` links to)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.append(start)
    paragraph.add_run(text).bold = True
    paragraph._p.append(end)


_RENDERERS: dict[Format, Callable[[BriefingPack], str | bytes]] = {
    "md": render_markdown,
    "html": render_html,
    "docx": render_docx,
}


_SUFFIXES: dict[str, Format] = {"md": "md", "markdown": "md", "html": "html", "htm": "html", "docx": "docx"}


def checked_format(fmt: str) -> Format:
    """``fmt`` as a :data:`Format`, or a ``QueryError`` naming the formats there are."""
    if fmt not in FORMATS:
        raise QueryError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    return _SUFFIXES[fmt]


def format_for(filename: str, fmt: str | None = None) -> Format:
    """The format asked for, or the one a file name's suffix implies (Markdown by default)."""
    if fmt is not None:
        return checked_format(fmt)
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _SUFFIXES.get(suffix, "md")


def render(pack: BriefingPack, fmt: str) -> bytes:
    """The pack in ``fmt`` (``md``, ``html`` or ``docx``) as bytes ready to write to a file."""
    out = _RENDERERS[checked_format(fmt)](pack)
    return out.encode("utf-8") if isinstance(out, str) else out
