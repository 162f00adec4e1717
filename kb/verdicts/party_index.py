"""The names of every listed party, folded once, and how a screened name is matched against them.

Certain matches: the same key after folding (``kb.language.names``: case, width, accents,
punctuation, spacing, legal forms, articles), or the same words in another order. Possible
matches, each scored 0-100 and kept from ``POSSIBLE_SCORE`` up:

- a close spelling: the better of rapidfuzz ``ratio`` and ``token_sort_ratio`` of the keys, between
  names of ``FUZZY_MIN_CHARS`` letters or more that differ by at most ``MAX_EDITS`` letters or
  ``MAX_EDIT_SHARE`` of the longer one;
- a listed name inside the screened one (``Lockheed Martin Space`` holds ``Lockheed Martin``): a
  subsidiary, a branch or a namesake, 80 + 15 x the share of the screened name it covers;
- the screened name inside a listed one (``Mitsubishi Heavy Industries`` in ``Mitsubishi Heavy
  Industries Shipbuilding``): a parent or a short form, 80 + 15 x the share of the listed name;
- two names of two or more words led by the same distinctive word (``Kratos Defense`` and ``Kratos
  Unmanned Aerial Systems``), at ``POSSIBLE_SCORE``;
- a parent the party's note names (``A Boeing subsidiary``, ``a subsidiary of Mitsui & Co.``,
  ``A TechInsights branch``), at ``PARENT_SCORE``;
- an alias of at most ``SHORT_ACRONYM`` letters (``GD``, ``HII``): another company may use it.

Words that say nothing on their own (``General``, ``Systems``: ``ordinary`` words) never make a
containment match by themselves.
Containment compares words in the singular (``Teal Drone`` / ``Teal Drones``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from kb.corpus.documents import Corpus
from kb.language.countries import COUNTRY_NAMES
from kb.language.names import COMMON_WORDS, NameForm, name_form, name_tokens
from kb.language.script import han_count
from kb.language.stopwords import DOMAIN, ENGLISH

__all__ = [
    "FUZZY_MIN_CHARS",
    "MAX_EDITS",
    "MAX_EDIT_SHARE",
    "PARENT_SCORE",
    "POSSIBLE_SCORE",
    "SHORT_ACRONYM",
    "Candidate",
    "ListedName",
    "MatchMethod",
    "NameField",
    "NameIndex",
    "listed_names",
    "ordinary_words",
    "parents_named",
    "rank",
]

NameField = Literal["name", "name_zh", "alias", "parent"]
MatchMethod = Literal[
    "exact",
    "normalised",
    "word_order",
    "acronym",
    "close_spelling",
    "contains",
    "part_of",
    "shares_word",
    "parent",
]

#: The lowest score a possible match is shown with; below it a name is not a match.
POSSIBLE_SCORE = 80
#: Close spellings are only looked for between names of at least this many letters (Chinese: 4).
FUZZY_MIN_CHARS = 5
#: Score of a name the files give as a listed party's parent (``Boeing`` for Insitu): the listing
#: covers the subsidiary or branch, not necessarily the parent.
PARENT_SCORE = 85
#: An alias this short is an initialism that other companies may share: a possible match only.
SHORT_ACRONYM = 3
#: A close spelling differs from the listed name (words sorted) by at most this many letters, or by
#: this share of the longer name's letters when that is more.
MAX_EDITS = 2
MAX_EDIT_SHARE = 0.15
#: How many close spellings are examined per screened name.
_FUZZY_LIMIT = 25

#: Score of each certain method.
_CERTAIN_SCORES: dict[MatchMethod, int] = {"exact": 100, "normalised": 100, "word_order": 97}


@dataclass(frozen=True)
class ListedName:
    """One name a party answers to (its name, Chinese name or an alias), folded."""

    party: int
    written: str
    field: NameField
    form: NameForm

    @property
    def letters(self) -> int:
        return len(self.form.key.replace(" ", ""))

    @property
    def short_alias(self) -> bool:
        return self.field == "alias" and self.letters <= SHORT_ACRONYM


@dataclass(frozen=True)
class Candidate:
    """A listed name found for a query: how, how well, and whether the match is certain."""

    name: ListedName
    score: int
    certain: bool
    method: MatchMethod


def _no_spaces(key: str) -> str:
    return key.replace(" ", "")


class NameIndex:
    """Every listed name by key, by sorted words, by spacing-free key and by word; built once."""

    def __init__(self, names: Iterable[ListedName], ordinary: frozenset[str]) -> None:
        self.names = tuple(names)
        self.ordinary = ordinary
        self._ordinary = ordinary | {_stem(w) for w in ordinary}
        self._by_key: dict[str, list[ListedName]] = {}
        self._by_sorted: dict[str, list[ListedName]] = {}
        self._by_compact: dict[str, list[ListedName]] = {}
        self._by_word: dict[str, set[str]] = {}
        self._parents: dict[str, list[ListedName]] = {}
        for name in self.names:
            key = name.form.key
            if name.field == "parent":
                for form in {key, name.form.sorted_key, _no_spaces(key)}:
                    self._parents.setdefault(form, []).append(name)
                continue
            self._by_key.setdefault(key, []).append(name)
            self._by_sorted.setdefault(name.form.sorted_key, []).append(name)
            self._by_compact.setdefault(_no_spaces(key), []).append(name)
            for word in name.form.tokens:
                self._by_word.setdefault(_stem(word), set()).add(key)
        self._keys = list(self._by_key)
        self._fuzzy_keys = [k for k in self._keys if _long_enough(k)]
        self._han_keys = [k for k in self._keys if han_count(k) >= 4]

    def match(self, query: NameForm) -> list[Candidate]:
        """Every listed name the query matches, certain or possible, best per party first."""
        found: list[Candidate] = []
        key = query.key
        for name in self._by_key.get(key, []):
            found.append(self._same(name, query))
        if len(query.tokens) > 1:
            for name in self._by_sorted.get(query.sorted_key, []):
                if name.form.key != key:
                    found.append(self._certain(name, "word_order"))
        for name in self._by_compact.get(_no_spaces(key), []):
            if name.form.key != key and name.form.sorted_key != query.sorted_key:
                found.append(self._certain(name, "normalised"))
        found.extend(self._close_spellings(key))
        found.extend(self._containing(query))
        for form in dict.fromkeys([key, query.sorted_key, _no_spaces(key)]):
            found.extend(Candidate(n, PARENT_SCORE, False, "parent") for n in self._parents.get(form, []))
        return _best_per_party(found)

    def _same(self, name: ListedName, query: NameForm) -> Candidate:
        if name.short_alias:
            return Candidate(name, 90, False, "acronym")
        method: MatchMethod = "exact" if query.folded == name.form.folded else "normalised"
        return self._certain(name, method)

    def _certain(self, name: ListedName, method: MatchMethod) -> Candidate:
        if name.short_alias:
            return Candidate(name, 90, False, "acronym")
        return Candidate(name, _CERTAIN_SCORES[method], True, method)

    def _close_spellings(self, key: str) -> list[Candidate]:
        if not _long_enough(key):
            return []
        # Both scorers: sorting words handles another word order, but a misspelt first letter can
        # move a word in the sort (mp mterials / materials mp), which plain ratio does not mind.
        scores: dict[str, float] = {}
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            for other, score, _ in process.extract(
                key, self._fuzzy_keys, scorer=scorer, score_cutoff=POSSIBLE_SCORE, limit=_FUZZY_LIMIT
            ):
                scores[other] = max(score, scores.get(other, 0.0))
        found: list[Candidate] = []
        for other, score in scores.items():
            # A misspelling is a few letters; names that share only some words are not close
            # (Micron Technology / JC Technology), however high their ratio.
            edits = min(Levenshtein.distance(key, other), Levenshtein.distance(_sorted(key), _sorted(other)))
            if other == key or edits > _max_edits(key, other):
                continue
            for name in self._by_key[other]:
                found.append(Candidate(name, min(int(score), 99), False, "close_spelling"))
        return found

    def _containing(self, query: NameForm) -> list[Candidate]:
        """Listed names inside the query, the query inside listed names, and names that share a
        leading distinctive word (possible matches). Words are compared singular (``Drones``)."""
        words = tuple(_stem(w) for w in query.tokens)
        related: set[str] = set()
        for word in words:
            related |= self._by_word.get(word, set())
        if query.is_chinese:
            related |= {k for k in self._han_keys if k in query.key or query.key in k}
        related.discard(query.key)
        found: list[Candidate] = []
        letters = len(_no_spaces(query.key))
        for other in related:
            other_words = tuple(_stem(w) for w in other.split())
            other_letters = len(_no_spaces(other))
            method: MatchMethod | None = None
            if self._inside(other_words, words, listed=True) or _han_inside(other, query.key):
                method, score = "contains", 80 + round(15 * other_letters / letters)
            elif self._inside(words, other_words, listed=False) or _han_inside(query.key, other):
                method, score = "part_of", 80 + round(15 * letters / other_letters)
            elif self._same_lead(words, other_words):
                method, score = "shares_word", POSSIBLE_SCORE
            if method:
                found.extend(Candidate(n, min(score, 95), False, method) for n in self._by_key[other])
        return found

    def _distinctive(self, word: str) -> bool:
        return word not in self._ordinary and not word.isdigit()

    def _inside(self, part: tuple[str, ...], whole: tuple[str, ...], listed: bool) -> bool:
        """True when the name ``part`` stands inside the name ``whole`` in a way worth a check: its
        words lead ``whole`` (``General Atomics`` / ``General Atomics Aeronautical Systems``), or
        they are all in ``whole`` and one of them is not an ordinary word (``Boeing``). A single
        ordinary word leads only when it is a whole listed name (``Cubic`` in ``Cubic Telecom``),
        never as the screened name (``General``)."""
        if len(part) >= len(whole) or not set(part) <= set(whole) or len("".join(part)) < SHORT_ACRONYM:
            return False
        distinctive = any(self._distinctive(w) for w in part)
        single_ok = distinctive or (listed and len(part[0]) >= FUZZY_MIN_CHARS)
        leading = whole[: len(part)] == part and (len(part) > 1 or single_ok)
        return leading or distinctive

    def _same_lead(self, words: tuple[str, ...], other: tuple[str, ...]) -> bool:
        """Two names of two or more words led by the same distinctive word (``Kratos Defense`` and
        ``Kratos Unmanned Aerial Systems``): parent and subsidiary, or namesakes."""
        return (
            len(words) > 1
            and len(other) > 1
            and words[0] == other[0]
            and len(words[0]) >= FUZZY_MIN_CHARS
            and self._distinctive(words[0])
        )


def _sorted(key: str) -> str:
    return " ".join(sorted(key.split()))


def _max_edits(key: str, other: str) -> int:
    """How many letters a misspelling may change: two, or 15% of the longer name."""
    return max(MAX_EDITS, round(MAX_EDIT_SHARE * max(len(key), len(other))))


def _stem(word: str) -> str:
    """A word's singular, roughly (``technologies`` -> ``technology``, ``drones`` -> ``drone``)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _han_inside(part: str, whole: str) -> bool:
    return han_count(part) >= 4 and part != whole and part in whole


def _long_enough(key: str) -> bool:
    chinese = han_count(key)
    return chinese >= 4 if chinese else len(_no_spaces(key)) >= FUZZY_MIN_CHARS


def _best_per_party(candidates: list[Candidate]) -> list[Candidate]:
    best: dict[int, Candidate] = {}
    for candidate in candidates:
        party = candidate.name.party
        held = best.get(party)
        if held is None or rank(candidate) > rank(held):
            best[party] = candidate
    return sorted(best.values(), key=lambda c: (not c.certain, -c.score, c.name.party))


def rank(candidate: Candidate) -> tuple[bool, int, bool, bool]:
    """How candidates for the same party compare, higher first: certain, then by score; between
    equals, a match as written, then one on the party's own name."""
    return (
        candidate.certain,
        candidate.score,
        candidate.method == "exact",
        candidate.name.field == "name",
    )


def listed_names(
    party: int, name: str, name_zh: str | None, aliases: Iterable[str], note: str | None = None
) -> list[ListedName]:
    """The folded names of one party (its name, Chinese name, aliases and the parents its note
    names), without repeats."""
    written: list[tuple[str, NameField]] = [(name, "name")]
    if name_zh:
        written.append((name_zh, "name_zh"))
    written.extend((alias, "alias") for alias in aliases)
    written.extend((parent, "parent") for parent in parents_named(note or ""))
    seen: set[str] = set()
    names = []
    for text, field in written:
        form = name_form(text)
        if form.key and form.folded not in seen:
            seen.add(form.folded)
            names.append(ListedName(party, text, field, form))
    return names


_NAME = r"[A-Z][\w&.\-]*(?: (?:&|[A-Z][\w&.\-]*))*"
_PARENT_PATTERNS = (
    re.compile(rf"\bAn? (?P<parent>{_NAME}) (?:subsidiary|branch)\b"),
    re.compile(rf"\b(?:subsidiary|branch|arm|division|unit) of (?:the )?(?P<parent>{_NAME})"),
)


def parents_named(note: str) -> tuple[str, ...]:
    """The parent companies a party's note names: ``A Boeing subsidiary.`` -> ``Boeing``; ``A
    business unit of Raytheon Technologies (RTX)`` -> ``Raytheon Technologies``."""
    found: list[str] = []
    for pattern in _PARENT_PATTERNS:
        for match in pattern.finditer(note):
            parent = match.group("parent").split(". ")[0].rstrip(".,;")
            if parent and parent not in found:
                found.append(parent)
    return tuple(found)


_LEXICON = Path(__file__).with_name("lexicon.yaml")
_WORD = re.compile(r"\b[a-z][a-z0-9]*\b")


def ordinary_words(corpus: Corpus) -> frozenset[str]:
    """Words that do not make a name on their own: ``COMMON_WORDS``, English stop words, country
    names, the product lexicon's words and every word the non-party documents write in lower case."""
    words = set(COMMON_WORDS) | ENGLISH | DOMAIN
    for name in COUNTRY_NAMES:
        words.update(name_tokens(name))
    words.update(_lexicon_words())
    for doc in corpus:
        if doc.meta.kind in ("party_list", "user"):
            continue
        for text in (doc.summary, *(section.text for section in doc.sections)):
            words.update(_WORD.findall(text))
    return frozenset(w for w in words if w.isascii())


def _lexicon_words() -> set[str]:
    """The words of the product lexicon's names and aliases (elements, forms, products)."""
    if not _LEXICON.is_file():
        return set()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's loader when built with it: 8x faster
    data = yaml.load(_LEXICON.read_text(encoding="utf-8"), Loader=loader) or {}
    words: set[str] = set()
    for part in ("elements", "forms", "products"):
        for entry in data.get(part) or []:
            if not isinstance(entry, dict):
                continue
            texts = [entry.get("name"), *(entry.get("aliases") or [])]
            for text in texts:
                if isinstance(text, str):
                    words.update(t for t in name_tokens(text) if t.isalpha() and t.isascii())
    return words
