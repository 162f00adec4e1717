"""The product lexicon: what a question is about, even when no control list names it.

``lexicon.yaml`` beside this module holds every chemical element (English and Chinese names, other
spellings), the product forms people name (metal, ingot, powder, oxide, wafer, magnet, cell, ...) and
named products (compounds, alloys, minerals, trade and shop-floor names such as APT, NdFeB, 磁钢,
moly oxide). :meth:`Lexicon.products_in` turns a question into the products it names: their
elements and form. The lexicon decides nothing about control: verdicts come from the catalogue.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from kb.errors import KbError
from kb.language.phrases import PhraseIndex, normalise, original_words
from kb.language.script import has_chinese

__all__ = ["LEXICON_PATH", "Lexicon", "Mention", "ProductMention", "default_lexicon"]

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")

#: Element names that are also everyday words: they name an element only next to a form word
#: or a purity ("lead ingots", "tin 99.9%"), never alone ("lead time").
_AMBIGUOUS = frozenset({"lead", "tin", "iron", "gold", "silver", "carbon", "boron", "nickel"})
#: Forms that are shapes of a metal: "indium ingots" asks about the metal.
METAL_SHAPES = frozenset(
    {"ingot", "granules", "pellets", "sheet", "wire", "rod", "tube", "foil", "solid", "scrap", "powder"}
)
#: The forms of optical windows: flat ones are caught by size and transmittance, curved ones as such.
WINDOW_FORMS = frozenset({"window_flat", "window_curved"})
#: Forms that name a product even without an element ("磁钢" = permanent magnets).
_STANDALONE_FORMS = frozenset(
    {
        "magnet",
        "battery_cell",
        "battery_pack",
        "cathode_material",
        "anode_material",
        "window_flat",
        "window_curved",
    }
)
#: Forms that only shape a named product ("GaN wafers", "tungsten carbide powder").
_SHAPES = METAL_SHAPES | frozenset(
    {
        "wafer",
        "single_crystal",
        "polycrystal",
        "target",
        "film",
        "crystal",
        "solution",
        "slurry",
        "fiber",
        "coating",
        "ceramic",
        "metal",
    }
)
#: Forms of a named chemical that a shape word does not change ("二硫化钼润滑粉" is still MoS2).
_CHEMICALS = frozenset({"compound", "oxide", "salt"})
#: Cells and packs named by their electrode chemistry ("NCM pouch cells", "LFP packs").
_CELLS = frozenset({"battery_cell", "battery_pack"})
_CELL_CHEMISTRIES = frozenset({"cathode_material", "anode_material", "compound", "oxide"})
#: "battery grade", "电池级": a grade of a chemical, not a battery.
_GRADE_WORDS = re.compile(r"battery[- ]grade|电池级|電池級", re.IGNORECASE)
#: A purity grade next to a symbol: "6N Ge", "5N5 Ga", "Bi 4N", "Te 99.999".
_GRADE_BEFORE = re.compile(r"(?:^|\s)\d(?:\.\d)?n\d?\s$")
_GRADE_AFTER = re.compile(r"\s(?:\d(?:\.\d)?n\d?|99\s9\d*)(?:\s|$)")
#: Symbols that are also English words: they name an element only with a grade ("5N In").
_WORD_SYMBOLS = frozenset({"In", "As", "Be", "At", "No", "Am", "He", "Hi", "Ho", "Pa", "Po", "Re", "Se"})
#: Words that join two products that share what follows ("antimony and bismuth ingots").
_JOINERS = re.compile(r"^(?:\s*(?:and|or|and or|plus|with|&|及|和|与|或|、)\s*)+$")

#: ``word``: a word that holds an element's name but names no product ("金额", an amount of money,
#: holds 金, gold); it hides the shorter name and is then dropped.
Kind = Literal["element", "product", "form", "word"]


@dataclass(frozen=True)
class Mention:
    """A lexicon phrase found in normalised text."""

    start: int
    end: int
    kind: Kind
    name: str
    elements: tuple[str, ...] = ()
    form: str | None = None


@dataclass(frozen=True)
class ProductMention:
    """A product a question names: its words, elements and form (``None`` when not said)."""

    text: str
    start: int
    end: int
    elements: tuple[str, ...]
    form: str | None
    #: The lexicon product it is, when a named product ("ammonium paratungstate"), else ``None``.
    product: str | None = None

    @property
    def is_metal_shape(self) -> bool:
        return self.form in METAL_SHAPES or self.form == "metal"


class Lexicon:
    """Elements, forms and named products, found in text in one pass each."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._meaning: dict[str, Mention] = {}
        self.element_zh: dict[str, str] = {}
        #: Element symbols ("Dy", case as written) and English names (lower case) -> element name.
        self.symbols: dict[str, str] = {}
        #: Chinese element names (镝) -> element name.
        self.names_zh: dict[str, str] = {}
        #: Named products that belong to a control family their elements do not give (cubic boron
        #: nitride is a superhard material) -> that family.
        self.families: dict[str, str] = {}
        #: A customs heading's first four digits -> the elements whose forms the lexicon files under it.
        self.headings: dict[str, tuple[str, ...]] = {}
        for entry in data.get("elements") or []:
            name = str(entry["name"]).casefold()
            for codes in (entry.get("hs") or {}).values():
                for code in codes or []:
                    heading = re.sub(r"\D", "", str(code))[:4]
                    if len(heading) == 4 and name not in self.headings.get(heading, ()):
                        self.headings[heading] = (*self.headings.get(heading, ()), name)
            self.element_zh[name] = str(entry.get("name_zh") or name)
            self.symbols[str(entry.get("symbol") or name)] = name
            self.symbols[name] = name
            if entry.get("name_zh"):
                self.names_zh[str(entry["name_zh"])] = name
            names = [
                name,
                entry.get("name_zh"),
                *(entry.get("aliases") or []),
                *(entry.get("aliases_zh") or []),
            ]
            self._add(names, Mention(0, 0, "element", name, (name,)))
        for entry in data.get("forms") or []:
            form = str(entry["name"])
            words = [*(entry.get("words") or []), *(entry.get("words_zh") or [])]
            self._add(words, Mention(0, 0, "form", form, (), form))
        for entry in data.get("products") or []:
            elements = tuple(str(e).casefold() for e in entry.get("elements") or [])
            mention = Mention(0, 0, "product", str(entry["name"]), elements, entry.get("form"))
            if entry.get("family"):
                self.families[str(entry["name"])] = str(entry["family"])
            self._add([entry["name"], entry.get("name_zh"), *(entry.get("aliases") or [])], mention)
        self._add(data.get("not_products") or [], Mention(0, 0, "word", ""))
        self._index = PhraseIndex(self._meaning)
        self._close: dict[str, str | None] = {}
        self._element_words = [
            p for p, m in self._meaning.items() if m.kind == "element" and p.isascii() and len(p) >= 6
        ]

    def _add(self, names: Iterable[object], mention: Mention) -> None:
        for raw in names:
            if not raw:
                continue
            phrase = normalise(str(raw))
            if not phrase:
                continue
            known = self._meaning.get(phrase)
            # A product or element name wins over a form word spelt the same; the first entry wins ties.
            if known is None or (known.kind == "form" and mention.kind != "form"):
                self._meaning[phrase] = mention

    @property
    def elements(self) -> tuple[str, ...]:
        return tuple(self.element_zh)

    def mentions(self, normal: str) -> list[Mention]:
        """Lexicon phrases in normalised text, longest first where they overlap, in reading order."""
        spans = sorted(self._index.exact(normal), key=lambda s: (-(s[1] - s[0]), s[0]))
        kept: list[tuple[int, int, str]] = []
        for span in spans:
            if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
                kept.append(span)
        found = []
        for start, end, phrase in sorted(kept):
            meaning = self._meaning[phrase]
            if meaning.kind == "word":
                continue
            found.append(Mention(start, end, meaning.kind, meaning.name, meaning.elements, meaning.form))
        return found

    def products_in(self, text: str) -> list[ProductMention]:
        """The products ``text`` names, in order. A named product carries its own elements and form;
        an element takes the form words next to it ("indium metal ingot", "鎵锭", "ingots of tin");
        elements joined by "and"/"、" share a form that follows them."""
        normal = normalise(_GRADE_WORDS.sub(_blank, text))
        mentions = self._with_misspelt_elements(normal, self.mentions(normal))
        mentions = self._with_symbols(text, normal, mentions)
        products: list[ProductMention] = []
        pending: list[int] = []  # heads waiting for a form that may follow a conjunction
        for i, mention in enumerate(mentions):
            if mention.kind in ("element", "product"):
                products.append(
                    ProductMention(
                        normal[mention.start : mention.end],
                        mention.start,
                        mention.end,
                        mention.elements,
                        mention.form,
                        mention.name if mention.kind == "product" else None,
                    )
                )
                joined = (
                    bool(pending) and _JOINERS.match(normal[mentions[i - 1].end : mention.start]) is not None
                )
                pending = [*pending, len(products) - 1] if joined else [len(products) - 1]
                if mention.form is not None:
                    _share_form(products, pending, mention.form)
                continue
            # A form word: it shapes the head right before it (and heads joined to it that have no
            # form yet), or the next element when it comes first ("metallic gallium").
            before = products[pending[-1]] if pending else None
            if before is not None and _near(normal, before.end, mention.start):
                products[pending[-1]] = _with_form(before, mention, normal)
                _share_form(products, pending, products[pending[-1]].form)
                continue
            following = mentions[i + 1] if i + 1 < len(mentions) else None
            if (
                following is not None
                and following.kind == "element"
                and _near(normal, mention.end, following.start)
            ):
                mentions[i + 1] = Mention(
                    following.start,
                    following.end,
                    following.kind,
                    following.name,
                    following.elements,
                    mention.form,
                )
            elif mention.form in _STANDALONE_FORMS:
                # "磁钢", "lithium-free battery cells": a product known by its form alone.
                products.append(
                    ProductMention(
                        normal[mention.start : mention.end], mention.start, mention.end, (), mention.form
                    )
                )
                pending = [len(products) - 1]
        products = [_crystal(_window_shape(p, normal), normal) for p in products if not _bare_ambiguous(p)]
        return _merge_formulas(self._with_alloy_notation(text, normal, products))

    def _with_alloy_notation(
        self, text: str, normal: str, products: list[ProductMention]
    ) -> list[ProductMention]:
        """An alloy written as its composition ("93W-4.9Ni-2.1Fe bars", "W80Cu20") is an alloy of its
        constituents, the largest first."""
        from kb.verdicts.quantities import alloy_notations

        found = list(products)
        for match, parts in alloy_notations(text):
            named = [(float(v), self.symbols.get(sym)) for v, sym in parts]
            elements = tuple(e for _, e in sorted(named, key=lambda x: -x[0]) if e)
            if len(elements) < 2 or len(elements) != len(parts):
                continue
            start = normal.find(normalise(match.group(0)))
            if start < 0 or any(p.start < start + 1 and start < p.end for p in found):
                continue
            end = start + len(normalise(match.group(0)))
            found.append(ProductMention(normal[start:end], start, end, elements, "alloy"))
        return sorted(found, key=lambda p: p.start)

    def _with_symbols(self, text: str, normal: str, mentions: list[Mention]) -> list[Mention]:
        """Add element symbols written as symbols ("6N Ge lumps", "W sputtering targets", "Bi 4N"):
        a symbol counts only as written (capital, then small) and next to a form word or a
        purity grade, never after a number (a unit: "8000 W")."""
        taken = [(m.start, m.end) for m in mentions]
        extra: list[Mention] = []
        for token in re.finditer(r"(?<!\w)[a-z]{1,2}(?!\w)", normal):
            start, end = token.span()
            if any(a < end and start < b for a, b in taken):
                continue
            written = original_words(text, start, end).strip()
            name = self.symbols.get(written)
            if not name or written == "No" or not written[:1].isupper() or written[1:] != written[1:].lower():
                continue
            before, after = normal[:start], normal[end:]
            graded = _GRADE_BEFORE.search(before) is not None or _GRADE_AFTER.match(after) is not None
            following = next((m for m in mentions if m.start >= end), None)
            shaped = (
                following is not None
                and following.kind == "form"
                and not normal[end : following.start].strip()
            )
            if re.search(r"\d\s$", before) and _GRADE_BEFORE.search(before) is None:
                continue  # "8000 W", "5 In"
            if ((len(written) == 1 and written != "W") or written in _WORD_SYMBOLS) and not graded:
                continue
            if graded or shaped:
                extra.append(Mention(start, end, "element", name, (name,)))
        return sorted([*mentions, *extra], key=lambda m: m.start)

    def _close_element(self, word: str) -> str | None:
        """The element name ``word`` is a slip of, if any (remembered: the same words recur)."""
        if word not in self._close:
            close = difflib.get_close_matches(word, self._element_words, n=1, cutoff=0.85)
            if len(self._close) >= 50_000:
                return close[0] if close else None
            self._close[word] = close[0] if close else None
        return self._close[word]

    def respelt(self, text: str) -> str:
        """``text`` with element names written with a slip put right where a form word or a product's
        second word follows them ("germainum dioxide" -> "germanium dioxide", "molybdnum powder",
        "gallum nitride"), so that the lists' own
        names ("germanium dioxide") are found in it. A word that is not a slip of an element, or not
        followed by a form, is left as written (a misspelt element alone is still read as that
        element, see :meth:`products_in`)."""
        if not _ASCII_WORD.search(text):
            return text

        def put_right(match: re.Match[str]) -> str:
            word, following = match.group(1), match.group(3)
            lower = word.casefold()
            if lower in self._meaning:
                return match.group(0)
            close = self._close_element(lower)
            after = following.casefold()
            form = self._meaning.get(after)
            named = close is not None and f"{close} {after}" in self._meaning  # "gallium nitride"
            if close is None or not (named or (form is not None and form.kind == "form")):
                return match.group(0)
            right = close.capitalize() if word[0].isupper() else close
            return f"{right}{match.group(0)[len(word) :]}"

        return _ASCII_WORD.sub(put_right, text)

    def _with_misspelt_elements(self, normal: str, mentions: list[Mention]) -> list[Mention]:
        """Add element names written with a slip ("molybdnum", "tungstun") that no phrase matched."""
        taken = [(m.start, m.end) for m in mentions]
        extra: list[Mention] = []
        for word in re.finditer(r"[a-z]{6,}", normal):
            if any(a <= word.start() < b for a, b in taken):
                continue
            close = self._close_element(word.group(0))
            if close:
                element = self._meaning[close]
                extra.append(Mention(word.start(), word.end(), "element", element.name, element.elements))
        return sorted([*mentions, *extra], key=lambda m: m.start)


#: A word of six letters or more and the word after it ("germainum dioxide").
_ASCII_WORD = re.compile(r"\b([A-Za-z]{6,})([\s-]+)(?=([A-Za-z]+))")


def _near(normal: str, end: int, start: int, words: int = 2) -> bool:
    """True when at most ``words`` words lie between two mentions (Chinese: directly adjacent)."""
    gap = normal[end:start]
    if has_chinese(gap):
        return False
    return len(gap.split()) <= words


def _share_form(products: list[ProductMention], heads: list[int], form: str | None) -> None:
    """Give heads joined to the last one ("antimony and bismuth ingots") its form, if they have none."""
    for k in heads[:-1]:
        if products[k].form is None and form is not None:
            p = products[k]
            products[k] = ProductMention(p.text, p.start, p.end, p.elements, form, p.product)


def _with_form(product: ProductMention, form: Mention, normal: str) -> ProductMention:
    """The product shaped by a form word: a more specific form replaces a general one."""
    current = product.form
    chosen = form.form if current is None or current in ("metal", "compound", "chemical") else current
    if current in METAL_SHAPES and form.form == "metal":
        chosen = current
    if product.product is not None and (
        form.form not in _SHAPES or (current in _CHEMICALS and form.form in METAL_SHAPES)
    ):
        chosen = current  # "lithium carbonate, battery grade", "MoS2 powder" stay compounds
    if form.form in _CELLS and current in _CELL_CHEMISTRIES:
        chosen = form.form  # "NCM pouch cells", "磷酸铁锂电芯": cells of that chemistry
    if form.form in WINDOW_FORMS and current in _CRYSTAL_BEARING | {"single_crystal", "polycrystal"}:
        chosen = form.form  # "polycrystalline diamond optical window": a window of that diamond
    end = max(product.end, form.end)
    start = min(product.start, form.start)
    return ProductMention(normal[start:end], start, end, product.elements, chosen, product.product)


def _blank(match: re.Match[str]) -> str:
    """The matched words replaced letter for letter, so positions in the normalised text stay put."""
    return "".join("一" if has_chinese(c) else "q" if c.isalnum() else c for c in match.group(0))


def _window_shape(product: ProductMention, normal: str) -> ProductMention:
    """A window product is flat or curved as the words around it say ("flat CVD diamond windows")."""
    if product.form not in WINDOW_FORMS and not re.search(r"window|窗", (product.product or "").casefold()):
        return product
    near = normal[max(0, product.start - 40) : product.end + 10]
    form = product.form
    if re.search(r"curved|domed?|dome|球面|曲面|弧形|半球", near):
        form = "window_curved"
    elif re.search(r"\bflat|planar|平面|平板|平片|平窗", near):
        form = "window_flat"
    return ProductMention(product.text, product.start, product.end, product.elements, form, product.product)


_SINGLE_CRYSTAL = re.compile(r"single\s?crystal|mono\s?crystal|单晶")
_POLYCRYSTAL = re.compile(r"poly\s?crystal|multi\s?crystal|多晶")
_NOT_BEFORE = re.compile(r"(?:\bnot|\bnon|\bno|非|不是|不属于)\s*$")
#: Forms of a named compound that may be single crystals or polycrystals.
_CRYSTAL_BEARING = frozenset(
    {None, "compound", "wafer", "ingot", "rod", "target", "sheet", "granules", "powder"}
)


def _crystal(product: ProductMention, normal: str) -> ProductMention:
    """A named compound is a single crystal or a polycrystal as the words around it say
    ("polycrystalline InSb ingot, not single crystal", "锑化铟多晶锭")."""
    if product.product is None or product.form not in _CRYSTAL_BEARING:
        return product
    start = max(0, product.start - 40)
    near = normal[start : product.end + 40]

    def said(pattern: re.Pattern[str]) -> bool:
        return any(
            not _NOT_BEFORE.search(near[max(0, m.start() - 8) : m.start()]) for m in pattern.finditer(near)
        )

    single, poly = said(_SINGLE_CRYSTAL), said(_POLYCRYSTAL)
    if single == poly:
        return product
    form = "single_crystal" if single else "polycrystal"
    return ProductMention(product.text, product.start, product.end, product.elements, form, product.product)


def _bare_ambiguous(product: ProductMention) -> bool:
    return product.product is None and product.form is None and product.text in _AMBIGUOUS


def _merge_formulas(products: Sequence[ProductMention]) -> list[ProductMention]:
    """Drop an element mention that lies inside a named product's words (kept apart by the index)."""
    kept: list[ProductMention] = []
    for product in products:
        if kept and product.product is None and kept[-1].start <= product.start < kept[-1].end:
            continue
        kept.append(product)
    return kept


@functools.cache
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the package, loaded once per process."""
    try:
        data = yaml.load(
            LEXICON_PATH.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except (OSError, yaml.YAMLError) as exc:
        raise KbError(f"the product lexicon {LEXICON_PATH.name} cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise KbError(f"the product lexicon {LEXICON_PATH.name} is not a mapping")
    return Lexicon(data)
