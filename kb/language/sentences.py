"""Sentence splitting, defined once for chunking and for quoting.

English splits after ``.``, ``!`` or ``?`` followed by white space and a capital, digit, quote or
bracket, never after an abbreviation ("No.", "Art.", "e.g.", a single initial); Chinese splits after
。！？；. English semicolons end a sentence only when asked: legal lists run on them, so a quote must
not stop mid-list, while a chunk may be cut there when nothing else fits.
"""

from __future__ import annotations

import re

from kb.language.script import IDEOGRAPHS

__all__ = ["asking_part", "split_sentences"]

_FOLLOWS = rf"(?=[\"'“(\[A-Z0-9{IDEOGRAPHS}])"
_END = re.compile(rf"(?<=[.!?])\s+{_FOLLOWS}|(?<=[。！？；])")
_END_OR_SEMICOLON = re.compile(rf"(?<=[.!?;])\s+{_FOLLOWS}|(?<=[。！？；])")
#: Words after which a full stop does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:Art|Arts|No|Nos|Para|para|paras|Sec|p|pp|cf|e\.g|i\.e|etc|vs|Co|Ltd|Inc|Mr|Ms|Dr|St|Vol|Fig)"
    r"|\b[A-Z])\.$"
)


def split_sentences(text: str, semicolons: bool = False) -> list[str]:
    """The sentences of ``text`` in order, stripped; white space inside a sentence is kept as it is."""
    pattern = _END_OR_SEMICOLON if semicolons else _END
    sentences: list[str] = []
    for piece in pattern.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def asking_part(text: str) -> str | None:
    """The sentences of a message that ask (those ending in a question mark), when the message also
    holds sentences that only set the scene; ``None`` when the whole message is the question."""
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return None
    asking = [s for s in sentences if s.endswith(("?", "？"))]
    if not asking or len(asking) == len(sentences):
        return None
    return " ".join(asking)
