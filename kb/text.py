"""Sentence-level text helpers for answers: splitting, excerpting, dropping repeats."""

from __future__ import annotations

import re

__all__ = ["document_numbers", "excerpt", "split_sentences", "without_repeats"]

_NUMBER_OF_YEAR = re.compile(
    r"\bNo\.?\s*(\d{1,4})\s*(?:of|/)\s*((?:19|20)\d{2})\b"  # No. 46 of 2024
    r"|(?<!\d)((?:19|20)\d{2})\s*年\s*第\s*(\d{1,4})\s*号"  # 2024年第46号
    r"|[\[〔]\s*((?:19|20)\d{2})\s*[\]〕]\s*(?:No\.?\s*)?(\d{1,4})",  # [2021] No. 209, 〔2021〕209号
    re.IGNORECASE,
)
_NUMBER_ONLY = re.compile(
    r"\b(?:Decree|Order)\s+No\.?\s*(\d{1,4})\b(?!\s*(?:of|/))|令第\s*(\d{1,4})\s*号", re.IGNORECASE
)


def document_numbers(text: str) -> set[tuple[int | None, int]]:
    """The document numbers written in ``text`` as (year, number): 'No. 46 of 2024' and
    '2024年第46号' give (2024, 46); 'Decree No. 792' and '国务院令第792号' give (None, 792)."""
    found: set[tuple[int | None, int]] = set()
    for match in _NUMBER_OF_YEAR.finditer(text):
        g = match.groups()
        if g[0]:
            found.add((int(g[1]), int(g[0])))
        elif g[2]:
            found.add((int(g[2]), int(g[3])))
        else:
            found.add((int(g[4]), int(g[5])))
    for match in _NUMBER_ONLY.finditer(text):
        found.add((None, int(match.group(1) or match.group(2))))
    return found


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'\u4e00-\u9fff])|(?<=[。！？；])")
_ABBREVIATIONS = ("No.", "Art.", "Arts.", "Para.", "e.g.", "i.e.", "Co.", "Ltd.", "cf.", "vs.")


def split_sentences(text: str) -> list[str]:
    """Split English on sentence ends (not after 'No.' or 'Art.') and Chinese on 。！？；.

    Semicolons do not end English sentences: legal lists run on them, and a quote must not stop mid-list.
    """
    pieces = [p.strip() for p in _SENTENCE_END.split(" ".join(text.split())) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and merged[-1].endswith(_ABBREVIATIONS):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]")
_STOP = frozenset(
    "a an and are as at be by can could did do does for from has have how i in is it its may must "
    "of on or our the their there this to was we were what when which who will with would you your "
    "need needs export exports exporting exported china chinese".split()
)


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _STOP}


def excerpt(text: str, question: str, limit: int = 420) -> str:
    """The sentences of ``text`` that bear most on ``question``, in their order, within ``limit``."""
    sentences = split_sentences(text)
    if len(text) <= limit or len(sentences) <= 1:
        return " ".join(sentences) if sentences else text.strip()
    wanted = _terms(question)
    ranked = sorted(range(len(sentences)), key=lambda i: (-len(_terms(sentences[i]) & wanted), i))
    chosen: list[int] = []
    size = 0
    for i in ranked:
        if chosen and size + len(sentences[i]) > limit:
            continue
        chosen.append(i)
        size += len(sentences[i])
    return " ".join(sentences[i] for i in sorted(chosen))


def without_repeats(facts: list[str]) -> list[str]:
    """Drop sentences already said by an earlier fact; a fact left empty is dropped."""
    seen: set[str] = set()
    kept_facts = []
    for fact in facts:
        body, marker = re.match(r"^(.*?)((?:\s*\[\d+\])?)$", fact, re.DOTALL).groups()  # type: ignore[union-attr]
        kept = []
        for sentence in split_sentences(body):
            key = sentence.strip().casefold()
            if key in seen:
                continue
            seen.add(key)
            kept.append(sentence)
        if kept:
            kept_facts.append(" ".join(kept) + marker)
    return kept_facts


def table_excerpt(text: str, question: str, rows: int = 2) -> str | None:
    """The rows of a Markdown table in ``text`` that share most words with ``question``, each as one
    sentence: the first cell, a Chinese name in brackets, then the other columns by name (aliases
    left out: they are for finding, not for reading); ``None`` when ``text`` holds no table."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    if len(lines) < 3:
        return None
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    body = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    wanted = _terms(question)
    ranked = sorted(body, key=lambda cells: -len(_terms(" ".join(cells)) & wanted))
    chosen = [cells for cells in ranked[:rows] if _terms(" ".join(cells)) & wanted] or ranked[:1]
    return " ".join(_row_sentence(header, cells) for cells in chosen)


def _row_sentence(header: list[str], cells: list[str]) -> str:
    pairs = [(name, value) for name, value in zip(header, cells, strict=False) if value]
    if not pairs:
        return ""
    subject = pairs[0][1]
    rest = []
    for name, value in pairs[1:]:
        if name.casefold() == "aliases":
            continue
        if name == "中文名":
            subject = f"{subject} ({value})"
        else:
            rest.append(f"{name} {value}")
    return f"{subject}: {'; '.join(rest)}." if rest else f"{subject}."
