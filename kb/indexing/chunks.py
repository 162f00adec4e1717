"""Cut a ``SourceDocument`` into chunks that follow its structure: one per provision or section.

For our documents the chunks are, in order: the English summary (locator ``Summary``), the
Chinese summary (``摘要``), each ``##`` provision (locator = its heading), the controlled items as
a Markdown table (``Items``) and the status history (``Status history``). A provision with a
Chinese text gets a second chunk, in Chinese, under the same locator. The document's ``notes`` are
internal research notes and are not indexed.
A user document gets its leading text (``Text``) and one chunk per section or PDF page.

A section longer than ``max_chars`` is split on paragraph, then sentence boundaries (Chinese on
。！？；), never inside a list item or a table row; a split table repeats its header on every
piece. ``Chunk.text`` is the provision's own words, quotable as they are; the text that is
embedded or keyword-indexed adds the document's number, title and the locator for context
(:func:`dense_text`, :func:`keyword_text`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from kb.corpus.documents import SourceDocument
from kb.corpus.schema import STATUS_WORDS
from kb.indexing.splitting import MAX_CHARS, split_text
from kb.language.glossary import english_terms
from kb.language.script import CJK_TEXT, document_language, has_chinese

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
]

MetaValue = str | int | float | bool

#: Longest Chinese chunk text: one ideograph is about one word piece.
MAX_CHARS_ZH = 360

#: Spaces or one line break between two CJK characters are a fold (YAML ``>-``, hard wraps), not a
#: word break; a blank line still separates paragraphs.
_CJK_GAP = re.compile(rf"(?<={CJK_TEXT})(?:[ \t]+|[ \t]*\n[ \t]*)(?={CJK_TEXT})")

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
            if section.text_zh:
                add(section.locator, section.text_zh, "zh")
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
                # The document that set a status is named in its note; ids are not for readers.
                parts = [entry.date.isoformat() if entry.date else "undated", STATUS_WORDS[entry.status]]
                if entry.note:
                    parts.append(" ".join(entry.note.split()))
                lines.append("- " + " — ".join(parts))
            add("Status history", "\n".join(lines), "en")

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


def _table_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(value: str) -> str:
        return value.replace("|", "/").replace("\n", " ").strip()

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return lines
