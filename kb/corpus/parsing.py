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
import os
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from kb.corpus.documents import Section, SourceDocument, Trust, user_document
from kb.corpus.markdown import load_source, load_user_markdown, split_sections
from kb.errors import ParseError, SourceError
from kb.files import decode_text

__all__ = [
    "MAX_UNPACKED_MB",
    "PARSERS",
    "SUPPORTED_SUFFIXES",
    "discover",
    "outside_links",
    "parse_docx",
    "parse_file",
    "parse_html",
    "parse_markdown",
    "parse_pdf",
    "parse_text",
]

log = logging.getLogger(__name__)

#: Default bound on what an archive (``.docx``) may unpack to, in MB (``KB_MAX_UNPACKED_MB``).
MAX_UNPACKED_MB = 100

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


def parse_docx(path: Path, max_unpacked_mb: int = MAX_UNPACKED_MB) -> SourceDocument:
    """A Word document: ``Title`` style for the title, ``Heading 1`` paragraphs start sections.

    A ``.docx`` is a zip archive: the sizes its members unpack to are checked first, so a small
    file that unpacks to gigabytes is refused before anything is unpacked."""
    import docx
    from docx.table import Table

    data = _read_bytes(path)
    _check_unpacked_size(path, data, max_unpacked_mb)
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


def parse_file(
    path: Path, trust: Trust = "official", max_unpacked_mb: int = MAX_UNPACKED_MB
) -> SourceDocument:
    """Parse ``path`` with the parser of its suffix; ``ParseError`` names the file and the reason.

    ``trust`` is where the file comes from: ``official`` for the curated ``sources/`` folder,
    ``user`` for anything else (whose front matter is never read as rules). ``max_unpacked_mb``
    bounds what an archive format (``.docx``) may unpack to."""
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        supported = " ".join(SUPPORTED_SUFFIXES)
        raise ParseError(str(path), f"unsupported file type {path.suffix!r} (supported: {supported})")
    if parser is parse_markdown:
        return parse_markdown(path, trust)
    if parser is parse_docx:
        return parse_docx(path, max_unpacked_mb)
    return parser(path)


def discover(roots: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Supported files under ``roots`` (files or folders), resolved and sorted, and problems found.

    Hidden files and folders and ``README.md`` files are not documents. Inside a folder, a symbolic
    link is followed only when it points inside that folder; one pointing out of it is named and
    skipped (see :func:`outside_links`), so a folder never pulls in files from elsewhere.
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
            files, skipped = _walk(root)
            found.update(files)
            problems.extend(f"{link}: skipped: {reason}" for link, _, reason in skipped)
    return sorted(found), problems


def outside_links(roots: Sequence[Path]) -> list[Path]:
    """Where the symbolic links under the folders ``roots`` that point out of them lead (files an
    earlier version may have indexed through them)."""
    return [target for root in roots if root.is_dir() for _, target, _ in _walk(root)[1]]


def _walk(root: Path) -> tuple[list[Path], list[tuple[Path, Path, str]]]:
    """(documents under the folder ``root``, skipped links as (link, target, reason))."""
    base = root.resolve()
    files: list[Path] = []
    skipped: list[tuple[Path, Path, str]] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *names]:
            path = here / name
            if name.startswith(".") or not path.is_symlink():
                continue
            try:
                target = path.resolve()
            except (OSError, RuntimeError) as exc:  # a loop of links
                skipped.append((path, path, f"a symbolic link that does not resolve ({exc})"))
                continue
            is_document = path.suffix.lower() in SUPPORTED_SUFFIXES or name in dirs
            if is_document and target != base and base not in target.parents:
                skipped.append((path, target, f"a symbolic link to {target}, outside {root}; not followed"))
        for name in sorted(names):
            path = here / name
            if (
                name.startswith(".")
                or path.suffix.lower() not in SUPPORTED_SUFFIXES
                or name.lower() == "readme.md"
            ):
                continue
            target = path.resolve()
            if target != base and base not in target.parents:
                continue  # an outside link, named above
            if not target.is_file():
                if path.exists() or path.is_symlink():
                    kind = "a broken symbolic link" if not path.exists() else "not a regular file"
                    skipped.append((path, target, kind))
                continue
            files.append(target)
    return files, skipped


# --- helpers -----------------------------------------------------------------------------------


def _check_unpacked_size(path: Path, data: bytes, max_unpacked_mb: int) -> None:
    """Refuse an archive whose members would unpack to more than ``max_unpacked_mb`` in all.

    The sizes are read from the archive's directory; Python's zip reader never inflates a member
    past the size declared there, so a lying directory cannot get round the check."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(str(path), f"not a readable .docx file (BadZipFile: {exc})") from exc
    if total > max_unpacked_mb * 2**20:
        raise ParseError(
            str(path),
            f"unpacks to {total / 2**20:.0f} MB, over the limit of {max_unpacked_mb} MB; "
            "raise KB_MAX_UNPACKED_MB to read it",
        )


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
    try:
        text = decode_text(data)
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
