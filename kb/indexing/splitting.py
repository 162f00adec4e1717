"""Splitting long text into pieces that fit the embedding model, on paragraph, then sentence
boundaries (Chinese on 。！？；), never inside a list item or a table row; a split table repeats its
header on every piece."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from kb.language.sentences import split_sentences

__all__ = ["MAX_CHARS", "split_text"]

#: Longest English chunk text. all-MiniLM-L6-v2 reads 256 word pieces (~1,100 characters of
#: English); beyond that the model silently truncates.
MAX_CHARS = 1000

_LIST_ITEM = re.compile(
    r"^\s*(?:[-*+•]|\d{1,3}[.)]|\(\d{1,3}\)|\([a-z]\)|[a-z][.)]|[（(][一二三四五六七八九十]+[）)])\s+"
)
_HEADING_LINE = re.compile(r"^#{1,6}\s")


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
    out: list[str] = []
    for sentence in split_sentences(text, semicolons=True):
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
