"""Listed parties named inside free text, found precisely: one pass over the words of a question.

A question's words are mostly products, dates and places, so a listed name only counts where it is
written as a name (rules decided once per name, when the finder is built):

- an initialism (at most ``SHORT_ACRONYM`` letters, or written in capitals in the file and at most
  six letters: ``TDK``, ``JAXA``, ``GD-OTS``) only in capitals; a short alias is a possible match;
- a name made only of ordinary words (``Rapid Flight``, ``USA Rare Earth``) only with capitals;
- a one-word ordinary name (``Cubic``, ``Garnet``) only followed by a legal form (``Cubic Corp.``);
- any other name (``MP Materials``, ``Hensoldt``) in any case; a four-letter one with a capital;
- a Chinese name as written, legal form and all (``斯巴鲁株式会社``), or without it when five or
  more characters remain (``洛克希德马丁``, ``汉翔航空工业``);
- a close misspelling (rapidfuzz ``ratio`` >= ``TEXT_FUZZY_SCORE``) of a name of two or more words
  and ten or more letters, in a run of capitalised words: a possible match.

Where mentions overlap, the longest wins (``Lockheed Martin Aeronautics`` over ``Lockheed Martin``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from kb.language.names import fold_word, is_legal_form, name_form
from kb.language.script import HAN, IDEOGRAPHS, han_count
from kb.verdicts.party_index import SHORT_ACRONYM, Candidate, ListedName, rank

__all__ = ["MAX_FUZZY_WINDOWS", "TEXT_FUZZY_SCORE", "MentionFinder"]

#: The lowest rapidfuzz ratio at which a capitalised run of words in a text is taken for a misspelt
#: listed name (a possible match).
TEXT_FUZZY_SCORE = 90
#: How many windows of capitalised words one text may have checked for misspellings (a bound on
#: the time a long pasted text can take).
MAX_FUZZY_WINDOWS = 400

Rule = Literal["any_case", "capitalised", "upper", "with_legal_form"]

_LATIN_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
_FILLERS = frozenset({"the", "and", "und", "et"})


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    name: ListedName
    rule: Rule
    certain: bool


@dataclass(frozen=True)
class _Word:
    text: str
    folded: str
    start: int
    end: int


# (start, end, candidate, the words of the text that matched)
_Span = tuple[int, int, Candidate, str]


class MentionFinder:
    """Finds listed names in text; built once from every listed name."""

    def __init__(self, names: Iterable[ListedName], ordinary: frozenset[str]) -> None:
        self.ordinary = ordinary
        self._by_first: dict[str, list[_Pattern]] = {}
        self._han: list[tuple[str, ListedName]] = []
        self._fuzzy: dict[str, list[ListedName]] = {}
        for name in names:
            if name.field == "parent":
                continue  # a parent's name in a question does not name the listed subsidiary
            if HAN.search(name.form.folded):
                self._add_chinese(name)
            if not HAN.search(name.form.key):
                self._add_latin(name)
        self._fuzzy_keys = list(self._fuzzy)
        #: Each Chinese name's place in ``_han`` by its first character (looked up, not scanned).
        self._han_by_first: dict[str, list[int]] = {}
        for k, (written, _name) in enumerate(self._han):
            self._han_by_first.setdefault(written[0], []).append(k)

    # -- building -------------------------------------------------------------------------------

    def _add(self, words: tuple[str, ...], name: ListedName, rule: Rule, certain: bool) -> None:
        self._by_first.setdefault(words[0], []).append(_Pattern(words, name, rule, certain))

    def _add_latin(self, name: ListedName) -> None:
        key = name.form.tokens
        written_caps = not any(ch.islower() for ch in name.written)
        certain = not name.short_alias
        ordinary = all(w in self.ordinary or w.isdigit() or len(w) == 1 for w in key)
        if name.letters <= SHORT_ACRONYM or (written_caps and name.letters <= 6 and len(key) <= 2):
            self._add(key, name, "upper", certain)
        elif len(key) == 1 and ordinary:
            self._add(key, name, "with_legal_form", certain)
        elif len(key) == 1:
            self._add(key, name, "any_case" if name.letters >= 5 else "capitalised", certain)
        else:
            self._add(key, name, "capitalised" if ordinary else "any_case", certain)
        if len(key) >= 2 and name.letters >= 10:
            self._fuzzy.setdefault(name.form.key, []).append(name)

    def _add_chinese(self, name: ListedName) -> None:
        full = _compact(name.form.folded)[0]
        self._han.append((full, name))
        key = _compact(name.form.key)[0]
        latin = re.search("[a-z0-9]", key) is not None
        if key != full and HAN.search(key) and (han_count(key) >= 5 or (latin and han_count(key) >= 2)):
            self._han.append((key, name))

    # -- finding --------------------------------------------------------------------------------

    def find(self, text: str) -> list[tuple[Candidate, str, str]]:
        """(candidate, the words of the text that name it, their folded form), best per party."""
        text = unicodedata.normalize("NFKC", text)
        words = _words(text)
        taken = bytearray(len(text) + 1)  # characters already part of a kept mention
        kept = _longest_first(self._latin_spans(words) + self._han_spans(text), taken)
        kept += self._misspelt_spans(words, taken)
        best: dict[int, tuple[_Span, str]] = {}
        for span in sorted(kept, key=lambda s: s[0]):
            party, candidate = span[2].name.party, span[2]
            held = best.get(party)
            if held is None or rank(candidate) > rank(held[0][2]):
                best[party] = (span, text[span[0] : span[1]])
        return [(span[2], written, span[3]) for span, written in best.values()]

    def _latin_spans(self, words: list[_Word]) -> list[_Span]:
        spans: list[_Span] = []
        for i, word in enumerate(words):
            for pattern in self._by_first.get(word.folded, ()):
                last = i + len(pattern.words)
                if last > len(words) or tuple(w.folded for w in words[i:last]) != pattern.words:
                    continue
                following = words[last].folded if last < len(words) else ""
                if not _written_as_name(words[i:last], pattern.rule, following):
                    continue
                folded = " ".join(w.folded for w in words[i:last])
                method = "exact" if folded == pattern.name.form.folded else "normalised"
                if not pattern.certain:
                    method = "acronym"
                score = 100 if pattern.certain else 90
                candidate = Candidate(pattern.name, score, pattern.certain, method)  # type: ignore[arg-type]
                spans.append((word.start, words[last - 1].end, candidate, folded))
        return spans

    def _han_spans(self, text: str) -> list[_Span]:
        # Every Chinese name holds a Chinese character: a text without one names none of them. The
        # others are looked for only where the text holds their first character, in list order.
        if not HAN.search(text):
            return []
        compact, where = _compact(text)
        order = sorted(k for char in set(compact) for k in self._han_by_first.get(char, ()))
        spans: list[_Span] = []
        for written, name in (self._han[k] for k in order):
            start = compact.find(written)
            while start != -1:
                end = start + len(written)
                if _bounded(compact, start, end):
                    method = "exact" if written == _compact(name.form.folded)[0] else "normalised"
                    candidate = Candidate(name, 100, True, method)  # type: ignore[arg-type]
                    spans.append((where[start], where[end - 1] + 1, candidate, written))
                start = compact.find(written, start + 1)
        return spans

    def _misspelt_spans(self, words: list[_Word], taken: bytearray) -> list[_Span]:
        """Possible matches for runs of capitalised words not already taken, longest windows first,
        at most ``MAX_FUZZY_WINDOWS`` windows per text."""
        spans: list[_Span] = []
        budget = MAX_FUZZY_WINDOWS
        for run in _capitalised_runs(words):
            for size in range(min(6, len(run)), 1, -1):
                for i in range(len(run) - size + 1):
                    window = run[i : i + size]
                    start, end = window[0].start, window[-1].end
                    if any(taken[start:end]):
                        continue
                    if budget <= 0:
                        return spans
                    budget -= 1
                    key = name_form(" ".join(w.text for w in window)).key
                    best = process.extractOne(
                        key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=TEXT_FUZZY_SCORE
                    )
                    if best is None or best[0] == key:
                        continue
                    taken[start:end] = b"\x01" * (end - start)
                    for name in self._fuzzy[best[0]]:
                        candidate = Candidate(name, min(int(best[1]), 99), False, "close_spelling")
                        spans.append((start, end, candidate, key))
        return spans


def _longest_first(spans: list[_Span], taken: bytearray) -> list[_Span]:
    """The spans that do not overlap a longer (or better) one; the same words may name several."""
    kept: list[_Span] = []
    places: set[tuple[int, int]] = set()
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), not s[2].certain, -s[2].score, s[0])):
        start, end = span[0], span[1]
        if (start, end) in places or not any(taken[start:end]):
            kept.append(span)
            places.add((start, end))
            taken[start:end] = b"\x01" * (end - start)
    return kept


def _words(text: str) -> list[_Word]:
    """The Latin words of ``text``, folded, fillers left out; runs of initials joined (``E&S``)."""
    words: list[_Word] = []
    for match in _LATIN_WORD.finditer(text):
        token = match.group(0)
        folded = fold_word(token)
        if folded in _FILLERS:
            continue
        previous = words[-1] if words else None
        gap = text[previous.end : match.start()] if previous else ""
        if (
            previous
            and len(token) == 1
            and len(previous.text.replace(".", "")) <= 3
            and previous.text.isalpha()
            and gap.strip() in (".", "&", ". ", "")
            and gap.strip()
        ):
            joined = text[previous.start : match.end()]
            words[-1] = _Word(joined, previous.folded + folded, previous.start, match.end())
            continue
        words.append(_Word(token, folded, match.start(), match.end()))
    return words


def _written_as_name(words: list[_Word], rule: Rule, following: str) -> bool:
    if rule == "any_case":
        return True
    if rule == "upper":
        return all(not any(ch.islower() for ch in w.text) for w in words)
    capitalised = all(w.text[0].isupper() or w.text[0].isdigit() for w in words)
    if rule == "capitalised":
        return capitalised
    return capitalised and is_legal_form(following)


def _capitalised_runs(words: list[_Word]) -> list[list[_Word]]:
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    for word in words:
        if word.text[0].isupper() and len(word.text) > 1:
            if current and current[-1].end + 2 < word.start:  # a comma or more between them
                runs.append(current)
                current = []
            current.append(word)
        else:
            runs.append(current)
            current = []
    runs.append(current)
    return [run for run in runs if len(run) >= 2]


_GAP = re.compile(r"[\s\W_]")


def _compact(text: str) -> tuple[str, list[int]]:
    """``text`` folded, with spaces and punctuation dropped next to Chinese characters and squeezed to
    one space between other words; and each character's offset in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for offset, char in enumerate(text):
        if _GAP.fullmatch(char):
            if chars and chars[-1] != " ":
                chars.append(" ")
                where.append(offset)
            continue
        for folded in fold_word(char):
            if (
                chars
                and chars[-1] == " "
                and (HAN.match(folded) or (len(chars) > 1 and HAN.match(chars[-2])))
            ):
                chars.pop()
                where.pop()
            chars.append(folded)
            where.append(offset)
    if chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where


_EDGE = re.compile(f"[^{IDEOGRAPHS}]")


def _bounded(compact: str, start: int, end: int) -> bool:
    """A match that starts or ends with a Latin letter or digit must not run on into another word."""
    before = compact[start - 1] if start > 0 else ""
    after = compact[end] if end < len(compact) else ""
    if _EDGE.match(compact[start]) and before and before.isalnum() and _EDGE.match(before):
        return False
    return not (_EDGE.match(compact[end - 1]) and after and after.isalnum() and _EDGE.match(after))
