"""Choosing what to quote: the sentences of a provision, or the rows of a table, that bear most on
a question; and facts without sentences already said."""

from __future__ import annotations

import re

from kb.language.sentences import split_sentences
from kb.language.stopwords import content_words

__all__ = ["excerpt", "figure_excerpt", "table_excerpt", "without_repeats"]


def _sentences(text: str) -> list[str]:
    return split_sentences(" ".join(text.split()))


def _joined(sentences: list[str]) -> str:
    """Sentences joined as written: a space after English ones, nothing after Chinese full stops."""
    text = ""
    for sentence in sentences:
        if text and not text.endswith(("。", "！", "？", "；", "：")):
            text += " "
        text += sentence
    return text


def excerpt(text: str, question: str, limit: int = 420) -> str:
    """The sentences of ``text`` that bear most on ``question``, in their order, within ``limit``."""
    sentences = _sentences(text)
    if len(text) <= limit or len(sentences) <= 1:
        return _joined(sentences) if sentences else text.strip()
    wanted = content_words(question)
    ranked = sorted(range(len(sentences)), key=lambda i: (-len(content_words(sentences[i]) & wanted), i))
    chosen: list[int] = []
    size = 0
    for i in ranked:
        if chosen and size + len(sentences[i]) > limit:
            continue
        chosen.append(i)
        size += len(sentences[i])
    return _joined([sentences[i] for i in sorted(chosen)])


def figure_excerpt(text: str, question: str, limit: int = 520) -> str:
    """Like :func:`excerpt`, but the sentences that state a figure (an amount, a number of days or
    years, a percentage) come first, so the figures a procedure turns on are quoted."""
    sentences = _sentences(text)
    if len(text) <= limit or len(sentences) <= 1:
        return _joined(sentences) if sentences else text.strip()
    wanted = content_words(question)

    def rank(i: int) -> tuple[bool, int, int]:
        return (not re.search(r"\d", sentences[i]), -len(content_words(sentences[i]) & wanted), i)

    chosen: list[int] = []
    size = 0
    for i in sorted(range(len(sentences)), key=rank):
        if chosen and size + len(sentences[i]) > limit:
            continue
        chosen.append(i)
        size += len(sentences[i])
    return _joined([sentences[i] for i in sorted(chosen)])


def without_repeats(facts: list[str]) -> list[str]:
    """Drop sentences already said by an earlier fact; a fact left empty is dropped."""
    seen: set[str] = set()
    kept_facts = []
    for fact in facts:
        body, marker = re.match(r"^(.*?)((?:\s*\[\d+\])?)$", fact, re.DOTALL).groups()  # type: ignore[union-attr]
        kept = []
        for sentence in _sentences(body):
            key = sentence.strip().casefold()
            if key in seen:
                continue
            seen.add(key)
            kept.append(sentence)
        if kept:
            kept_facts.append(_joined(kept) + marker)
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
    wanted = content_words(question)
    ranked = sorted(body, key=lambda cells: -len(content_words(" ".join(cells)) & wanted))
    chosen = [cells for cells in ranked[:rows] if content_words(" ".join(cells)) & wanted] or ranked[:1]
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
