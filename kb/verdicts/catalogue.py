"""The catalogue of controlled items: every document's ``items:``, found by name, code or family.

Lookups accept an item name or alias (English or Chinese; case, punctuation and small spelling
differences do not matter), an HS code (8 or 10 digits, dots allowed) or a control-list code
(``3C001.b``; ``3C001`` finds every sub-item). :meth:`Catalogue.mentions` finds the items and
families a free-text question names, for the answer stage.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from dataclasses import dataclass, field

from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.schema import FAMILIES, ItemSpec, ThresholdGroup
from kb.errors import QueryError
from kb.language.codes import CONTROL_CODE_IN_TEXT, classify_query, digits, hs_codes_in
from kb.language.glossary import GLOSSARY
from kb.language.phrases import PhraseIndex, normalise, original_words
from kb.language.references import document_numbers
from kb.language.script import has_chinese

__all__ = ["Catalogue", "CatalogueItem", "Match", "without_restated"]

#: How many texts' name spans a catalogue keeps (see ``Catalogue._named_spans``).
_SPANS_KEPT = 16
_RANGE = re.compile(r"^(\d[a-e])(\d{3})-(\d[a-e])(\d{3})$")


@dataclass(frozen=True)
class CatalogueItem:
    """One controlled item as a document defines it, with what decides its status."""

    document_id: str
    number: str | None
    title: str
    name: str
    name_zh: str
    element: str
    family: str
    aliases: tuple[str, ...]
    kind: str
    control: str
    control_code: str | None
    hs_codes: tuple[str, ...]
    forms: str | None
    caveat: str | None
    ref: str
    #: The document whose force decides this item's status (itself unless ``governed_by`` says otherwise).
    governed_by: str
    forms_zh: str | None = None
    caveat_zh: str | None = None
    #: The 2026 licence catalogue's customs codes for the item, their confidence, and the unconfirmed ones.
    hs_codes_2026: tuple[str, ...] = ()
    hs_2026_confidence: str | None = None
    hs_2026_unconfirmed: tuple[str, ...] = ()
    hs_misprints: tuple[str, ...] = ()
    #: The limits that define the item (see ``kb.corpus.schema.ThresholdGroup``); empty: none.
    thresholds: tuple[ThresholdGroup, ...] = field(default=(), hash=False)

    @property
    def all_hs_codes(self) -> tuple[str, ...]:
        """The announcement's codes, then the 2026 catalogue's codes it does not repeat."""
        return tuple(dict.fromkeys([*self.hs_codes, *self.hs_codes_2026]))

    @property
    def phrases(self) -> tuple[str, ...]:
        """Every name the item answers to, normalised."""
        names = [self.name, _without_brackets(self.name), self.name_zh, _without_brackets(self.name_zh)]
        names.extend(self.aliases)
        return tuple(dict.fromkeys(n for n in (normalise(x) for x in names) if n))

    @property
    def control_codes(self) -> tuple[str, ...]:
        return _code_tokens(self.control_code)


@dataclass(frozen=True)
class Match:
    """A catalogue item found for a query, and how well it matched (1.0 = exact)."""

    item: CatalogueItem
    score: float
    matched: str
    #: Where the name was found in the normalised question (for free-text mentions).
    span: tuple[int, int] | None = None


def _without_brackets(text: str) -> str:
    return re.sub(r"\s*[(（][^)）]*[)）]", "", text).strip()


def _code_tokens(code: str | None) -> tuple[str, ...]:
    if not code:
        return ()
    tokens: list[str] = []
    for part in re.split(r"\s*[/,;]\s*", code.casefold()):
        ranged = _RANGE.match(part)
        if ranged and ranged.group(1) == ranged.group(3):
            start, end = int(ranged.group(2)), int(ranged.group(4))
            tokens.extend(f"{ranged.group(1)}{n:03d}" for n in range(start, end + 1))
        elif part:
            tokens.append(part)
    return tuple(tokens)


def _item(doc: SourceDocument, spec: ItemSpec) -> CatalogueItem:
    return CatalogueItem(
        document_id=doc.id,
        number=doc.meta.number,
        title=doc.meta.title,
        name=spec.name,
        name_zh=spec.name_zh,
        element=spec.element,
        family=spec.family,
        aliases=tuple(spec.aliases),
        kind=spec.kind,
        control=spec.control,
        control_code=spec.control_code,
        hs_codes=tuple(spec.hs_codes),
        forms=spec.forms,
        caveat=spec.caveat,
        ref=spec.ref,
        governed_by=spec.governed_by or doc.id,
        forms_zh=spec.forms_zh,
        caveat_zh=spec.caveat_zh,
        hs_codes_2026=tuple(spec.hs_codes_2026),
        hs_2026_confidence=spec.hs_2026_confidence,
        hs_2026_unconfirmed=tuple(spec.hs_2026_unconfirmed),
        hs_misprints=tuple(spec.hs_misprints),
        thresholds=tuple(spec.thresholds),
    )


def _family_words() -> dict[str, str]:
    """Normalised words that name a family or an element -> the family or element they name."""
    words = {normalise(f): f for f in FAMILIES}
    words.update({"rare earth": "rare earths", "superhard material": "superhard materials"})
    words.update({"lithium battery": "lithium batteries", "lithium ion batteries": "lithium batteries"})
    for zh, english in GLOSSARY.items():
        target = english[0].casefold()
        if len(zh) <= 4 and (target in words.values() or target in _ELEMENTS):
            words[zh] = words.get(normalise(target), target)
    return words


#: Elements that are narrower than their family (rare earths); a question naming one means its items.
_ELEMENTS = (
    "samarium", "gadolinium", "terbium", "dysprosium", "lutetium", "scandium", "yttrium",
    "holmium", "erbium", "thulium", "europium", "ytterbium",
)  # fmt: skip


class Catalogue:
    """All controlled items of a corpus, searchable by name, code and family."""

    def __init__(self, corpus: Corpus) -> None:
        self._spans_of: dict[str, tuple[tuple[int, int, str, bool, float], ...]] = {}
        self.items: tuple[CatalogueItem, ...] = tuple(
            _item(doc, spec) for doc in corpus.documents.values() for spec in doc.meta.items
        )
        # Documents by their number ("No. 46 of 2024", "2024年第46号" -> (2024, 46)).
        self._numbers: dict[tuple[int | None, int], list[str]] = {}
        for doc in corpus.documents.values():
            for key in document_numbers(f"{doc.meta.number or ''} {doc.meta.number_zh or ''}"):
                self._numbers.setdefault(key, []).append(doc.id)
        self._families = _family_words()
        for element in _ELEMENTS:
            self._families.setdefault(element, element)
        # A name that is a whole family or element ("antimony", "镓") means the family, not one item.
        self._vocabulary: dict[str, list[CatalogueItem]] = {}
        for item in self.items:
            for phrase in item.phrases:
                if phrase not in self._families:
                    self._vocabulary.setdefault(phrase, []).append(item)
        # In free text, names of one or two letters ("Eu", "Ga") are too ambiguous to mean an item.
        self._item_phrases = PhraseIndex(p for p in self._vocabulary if len(p) > 2 or has_chinese(p))
        self._family_phrases = PhraseIndex(self._families)

    def __len__(self) -> int:
        return len(self.items)

    # -- lookups ------------------------------------------------------------------------------

    def lookup(self, query: str) -> list[Match]:
        """Items matching an item name/alias, HS code or control-list code, best first. A consolidated
        list's entry is left out when the announcement that defines the item is found too."""
        kind = classify_query(query)
        if kind == "hs_code":
            return without_restated(self.by_hs_code(query))
        if kind == "control_code":
            return without_restated(self.by_control_code(query))
        return without_restated(self.by_name(query))

    def by_hs_code(self, code: str) -> list[Match]:
        """Items listing the code, among the announcement's codes and the 2026 catalogue's.

        An 8-digit code also finds the 10-digit lines under it. A code no item lists finds nothing,
        never another item that only shares its heading (see :meth:`related_codes`).
        """
        wanted = digits(code)
        exact = [Match(item, 1.0, wanted) for item in self.items if wanted in item.all_hs_codes]
        exact += [Match(item, 0.9, wanted) for item in self.items if wanted in item.hs_misprints]
        if exact or len(wanted) != 8:
            return _ranked(exact)
        under = [
            Match(item, 0.8, hs) for item in self.items for hs in item.all_hs_codes if hs.startswith(wanted)
        ]
        return _ranked(under)

    def related_codes(self, code: str, limit: int = 6) -> list[tuple[str, CatalogueItem]]:
        """Listed codes under the same heading as ``code`` (6 digits, else 4), nearest first: shown
        beside a code that is not held as related, never as a match."""
        wanted = digits(code)
        for width in (6, 4):
            found = {
                hs: item
                for item in self.items
                for hs in item.all_hs_codes
                if hs[:width] == wanted[:width] and hs != wanted
            }
            if found:
                ranked = sorted(
                    found.items(), key=lambda pair: (abs(int(pair[0][:8]) - int(wanted[:8])), pair[0])
                )
                return ranked[:limit]
        return []

    def by_control_code(self, code: str) -> list[Match]:
        """``3C001.b`` finds that entry (and list entries for all of 3C001); ``3C001`` every 3C001 entry."""
        wanted = code.strip().casefold()
        matches = []
        for item in self.items:
            for token in item.control_codes:
                if token == wanted:
                    matches.append(Match(item, 1.0, token))
                    break
                if token.startswith(wanted + ".") or wanted.startswith(token + "."):
                    matches.append(Match(item, 0.8, token))
                    break
        return _ranked(matches)

    def by_name(self, query: str) -> list[Match]:
        """Exact names first, then names containing the query, then close spellings, then a family."""
        wanted = normalise(query)
        if not wanted:
            raise QueryError(f"{query!r} contains no letters or digits to look up")
        if wanted in self._families:
            family = self._families[wanted]
            return _ranked([Match(item, 0.9, family) for item in self.in_family(family)])
        matches = [Match(item, 1.0, wanted) for item in self._vocabulary.get(wanted, [])]
        if not matches:
            inside = {phrase for _, _, phrase in self._item_phrases.exact(wanted) if len(phrase) >= 3}
            around = {
                phrase for phrase in self._vocabulary if len(wanted) >= 3 and f" {wanted} " in f" {phrase} "
            }
            matches = [
                Match(item, 0.7, phrase) for phrase in inside | around for item in self._vocabulary[phrase]
            ]
        if not matches:
            close = difflib.get_close_matches(wanted, list(self._vocabulary), n=5, cutoff=0.85)
            matches = [Match(item, 0.6, phrase) for phrase in close for item in self._vocabulary[phrase]]
        if not matches:
            near = self._close_family(wanted)
            if near:
                matches = [Match(item, 0.5, near) for item in self.in_family(near)]
        return _ranked(matches)

    def family_spans(self, normal: str) -> list[tuple[int, int, str]]:
        """(start, end, family) for every family or element word in normalised text."""
        return [(start, end, self._families[word]) for start, end, word in self._family_phrases.exact(normal)]

    def families_in_items(self) -> tuple[str, ...]:
        """The families that have items, in catalogue order."""
        return tuple(dict.fromkeys(item.family for item in self.items))

    def in_family(self, family_or_element: str) -> list[CatalogueItem]:
        """Items of a family ("rare earths") or of one element ("samarium")."""
        key = family_or_element.casefold()
        return [item for item in self.items if key in (item.family, item.element.casefold())]

    def _close_family(self, wanted: str) -> str | None:
        close = difflib.get_close_matches(wanted, list(self._families), n=1, cutoff=0.85)
        return self._families[close[0]] if close else None

    # -- question analysis --------------------------------------------------------------------

    def documents_named(self, text: str) -> tuple[str, ...]:
        """Ids of the documents ``text`` names by number (English or Chinese form)."""
        found = [doc for key in sorted(document_numbers(text), key=str) for doc in self._numbers.get(key, [])]
        return tuple(dict.fromkeys(found))

    def mentions(self, text: str) -> tuple[list[Match], list[str]]:
        """Items and families named in free text: (item matches, families or elements).

        Longer phrases win over the shorter ones inside them, so "gallium nitride wafers" names
        the gallium-nitride item and not the gallium family; phrases covering the same words are
        all kept (two documents may define the same thing). A name also matches with a word or two
        between its words ("rare-earth magnet manufacturing technology" names "rare earth magnet
        technology"), at a lower score. Codes in the text are matched too.
        """
        found: list[Match] = []
        for code in hs_codes_in(text):
            found.extend(self.by_hs_code(code))
        for raw in CONTROL_CODE_IN_TEXT.findall(text):
            found.extend(self.by_control_code(raw))
        families: list[str] = []
        for start, end, phrase, is_item, score in self._named_spans(normalise(text)):
            if is_item:
                found.extend(Match(item, score, phrase, (start, end)) for item in self._vocabulary[phrase])
            elif self._families[phrase] not in families:
                families.append(self._families[phrase])
        return _ranked(found), families

    def named_words(self, text: str) -> list[str]:
        """The words of ``text``, as written, that name an item or a family ("gallium arsenide
        wafers", "graphite"), in the order they stand."""
        normal = normalise(text)
        return [original_words(text, start, end) for start, end, *_ in self._named_spans(normal)]

    def _named_spans(self, normal: str) -> tuple[tuple[int, int, str, bool, float], ...]:
        """(start, end, phrase, is an item phrase, score) of each name in normalised text, in order;
        a longer phrase wins over the shorter ones inside it. The last few texts' spans are kept: one
        answer reads its question's names four or five times (a dict is safe between threads)."""
        known = self._spans_of.get(normal)
        if known is not None:
            return known
        spans: list[tuple[int, int, str, bool, float]] = []
        exact = self._item_phrases.exact(normal)
        spans.extend((s, e, phrase, True, 1.0) for s, e, phrase in exact)
        matched = {phrase for _, _, phrase in exact}
        spans.extend((s, e, phrase, True, 0.8) for s, e, phrase in self._item_phrases.gapped(normal, matched))
        spans.extend((s, e, word, False, 1.0) for s, e, word in self._family_phrases.exact(normal))
        kept: list[tuple[int, int, str, bool, float]] = []
        for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), -s[4], s[0])):
            if all(span[1] <= k[0] or span[0] >= k[1] or (span[0], span[1]) == (k[0], k[1]) for k in kept):
                kept.append(span)
        found = tuple(sorted(kept))
        with contextlib.suppress(StopIteration, RuntimeError, KeyError):  # another thread's pop
            while len(self._spans_of) >= _SPANS_KEPT:
                self._spans_of.pop(next(iter(self._spans_of)))
        self._spans_of[normal] = found
        return found


def without_restated(matches: list[Match]) -> list[Match]:
    """Matches without the list entries whose defining announcement's item is among them."""
    defining = {m.item.governed_by for m in matches if m.item.document_id == m.item.governed_by}
    return [
        m for m in matches if m.item.document_id == m.item.governed_by or m.item.governed_by not in defining
    ]


def _ranked(matches: list[Match]) -> list[Match]:
    best: dict[tuple[str, str, str], Match] = {}
    for match in matches:
        key = (match.item.document_id, match.item.ref, match.item.name)
        if key not in best or match.score > best[key].score:
            best[key] = match
    return sorted(best.values(), key=lambda m: -m.score)
