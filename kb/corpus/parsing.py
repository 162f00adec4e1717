"""Read a document of any supported format into a ``SourceDocument``: one parser per format.

| suffix              | parser           | structure kept                                           |
|---------------------|------------------|----------------------------------------------------------|
| ``.md`` with ``---``| ``parse_markdown``| our corpus schema (:func:`kb.corpus.markdown.load_source`)|
| ``.md`` without     | ``parse_markdown``| ``#`` title, ``##`` sections                             |
| ``.txt``            | ``parse_text``   | paragraphs; the first line is the title                  |
| ``.html`` ``.htm``  | ``parse_html``   | main text only (no navigation, scripts); headings, lists |
| ``.pdf``            | ``parse_pdf``    | the text layer, one section per page (``p. 3``)          |
| ``.docx``           | ``parse_docx``   | title and headings by style, paragraphs, tables          |

A file without our front matter is a *user* document: its id comes from the file name, its title
from its first heading or line, and its kind is ``user``. Anything that cannot be read raises
``ParseError`` naming the file and the reason; vendor exceptions never leave this module.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from kb.corpus.documents import Section, SourceDocument, Trust, user_document
from kb.corpus.markdown import load_source, load_user_markdown, split_sections
from kb.errors import ParseError, SourceError

__all__ = [
    "PARSERS",
    "SUPPORTED_SUFFIXES",
    "discover",
    "parse_docx",
    "parse_file",
    "parse_html",
    "parse_markdown",
    "parse_pdf",
    "parse_text",
]

log = logging.getLogger(__name__)

#: Elements that continue the paragraph around them.
_HTML_INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup time u var".split()
)
#: Elements whose text is never part of a page's main content.
_HTML_CHROME = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg")


def parse_markdown(path: Path, trust: Trust = "official") -> SourceDocument:
    """Our corpus Markdown (front matter validated against the schema) or a plain Markdown file.

    Only an ``official`` file (one of ``sources/``) is read with our schema; a user's file is
    evidence only, whatever its front matter claims (:func:`kb.corpus.markdown.load_user_markdown`).
    """
    text = _read_text(path)  # empty files and undecodable bytes fail here, with the reason
    if trust == "user":
        return load_user_markdown(path, text)
    try:
        return load_source(path)
    except SourceError as exc:
        where = f"front matter field {exc.field}" if exc.field and exc.field != "front matter" else None
        reason = f"{where}: {exc.problem}" if where else exc.problem
        raise ParseError(str(path), reason) from exc


def parse_text(path: Path) -> SourceDocument:
    """A plain-text file: paragraphs separated by blank lines, the first line taken as the title."""
    text = _read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    first = next(line.strip() for line in text.split("\n") if line.strip())
    return user_document(path, title=first[:120], preamble=text.strip(), sections=[])


def parse_html(path: Path) -> SourceDocument:
    """An HTML page's main text: ``<main>``/``<article>`` when present, without navigation or scripts."""
    from bs4 import BeautifulSoup
    from bs4.element import Tag

    raw = _read_bytes(path)
    with warnings.catch_warnings():
        # bs4 warns about markup that looks like a file name or URL; the file is what it is.
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(raw, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for name in _HTML_CHROME:
        for element in soup.find_all(name):
            element.decompose()
    for element in soup.select('[role="navigation"], [role="banner"], [role="contentinfo"]'):
        element.decompose()
    root = soup.find("main") or soup.find("article") or soup.select_one('[role="main"]') or soup.body or soup
    assert isinstance(root, Tag)
    markdown = _html_to_markdown(root)
    if not markdown.strip():
        raise ParseError(str(path), "the page has no main text")
    preamble, title, sections = split_sections(markdown)
    return user_document(path, title=title or page_title or None, preamble=preamble, sections=sections)


def parse_pdf(path: Path) -> SourceDocument:
    """A PDF's text layer, one section per page (locator ``p. N``); a scan without text is an error."""
    import pypdf

    data = _read_bytes(path)
    sections: list[Section] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ParseError(str(path), "the PDF is encrypted")
            title = (reader.metadata.title if reader.metadata else None) or None
            for number, page in enumerate(reader.pages, start=1):
                text = _tidy_pdf_text(page.extract_text() or "")
                if text:
                    sections.append(Section(f"p. {number}", text))
        for warning in caught:
            log.debug("%s: %s", path, warning.message)
    except ParseError:
        raise
    except Exception as exc:
        # pypdf raises many unrelated exception types on damaged files; all mean "cannot read it".
        raise ParseError(str(path), f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not sections:
        raise ParseError(str(path), "the PDF has no text layer (a scanned image?); run OCR first")
    if not title:
        title = next(line.strip() for line in sections[0].text.split("\n") if line.strip())[:120]
    return user_document(path, title=str(title), preamble="", sections=sections)


def parse_docx(path: Path) -> SourceDocument:
    """A Word document: ``Title`` style for the title, ``Heading 1`` paragraphs start sections."""
    import docx
    from docx.table import Table

    data = _read_bytes(path)
    try:
        document = docx.Document(io.BytesIO(data))
        title = document.core_properties.title or None
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                rows = [[cell.text.strip().replace("\n", " ") for cell in row.cells] for row in block.rows]
                lines.extend(["", *_markdown_table(rows), ""])
                continue
            text = block.text.strip()
            if not text:
                continue
            style = (block.style.name if block.style is not None else "") or ""
            lines.extend(["", f"{_heading_marks(style)} {text}".strip(), ""])
    except Exception as exc:
        # python-docx raises zip, XML and key errors on damaged files; all mean "cannot read it".
        raise ParseError(str(path), f"not a readable .docx file ({type(exc).__name__}: {exc})") from exc
    markdown = "\n".join(lines)
    if not markdown.strip():
        raise ParseError(str(path), "the document has no text")
    preamble, heading, sections = split_sections(markdown)
    return user_document(path, title=title or heading, preamble=preamble, sections=sections)


#: Suffix -> parser. ``.md`` covers both our corpus files and plain Markdown.
PARSERS: dict[str, Callable[[Path], SourceDocument]] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".txt": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
    ".pdf": parse_pdf,
    ".docx": parse_docx,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(PARSERS)


def parse_file(path: Path, trust: Trust = "official") -> SourceDocument:
    """Parse ``path`` with the parser of its suffix; ``ParseError`` names the file and the reason.

    ``trust`` is where the file comes from: ``official`` for the curated ``sources/`` folder,
    ``user`` for anything else (whose front matter is never read as rules)."""
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        supported = " ".join(SUPPORTED_SUFFIXES)
        raise ParseError(str(path), f"unsupported file type {path.suffix!r} (supported: {supported})")
    if parser is parse_markdown:
        return parse_markdown(path, trust)
    return parser(path)


def discover(roots: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Supported files under ``roots`` (files or folders), resolved and sorted, and problems found.

    Hidden files and folders and ``README.md`` files are not documents.
    """
    found: set[Path] = set()
    problems: list[str] = []
    for root in roots:
        if root.is_file():
            if root.suffix.lower() in SUPPORTED_SUFFIXES:
                found.add(root.resolve())
            else:
                problems.append(str(ParseError(str(root), f"unsupported file type {root.suffix!r}")))
        elif root.is_dir():
            for path in root.rglob("*"):
                relative = path.relative_to(root).parts
                if (
                    path.is_file()
                    and path.suffix.lower() in SUPPORTED_SUFFIXES
                    and path.name.lower() != "readme.md"
                    and not any(part.startswith(".") for part in relative)
                ):
                    found.add(path.resolve())
    return sorted(found), problems


# --- helpers -----------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise ParseError(str(path), "the file is empty")
    return data


def _read_text(path: Path) -> str:
    data = _read_bytes(path)
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            str(path),
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
        ) from exc
    if "\x00" in text:
        raise ParseError(str(path), "binary data, not text")
    if not text.strip():
        raise ParseError(str(path), "the file is empty")
    return text


def _heading_marks(style: str) -> str:
    """``Title`` is the document's title; ``Heading 1`` its sections (``##``), deeper ones below."""
    if style == "Title":
        return "#"
    match = re.match(r"^(?:Heading|标题)\s*(\d)", style)
    return "#" * min(int(match.group(1)) + 1, 6) if match else ""


def _markdown_table(rows: list[list[str]]) -> list[str]:
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    cells = [[cell.replace("|", "/") for cell in row] for row in rows]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
    lines.extend("| " + " | ".join(row) + " |" for row in cells[1:])
    return lines


def _tidy_pdf_text(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    tidy = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", tidy).strip()


def _html_to_markdown(root: object) -> str:
    """Headings become ``#`` lines, list items ``-`` lines, tables Markdown rows; the rest paragraphs."""
    from bs4.element import NavigableString, Tag

    out: list[str] = []
    run: list[str] = []  # inline text of the paragraph being collected

    def flush() -> None:
        text = re.sub(r"\s+", " ", " ".join(run)).strip()
        run.clear()
        if text:
            out.extend(["", text, ""])

    def inline(node: Tag) -> str:
        return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    run.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _HTML_INLINE:
                run.append(inline(child))
                continue
            flush()
            if re.fullmatch(r"h[1-6]", name):
                out.extend(["", "#" * int(name[1]) + " " + inline(child), ""])
            elif name in ("ul", "ol"):
                out.append("")
                for number, item in enumerate(child.find_all("li", recursive=False), start=1):
                    marker = f"{number}." if name == "ol" else "-"
                    out.append(f"{marker} {inline(item)}")
                out.append("")
            elif name == "table":
                rows = [[inline(cell) for cell in row.find_all(["th", "td"])] for row in child.find_all("tr")]
                out.extend(["", *_markdown_table(rows), ""])
            else:
                walk(child)
                flush()

    assert isinstance(root, Tag)
    walk(root)
    flush()
    markdown = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()
