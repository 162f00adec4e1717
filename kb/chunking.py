"""Cut a ``SourceDocument`` into chunks that follow its structure: one per provision or section.

For our documents the chunks are, in order: the English summary (locator ``Summary``), the
Chinese summary (``摘要``), each ``##`` provision (locator = its heading), the controlled items as
a Markdown table (``Items``), the status history (``Status history``) and the notes (``Notes``).
A user document gets its leading text (``Text``) and one chunk per section or PDF page.

A section longer than ``max_chars`` is split on paragraph, then sentence boundaries (Chinese on
。！？；), never inside a list item or a table row; a split table repeats its header on every
piece. ``Chunk.text`` is the provision's own words, quotable as they are; the text that is
embedded or keyword-indexed adds the document's number, title and the locator for context
(:func:`dense_text`, :func:`keyword_text`).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field

from kb.glossary import english_terms, has_chinese
from kb.parsing import document_language
from kb.sources import SourceDocument

__all__ = [
    "MAX_CHARS",
    "MAX_CHARS_ZH",
    "Chunk",
    "MetaValue",
    "chunk_document",
    "chunk_id",
    "dense_text",
    "keyword_text",
    "lexicon",
    "split_text",
]

MetaValue = str | int | float | bool

#: Longest English chunk text. all-MiniLM-L6-v2 reads 256 word pieces (~1,100 characters of
#: English); beyond that the model silently truncates.
MAX_CHARS = 1000
#: Longest Chinese chunk text: one ideograph is about one word piece.
MAX_CHARS_ZH = 360

ITEM_COLUMNS = ("name", "中文名", "aliases", "control code", "HS codes", "ref")


@dataclass(frozen=True)
class Chunk:
    """A quotable piece of a document: where it is (``locator``), its text and its metadata.

    ``metadata`` holds only ``str``/``int``/``float``/``bool`` values: number, number_zh, title,
    title_zh, kind, issued, effective (ISO dates or ``""``), url, families (comma-joined), lang
    (``en``/``zh``), confidence, path, status, part (1-based piece of a split section), order.
    """

    id: str
    document_id: str
    locator: str
    text: str
    metadata: dict[str, MetaValue] = field(default_factory=dict, hash=False)

    @property
    def lang(self) -> str:
        return str(self.metadata.get("lang", "en"))

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "document_id": self.document_id,
            "locator": self.locator,
            "text": self.text,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Chunk:
        meta = data["metadata"]
        assert isinstance(meta, dict)
        return cls(
            id=str(data["id"]),
            document_id=str(data["document_id"]),
            locator=str(data["locator"]),
            text=str(data["text"]),
            metadata=dict(meta),
        )


def chunk_id(document_id: str, locator: str, text: str) -> str:
    """The content hash that identifies a chunk: same document, place and words, same id."""
    digest = hashlib.sha256("\x1f".join((document_id, locator, text)).encode("utf-8"))
    return digest.hexdigest()[:32]


def chunk_document(doc: SourceDocument, path: str | None = None, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Chunks of ``doc`` in reading order; ``path`` is recorded in the metadata (default ``doc.path``)."""
    meta = doc.meta
    pieces: list[tuple[str, str, str]] = []  # (locator, text, lang)

    def add(locator: str, text: str, lang: str | None = None) -> None:
        text = _CJK_GAP.sub("", text.strip())
        if not text:
            return
        language = lang or document_language(text)
        limit = max_chars if language == "en" else min(max_chars, MAX_CHARS_ZH)
        pieces.extend((locator, piece, language) for piece in split_text(text, limit))

    if meta.kind == "user":
        add("Text", doc.summary)
        for section in doc.sections:
            add(section.locator, section.text)
    else:
        add("Summary", doc.summary, "en")
        add("摘要", meta.summary_zh, "zh")
        for section in doc.sections:
            add(section.locator, section.text)
        if meta.items:
            rows = [
                [
                    item.name,
                    item.name_zh,
                    ", ".join(item.aliases),
                    item.control_code or "",
                    ", ".join(item.hs_codes),
                    item.ref,
                ]
                for item in meta.items
            ]
            add("Items", "\n".join(_table_lines(list(ITEM_COLUMNS), rows)), "en")
        if meta.status_history:
            lines = []
            for entry in meta.status_history:
                parts = [entry.date.isoformat() if entry.date else "undated", entry.status]
                if entry.by:
                    parts.append(f"by {entry.by}")
                if entry.note:
                    parts.append(" ".join(entry.note.split()))
                lines.append("- " + " — ".join(parts))
            add("Status history", "\n".join(lines), "en")
        if meta.notes:
            add("Notes", meta.notes, "en")

    base = _document_metadata(doc, path)
    chunks: list[Chunk] = []
    seen: set[str] = set()
    part_of: dict[str, int] = {}
    for locator, text, lang in pieces:
        cid = chunk_id(doc.id, locator, text)
        if cid in seen:
            continue
        seen.add(cid)
        part_of[locator] = part_of.get(locator, 0) + 1
        metadata = {**base, "lang": lang, "part": part_of[locator], "order": len(chunks)}
        chunks.append(Chunk(cid, doc.id, locator, text, metadata))
    return chunks


def dense_text(chunk: Chunk) -> str:
    """What is embedded: the document's number and title and the locator, then the text.

    The embedding model reads English only, so a Chinese chunk also carries the English glossary
    equivalents of its terms.
    """
    text = chunk.text
    if chunk.lang == "zh":
        text = f"{text}\n{'; '.join(english_terms(text))}"
    return f"{_header(chunk, zh=False)}\n{text}"


def keyword_text(chunk: Chunk) -> str:
    """What the keyword index reads: number and title in English and Chinese, locator, text."""
    return f"{_header(chunk, zh=True)}\n{chunk.text}"


def lexicon(doc: SourceDocument) -> list[tuple[str, str]]:
    """Chinese -> English name pairs a document defines: item names and Chinese aliases, title, number.

    The retriever uses them to give a Chinese question the English words the embedding model reads.
    """
    meta = doc.meta
    pairs = [(item.name_zh, item.name) for item in meta.items]
    pairs += [(alias, item.name) for item in meta.items for alias in item.aliases if has_chinese(alias)]
    if meta.title_zh:
        pairs.append((meta.title_zh, meta.title))
    if meta.number_zh and meta.number:
        pairs.append((meta.number_zh, meta.number))
    return [(zh.strip(), en.strip()) for zh, en in dict.fromkeys(pairs) if len(zh.strip()) >= 2]


def _header(chunk: Chunk, zh: bool) -> str:
    meta = chunk.metadata
    keys = ("number", "number_zh", "title", "title_zh") if zh else ("number", "title")
    names = [str(meta.get(key) or "") for key in keys]
    label = " — ".join(dict.fromkeys(name for name in names if name))
    return f"{label} ({chunk.locator})" if label else f"({chunk.locator})"


def _document_metadata(doc: SourceDocument, path: str | None) -> dict[str, MetaValue]:
    meta = doc.meta
    return {
        "number": meta.number or "",
        "number_zh": meta.number_zh or "",
        "title": meta.title,
        "title_zh": meta.title_zh or "",
        "kind": meta.kind,
        "issued": meta.issued.isoformat() if meta.issued else "",
        "effective": meta.effective.isoformat() if meta.effective else "",
        "url": doc.url or "",
        "families": ",".join(doc.families),
        "confidence": meta.confidence,
        "status": meta.status_history[-1].status if meta.status_history else "",
        "path": path if path is not None else str(doc.path),
    }


# --- splitting ---------------------------------------------------------------------------------

_LIST_ITEM = re.compile(
    r"^\s*(?:[-*+•]|\d{1,3}[.)]|\(\d{1,3}\)|\([a-z]\)|[a-z][.)]|[（(][一二三四五六七八九十]+[）)])\s+"
)
#: Spaces or one line break between two CJK characters are a fold (YAML ``>-``, hard wraps), not a
#: word break; a blank line still separates paragraphs.
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})(?:[ \t]+|[ \t]*\n[ \t]*)(?={_CJK})")
_HEADING_LINE = re.compile(r"^#{1,6}\s")
#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Art|Arts|No|Nos|para|paras|Sec|p|pp|cf|e\.g|i\.e|etc|vs|Co|Ltd|Inc|Mr|Ms|Dr|St|Vol|Fig)"
    r"|\b[A-Z])\.$"
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'“(\[A-Z0-9])|(?<=[。！？；])")


@dataclass
class _Block:
    kind: str  # "para", "item", "table"
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def split_text(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Split ``text`` into pieces of at most ``max_chars`` on paragraph, then sentence boundaries.

    A list item or a table row is never cut (one longer than ``max_chars`` stays whole); a table
    split over pieces repeats its header row on every piece.
    """
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    pieces: list[str] = []
    current: list[tuple[str, str]] = []  # (kind, text) of the blocks of the piece being filled

    def flush() -> None:
        if current:
            text = current[0][1]
            for (before, _), (kind, part) in itertools.pairwise(current):
                text += ("\n" if before == kind == "item" else "\n\n") + part
            pieces.append(text.strip())
        current.clear()

    def size() -> int:
        return sum(len(part) + 2 for _, part in current)

    for block in _blocks(text):
        body = block.text
        if len(body) <= max_chars:
            if current and size() + len(body) > max_chars:
                flush()
            current.append((block.kind, body))
        elif block.kind == "table":
            flush()
            pieces.extend(_split_table(block.lines, max_chars))
        elif block.kind == "item":
            flush()
            pieces.append(body)
        else:
            flush()
            pieces.extend(_pack(_sentences(body, max_chars), max_chars))
    flush()
    return [piece for piece in pieces if piece]


def _blocks(text: str) -> list[_Block]:
    """Paragraphs, list items (with their continuation lines) and tables; headings join the next block."""
    blocks: list[_Block] = []
    current: _Block | None = None
    heading: list[str] = []

    def start(kind: str, line: str) -> _Block:
        block = _Block(kind, [*heading, line])
        heading.clear()
        blocks.append(block)
        return block

    for raw in text.split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            current = None
        elif _HEADING_LINE.match(stripped):
            current = None
            heading.append(line)
        elif stripped.startswith("|"):
            current = current if current is not None and current.kind == "table" else start("table", "")
            current.lines.append(line)
        elif _LIST_ITEM.match(line):
            current = start("item", line)
        elif current is not None and current.kind in ("para", "item"):
            current.lines.append(line)
        else:
            current = start("para", line)
    if heading:
        blocks.append(_Block("para", heading))
    for block in blocks:
        block.lines = [line for line in block.lines if line]
    return blocks


def _split_table(lines: list[str], max_chars: int) -> list[str]:
    lead: list[str] = []
    rows = list(lines)
    while rows and not rows[0].lstrip().startswith("|"):
        lead.append(rows.pop(0))  # a heading kept with the table
    header = rows[:2] if len(rows) > 1 and re.fullmatch(r"\|?[\s:|-]+\|?", rows[1].strip()) else rows[:1]
    body = rows[len(header) :]
    pieces: list[str] = []
    current: list[str] = []
    head = "\n".join([*lead, *header])
    for row in body:
        if current and len(head) + sum(len(r) + 1 for r in current) + len(row) + 1 > max_chars:
            pieces.append("\n".join([head, *current]))
            current = []
        current.append(row)
    if current or not pieces:
        pieces.append("\n".join([head, *current]))
    return pieces


def _sentences(text: str, max_chars: int) -> list[str]:
    parts: list[str] = []
    for candidate in _SENTENCE_END.split(text):
        if parts and _ABBREVIATIONS.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {candidate}"
        elif candidate:
            parts.append(candidate)
    out: list[str] = []
    for sentence in parts:
        while len(sentence) > max_chars:
            cut = max(sentence.rfind(" ", 0, max_chars), sentence.rfind("，", 0, max_chars) + 1)
            cut = cut if cut > max_chars // 2 else max_chars
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out


def _pack(sentences: list[str], max_chars: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        joiner = "" if current.endswith(("。", "！", "？", "；")) else " "
        if current and len(current) + len(joiner) + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current}{joiner}{sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def _table_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(value: str) -> str:
        return value.replace("|", "/").replace("\n", " ").strip()

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return lines
