"""Classification: is this product controlled? (product, specifications, end use, destination, date)
turned into one verdict line per product, deterministically.

1. The products a text names: catalogue names and codes first (aliases, HS and control codes), and
   the product lexicon for everything else, so a product no list holds is still recognised.
2. For each product, the listed items it may be: the ones named, else the items of its element
   whose forms cover the product's form.
3. Each candidate's thresholds against the stated specifications (:mod:`kb.verdicts.thresholds`):
   met or none -> the item's verdict on the date (timeline: suspensions, destination and
   military-end-use rules); unknown -> the item's verdict, stated as conditional; missed -> not that
   item. No candidate left -> ``not_listed``, naming the listed items of that element that were
   compared and the thresholds missed. The catch-all rule is said with every ``not_listed``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from kb.errors import QueryError
from kb.language.codes import digits, hs_codes_in
from kb.language.countries import check_country, find_destination
from kb.language.phrases import normalise, original_words
from kb.language.script import has_chinese
from kb.verdicts.catalogue import Catalogue, CatalogueItem, Match
from kb.verdicts.lexicon import METAL_SHAPES, WINDOW_FORMS, Lexicon, ProductMention, default_lexicon
from kb.verdicts.quantities import (
    Composition,
    Stated,
    alloy_notations,
    composition_in,
    stated_in,
)
from kb.verdicts.thresholds import Assessment, assess, below_as_said
from kb.verdicts.timeline import STRICTNESS, Timeline, Verdict, VerdictValue, strictest

__all__ = [
    "Classification",
    "Line",
    "LineKind",
    "ProductQuery",
    "classify",
    "classify_text",
    "products_in",
]

#: The seventeen rare-earth elements.
RARE_EARTHS = frozenset(
    "lanthanum cerium praseodymium neodymium promethium samarium europium gadolinium terbium dysprosium "
    "holmium erbium thulium ytterbium lutetium scandium yttrium".split()
)
#: Elements the lexicon names differently from the catalogue's families.
_ELEMENT_FAMILIES = {"carbon": ("graphite", "superhard materials")}
#: Which carbon family a product's words point to.
_CARBON_WORDS = {
    "graphite": r"graphit|石墨",
    "superhard materials": r"diamond|金刚石|boron nitride|cbn|氮化硼|superhard|超硬",
}
#: Forms that name a kind of product of their own: every item covering the form is a candidate,
#: whatever the product's elements ("NdFeB magnets" are compared with the terbium and dysprosium
#: magnet entries).
_PRODUCT_FORMS = frozenset({"magnet", "battery_cell", "battery_pack", "cathode_material", "anode_material"})
#: Product forms whose listed items are found by what the product is, not by its name.
_COVERABLE = (
    METAL_SHAPES
    | frozenset({"metal", "wafer", "single_crystal", "polycrystal", "target", "crystal"})
    | WINDOW_FORMS
    | _PRODUCT_FORMS
)
#: Item forms that a product form may be: a product "ingot" is a shape of the metal an item lists.
_COVERS: dict[str, tuple[str, ...]] = {shape: ("metal", "solid") for shape in METAL_SHAPES}
_COVERS["powder"] = ("metal",)  # a "solid" item excludes particles and powder
_COVERS["target"] = ("metal", "solid")  # a metal's sputtering target is a piece of the metal
_COVERS.update({"oxide": ("compound",), "salt": ("compound",), "chemical": ("compound",)})
# an element's single crystal or polycrystal is one of the crystals an item of "every form" names
_COVERS.update({"single_crystal": ("crystal",), "polycrystal": ("crystal",)})
#: A parenthesis or clause of an item's forms text that excludes forms.
_EXCLUDED_FORMS = re.compile(
    r"\([^()]*\b(?:do not count|does not count|not covered|not included|excluded)\b[^()]*\)|\(not [^()]*\)"
    r"|[^.;(]*\b(?:do not count|does not count|are not covered|is not covered|are excluded)\b[^.;)]*"
    r"|（[^（）]*(?:不包括|除外|不计)[^（）]*）",
    re.IGNORECASE,
)
_SUMMARY_ENTRY = re.compile(r"\bitems \([^)]*,[^)]*,")
_CHEMICAL_FORMS = frozenset({"compound", "oxide", "salt", "chemical"})
#: An item that names a whole class of an element's chemicals or alloys ("antimony oxides of purity
#: 99.99% or higher", "gadolinium compounds and their mixtures", "含钆的合金") covers every member
#: of that class; an item naming one chemical ("gallium nitride") covers only that one.
_CLASS_NAMES = {
    "oxide": re.compile(r"\boxides\b|\boxide and its mixtures|的氧化物|氧化物及其混合物", re.IGNORECASE),
    "alloy": re.compile(r"\balloys\b|的合金|合金及", re.IGNORECASE),
    "compound": re.compile(r"\bcompounds\b|的化合物|化合物及其混合物", re.IGNORECASE),
}
_CLASS_NAMES["salt"] = _CLASS_NAMES["chemical"] = _CLASS_NAMES["compound"]

LineKind = Literal[
    "listed", "conditional", "below_threshold", "unlisted_form", "unlisted_element", "unlisted_code", "family"
]


@dataclass(frozen=True)
class ProductQuery:
    """One product a text names: its words, what the lexicon says it is, and the catalogue items
    its words or codes name directly."""

    text: str
    elements: tuple[str, ...] = ()
    form: str | None = None
    product: str | None = None
    named: tuple[Match, ...] = ()
    start: int = 0
    #: The whole text the product was found in, for technologies described in many words.
    description: str = ""
    #: A customs code that no item lists (the product is then the code).
    code: str | None = None
    #: ``technology`` when the question asks about the product's technology, not the product.
    asks: str | None = None
    #: Listed items the question names as controlled already, to measure this product against
    #: ("gallium selenide is controlled, so is selenium caught too?").
    references: tuple[Match, ...] = ()


@dataclass(frozen=True)
class Line:
    """The verdict on one product, with what it rests on."""

    product: str
    kind: LineKind
    value: VerdictValue
    #: The listed item the product is (or was compared with), and its timeline verdict when listed.
    item: CatalogueItem | None = None
    verdict: Verdict | None = None
    assessment: Assessment | None = None
    #: Listed items of the same element or family that were compared (for ``not_listed``).
    related: tuple[CatalogueItem, ...] = ()
    query: ProductQuery | None = None


@dataclass(frozen=True)
class Classification:
    """Every product line of a text, and the specifications it states."""

    lines: tuple[Line, ...]
    stated: tuple[Stated, ...] = ()
    composition: Composition = field(default_factory=Composition)

    @property
    def value(self) -> VerdictValue | None:
        """The verdict that leads: the strictest of the lines."""
        values = [line.value for line in self.lines]
        return min(values, key=STRICTNESS.index) if values else None


def products_in(text: str, catalogue: Catalogue, lexicon: Lexicon | None = None) -> list[ProductQuery]:
    """The products ``text`` names, in order: catalogue names and codes joined to the lexicon's
    products they overlap; a catalogue name alone is a product too.

    Mentions that only refer back ("indium is controlled now, but do the ingots ..."), elements named
    as a composition ("without Dy/Tb") and repeats of the same product are folded away.
    """
    lexicon = lexicon or default_lexicon()
    composition = composition_in(text, lexicon.symbols, lexicon.names_zh)
    raw = _raw_products(text, catalogue, lexicon)
    asked = _without_parts(
        _without_excluded(_without_references(_without_how_made(raw, text), text), text), text
    )
    # a product named as the buyer's business or set against the asked one ("or is it only ...") goes
    # before the names are folded together: "gallium to our LED customer" asks about gallium, and
    # "二氧化碲……还是只管金属碲" about the dioxide, not the metal
    compared = _without_pointers(_without_comparisons(_without_purposes(asked, text), text))
    # the listed products named as controlled already or as the point of comparison ("the same
    # controls as GaN"): what a product no list holds is set beside
    set_aside = [q for q in raw if q not in compared]  # ``compared`` is a part of ``asked``
    references = tuple(m for q in set_aside for m in q.named or _element_matches(q, catalogue))
    queries = _folded(compared, composition)
    # and once more after it: folding can leave a product that only compares or names a use
    queries = _without_grades(_without_purposes(_without_comparisons(queries, text), text), text)
    queries = _of_the_cells_chemistry(_described(_asked(queries, text), text))
    if references:
        queries = [q if q.named else dataclasses.replace(q, references=references) for q in queries]
    return queries


#: The parts of a battery, which a question may name without their chemistry ("层状氧化物正极").
_BATTERY_FORMS = frozenset(
    {"battery_cell", "battery_pack", "cathode_material", "anode_material", "precursor"}
)
#: Elements that name a battery's chemistry other than lithium's.
_OTHER_CHEMISTRIES = frozenset({"sodium"})


def _of_the_cells_chemistry(queries: list[ProductQuery]) -> list[ProductQuery]:
    """Battery parts named without an element take the chemistry the question gives its battery,
    when that is one chemistry and not lithium's ("我们做钠离子电池的，层状氧化物正极+硬碳负极": a
    sodium cathode, which no lithium-battery item is)."""
    chemistries = {
        e for q in queries if q.form in _BATTERY_FORMS for e in q.elements if e in _OTHER_CHEMISTRIES
    }
    if len(chemistries) != 1 or any("lithium" in q.elements for q in queries):
        return queries
    chemistry = tuple(chemistries)
    return [
        dataclasses.replace(q, elements=chemistry) if q.form in _BATTERY_FORMS and not q.elements else q
        for q in queries
    ]


def _raw_products(text: str, catalogue: Catalogue, lexicon: Lexicon) -> list[ProductQuery]:
    queries = _named_products(text, catalogue, lexicon)
    normal = normalise(text)
    # A product that is only a family's name ("graphite", "稀土") is asked about as that family.
    family_spans = {(start, end) for start, end, _ in catalogue.family_spans(normal)}
    queries = [
        ProductQuery(q.text, q.elements, None, None, q.named, q.start)
        if not q.named
        and q.form is None
        and any(a <= q.start and q.start + len(normalise(q.text)) <= b for a, b in family_spans)
        else q
        for q in queries
    ]
    # A customs code no item lists is a product too: it is not listed (and its neighbours are shown).
    named_codes = {m.matched for q in queries for m in q.named}
    for code in hs_codes_in(text):
        if code not in named_codes and not catalogue.by_hs_code(code):
            queries.append(ProductQuery(code, start=normal.find(code[:4]), code=code))
    return queries


def _named_products(text: str, catalogue: Catalogue, lexicon: Lexicon) -> list[ProductQuery]:
    matches, _ = catalogue.mentions(text)
    mentions = lexicon.products_in(text)
    queries: list[ProductQuery] = []
    used: set[int] = set()
    for mention in mentions:
        named = [
            (i, m)
            for i, m in enumerate(matches)
            if m.span is not None and m.span[0] < mention.end and mention.start < m.span[1]
        ]
        used.update(i for i, _ in named)
        if mention.form in _COMPOUND_FORMS:
            # "氧化铋粉" is bismuth oxide powder, not the "铋粉" (bismuth powder) inside its words
            named = [(i, m) for i, m in named if not _names_metal_only(m, mention, lexicon)]
        words = " ".join(original_words(text, mention.start, mention.end).split())
        found = tuple(m for _, m in named) or _named_by_lexicon_name(mention, catalogue)
        queries.append(_query(mention, found, words))
    loose: dict[tuple[int, int] | None, list[Match]] = {}
    for i, match in enumerate(matches):
        if i not in used:
            loose.setdefault(match.span, []).append(match)
    for span, group in loose.items():
        words = " ".join(original_words(text, *span).split()) if span else group[0].matched
        elements = tuple(dict.fromkeys(_element_of(m.item) for m in group))
        queries.append(ProductQuery(words, elements, named=tuple(group), start=span[0] if span else -1))
    return sorted(queries, key=lambda q: q.start)


#: Forms that make an element a chemical compound: a listed metal named inside one is not the product.
_COMPOUND_FORMS = frozenset({"oxide", "compound", "salt"})


def _names_metal_only(match: Match, mention: ProductMention, lexicon: Lexicon) -> bool:
    """The catalogue name matched lies inside the product's words and, read alone, names the metal
    or a metal's shape, while the product is a compound of it ("铋粉" inside "氧化铋粉")."""
    if match.span is None or not (mention.start <= match.span[0] and match.span[1] <= mention.end):
        return False
    if match.span == (mention.start, mention.end):
        return False
    alone = lexicon.products_in(match.matched)
    return bool(alone) and all(p.form in METAL_SHAPES | {"metal", None} for p in alone)


def _element_matches(query: ProductQuery, catalogue: Catalogue) -> tuple[Match, ...]:
    """A bare element named as controlled already ("碲已经管了"): the listed items of that element."""
    if not _bare(query):
        return ()
    items = [i for e in query.elements for i in _items_of(e, catalogue, query.text) if i.kind == "item"]
    return tuple(Match(i, 0.5, query.text) for i in _distinct(_without_restated(items)))


#: A formula of one or two letters at the start of a product's words ("WC powder"): the catalogue
#: matches no name that short.
_SHORT_FORMULA = re.compile(r"^[a-z]{1,2}(?:\s|$)")


def _named_by_lexicon_name(mention: ProductMention, catalogue: Catalogue) -> tuple[Match, ...]:
    """The listed items a lexicon product's own name names in full, for a synonym the catalogue does
    not hold ("微波等离子体CVD设备" is the lexicon's "MPCVD equipment", which the catalogue lists). Only
    for a product of no element (machinery): one of an element is compared by its element and form,
    and folded with the element's other mentions ("碳酸锂……锂电池那一块也管了"), unless it is written
    as a formula too short for the catalogue's names ("WC powder" is its tungsten carbide)."""
    if mention.product is None:
        return ()
    if mention.elements and not _SHORT_FORMULA.match(normalise(mention.text)):
        return ()
    name = normalise(mention.product)
    matches, _ = catalogue.mentions(mention.product)
    return tuple(
        dataclasses.replace(m, span=None) for m in matches if m.span is not None and m.span == (0, len(name))
    )


def _element_of(item: CatalogueItem) -> str:
    """The lexicon element an item is of (graphite and superhard materials are carbon)."""
    if item.family in ("graphite", "superhard materials"):
        return "carbon"
    return item.element.casefold()


def _bare(query: ProductQuery) -> bool:
    """An element named on its own: no form, no named product, no listed item named."""
    return bool(query.elements) and query.form is None and query.product is None and not query.named


#: Words before a product that make it a point of comparison, not what is asked about.
_COMPARED = re.compile(
    r"(?:\blike|\bunlike|\bas with|similar to|only for|compared (?:to|with)|像|如同|类似于?|"
    # the alternative set against the product asked about ("does FeW also need it, or is it only APT")
    r"\bor (?:is it |is that |are they |does it |do they )?(?:only|just)(?: for| about)?|\brather than|"
    r"\binstead of|\bother than|还是只(?:有|管|是)?(?:金属|单质)?|还是仅(?:限于?)?(?:金属|单质)?|"
    # a product named in the premise, before the one asked about ("Since gallium wafers need a licence,
    # do silicon carbide wafers ...")
    r"\b(?:since|given that|now that)|"
    # "caught by the same Chinese controls as GaN and gallium oxide wafers"
    r"\bsame\s+(?:\w+\s+){0,3}as)\s*(?:the\s+)?"
    r"(?:\w+\s+(?:and|or)\s+)?$",
    re.IGNORECASE,
)
#: Words right after a product that make the question about its technology or equipment.
_TECHNOLOGY_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,2}?(?:technolog|know[- ]how|process|flowsheet|flow sheet|recipe|"
    r"production (?:technolog|process|line)|"
    r"preparation (?:technolog|process)|manufacturing (?:technolog|process)|技术|工艺|生产线|制备)",
    re.IGNORECASE,
)


#: Words right after a product that say it is controlled already, so that it is the reference the
#: question compares another product with ("gallium selenide is controlled, so is selenium caught
#: too?", "碲化镉不是已经管了吗", "听说中重稀土都管了，那金属钕……").
_CONTROLLED_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,2}?(?:is|are|was|were|has been|have been|got|gets)\s+(?:already\s+|now\s+)?"
    r"(?:controlled|restricted|listed|caught|covered|on the list"
    # "I know tellurium metal is on China's list"
    r"|on (?:the |china s |mofcom s |beijing s )?(?:control |export control |dual use )?list)\b"
    # a statement, not the question itself ("钨粉也管吗" asks about the powder)
    r"|^[^，,。？！?]{0,4}?(?:不是)?(?:已经|都|早就|也)(?:被)?(?:纳入管制|列入管制|列管|管制|管)(?!吗|么|不|没|嘛)"
    # a list of them first: "磷化铟、锑化铟这些都管了"
    r"|^(?:\s*[\u4e00-\u9fff\w]{1,8}){0,3}?\s*(?:这些|这几个|这几样|等)(?:都|也|已经)(?:被)?(?:纳入管制|列入管制|列管|管制|管)"
    r"(?!吗|么|不|没|嘛)"
    # "Gallium metal and GaN need a licence, so does TMGa ...": a statement the question goes on from
    r"|^\W{0,3}(?:\w+\W+){0,2}?(?:need|needs|require|requires|required)\s+(?:a\s+|an\s+)?(?:export\s+)?"
    r"(?:licen[cs]es?|permits?)\s+(?:so|and so|but|already|now|too|then)\b"
    # the product names the control, not what is sold ("China's lithium-battery material export control")
    r"|^\W{0,2}(?:(?:materials?|items?|products?|minerals?)\s+)?(?:export\s+)?"
    r"(?:controls?|control regime|control rules|restrictions|measures)\b(?!\s+(?:on|of|for)\b)"
    # "受不受锂电池相关的出口管制": the control's name; "锂电那个300Wh/kg的管制对钠电有没有影响"
    r"|^\s*(?:相关|方面)的?\s*(?:出口)?管制"
    r"|^(?:(?:那个|这个)[^，,。？！?]{0,12}?)?的(?:出口)?(?:管制|管控)(?!吗|么|嘛)"
    # "金刚石窗口材料好像是管制的，这个尺寸的……": said to be controlled, then another thing is asked
    r"|^[^，,。？！?]{0,4}?(?:好像|似乎|据说|听说|应该|一般)?(?:是|属于|也是|都是)(?:受)?(?:管制|管控|受控|列管)"
    r"(?:的|物项)(?!吗|么|嘛|不|没|\s*[?？])",
    re.IGNORECASE,
)


#: Words that make a question about passing on a technology itself, not about goods made with it.
_PASSES_ON_TECHNOLOGY = re.compile(
    r"transfer|licen[cs]e (?:out|its|our|the|a|this)\b|licensing|know[- ]how|drawings?|blueprints?|"
    r"technical (?:data|documentation|package|assistance|services?)|process package|"
    r"\btechnolog(?:y|ies)\b|export (?:of )?(?:the |our |a )?(?:process|technolog)|\b(?:teach|train|consult)|"
    r"\b(?:documents?|documentation|data|recipes?|parameters|specifications|manuals?)\b|"
    r"技术|转让|授权|许可使用|图纸|工艺包|资料|文件|文档|配方|曲线|规程|参数|数据|手册|培训|指导|输出|合作开发",
    re.IGNORECASE,
)


def _without_how_made(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Drop a process named right after the goods as how they are made ("烧结钕铁硼48SH，晶界扩散镝
    工艺") when the question speaks of no passing on of technology: the goods are what is sold."""
    if len(queries) < 2 or _PASSES_ON_TECHNOLOGY.search(text):
        return queries
    normal = normalise(text)
    kept: list[ProductQuery] = []
    for q in queries:
        goods = [
            p
            for p in kept
            if p.form not in (None, "technology", "equipment") and p.start >= 0 and p.start < q.start
        ]
        if q.form == "technology" and goods and q.start > 0:
            end = goods[-1].start + len(normalise(goods[-1].text))
            gap = normal[end : q.start]
            if len(gap) <= 30 and not re.search(r"[。？！?!;；]", gap):
                continue
        kept.append(q)
    return kept or queries


def _without_references(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Drop the products the question says are controlled already when it asks about another one
    ("gallium selenide is controlled, so is selenium caught too?"): before they are folded into it."""
    if len(queries) < 2:
        return queries
    normal = normalise(text)
    first = min((q.start for q in queries if q.start >= 0), default=-1)

    def reference(q: ProductQuery) -> bool:
        if q.start < 0:
            return False
        end = q.start + len(normalise(q.text))
        before = normal[max(0, q.start - 20) : q.start]
        if _CONTROLLED_AFTER.search(normal[end : end + 40]) or _CONTROLLED_BEFORE.search(before):
            return True
        # "……石墨电极……这个是人造石墨": what the goods named before are made of
        return q.start > first and bool(_IS_BEFORE.search(before))

    kept = [q for q in queries if not reference(q)]
    return kept or queries


#: Words right before a product that name it as what is controlled ("商务部2025年管制的那几种中重稀土",
#: "the controlled medium and heavy rare earths"): the list the question measures its goods against.
_CONTROLLED_BEFORE = re.compile(
    r"(?:(?:管制|管控|列管|受控|限制出口)的(?:那几种|那几类|那些|这几种|这几类|这些|几种|几类)?"
    r"|\b(?:the\s+)?(?:controlled|restricted|listed)\s+)$"
)
#: Words right before a product that say the goods named earlier are it ("这个是人造石墨", "材质是").
_IS_BEFORE = re.compile(r"(?:这个|这|它|该产品|本产品|产品本身|材质|材料)(?:本身)?(?:就)?(?:是|属于)$")


#: Words right before a product that say the goods asked about are free of it ("NdPr oxide, without Dy,
#: Tb or other heavy rare earths", "不含镝、铽这些中重稀土"), on normalised text.
_EXCLUDED_BEFORE = re.compile(
    r"(?:\b(?:without|free of|free from|excluding|not containing|(?:with|and|containing|contains|has)\s+no)"
    r"\s+(?:[\w]+\s+){0,6}"
    r"|(?:不含有?|不包含|不添加|未添加|不掺)[\u4e00-\u9fff ]{0,10}"
    # what the goods are not ("不是鳞片石墨", "only carbide, not tungsten metal")
    r"|(?:不是|并非|而非|而不是)|\bnot\s+(?:an?\s+|the\s+)?)$"
)


def _without_excluded(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Drop the products the question says the goods are free of, when it names the goods too."""
    if len(queries) < 2:
        return queries
    normal = normalise(text)
    first = min(q.start for q in queries if q.start >= 0) if any(q.start >= 0 for q in queries) else -1
    kept = [
        q
        for q in queries
        if q.start <= first or not _EXCLUDED_BEFORE.search(normal[max(0, q.start - 40) : q.start])
    ]
    return kept or queries


#: A material named as a part of the goods before it ("PDC cutters (..., tungsten carbide substrate)",
#: "with a cobalt binder", "带碳化钨基体"): its words end in what the part is, and it stands in the
#: goods' parentheses or after "with"/"on".
_PART_WORD = re.compile(
    r"(?:\bsubstrates?|\bbacking|\bbinders?|\bmatrix|基体|基底|胎体|粘结剂)$", re.IGNORECASE
)
_PART_BEFORE = re.compile(r"(?:\bwith|\bon|\bhas|\bhaving|带|含)(?:\s+an?)?\s*$", re.IGNORECASE)


def _without_parts(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Drop a material named only as a part of a product named before it (its substrate, backing or
    binder): the goods are that product, not the part."""
    if len(queries) < 2:
        return queries
    folded = text.casefold()
    places = [folded.find(q.text.casefold()) for q in queries]
    first = min((p for p in places if p >= 0), default=-1)
    kept = []
    for q, at in zip(queries, places, strict=True):
        if at <= first or not _PART_WORD.search(q.text):
            kept.append(q)
            continue
        between = text[first:at]
        inside = between.count("(") + between.count("（") > between.count(")") + between.count("）")
        if not (inside or _PART_BEFORE.search(text[max(0, at - 20) : at])):
            kept.append(q)
    return kept or queries


def _without_pointers(queries: list[ProductQuery]) -> list[ProductQuery]:
    """Drop a customs code whose listed items are of other elements of the same family as every
    product the words describe: the code is a pointer, the description decides ("镧铈混合氧化物……
    报关用2846.90.19.93", a code the samarium-oxide entry gives, is lanthanum and cerium oxide). A
    code of another family stays: "NCA hydroxide under 2853.90.50" is the battery precursor it names."""
    described = {e for q in queries if not _code_only(q) for e in q.elements}
    if not described:
        return queries
    families = {f for e in described for f in _families_of(e)}

    def contradicted(query: ProductQuery) -> bool:
        elements = {_element_of(m.item) for m in query.named}
        code_families = {f for e in elements for f in (*_families_of(e), e)}
        return not elements & described and families <= code_families

    return [q for q in queries if not (_code_only(q) and contradicted(q))]


def _code_only(query: ProductQuery) -> bool:
    return bool(query.named) and all(m.matched.isdigit() for m in query.named)


def _without_comparisons(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Drop products named only as a point of comparison ("... like Dy and Tb metal?")."""
    if len(queries) < 2:
        return queries
    normal = normalise(text)
    kept = [
        q for q in queries if q.start <= 0 or not _COMPARED.search(normal[max(0, q.start - 40) : q.start])
    ]
    # Chinese 和/与 join products as often as they compare them: drop on them only after a first product.
    return kept or queries


#: Words after a product that make it the buyer's business or the use, not what is sold ("a graphite
#: electrode plant", "cell maker", "石墨电极厂", "负极材料用造粒釜").
_BUYER_AFTER = re.compile(
    r"^\W{0,2}(?:\w+\W+)?(?:plants?|factor(?:y|ies)|makers?|manufacturers?|producers?|start-?ups?|"
    r"compan(?:y|ies)|customers?|buyers?|fabs?|mills?|industry|sector)\b"
    r"|^的?(?:厂|工厂|厂家|厂商|企业|公司|客户|生产商|制造商|行业)|^用(?!于|来|途)",
    re.IGNORECASE,
)


#: Words before a product that make it what another product is used to make ("MPCVD systems for
#: growing single-crystal diamond plates", "用于生产钕铁硼的设备").
_MADE_WITH_BEFORE = re.compile(
    r"(?:\bfor (?:growing|making|producing|manufacturing|depositing|the production of)|"
    r"\bused (?:to (?:make|grow|produce)|for (?:making|growing|producing))|\bto (?:grow|make|produce)|"
    r"用于(?:生产|制造|制备|生长)|用来(?:生产|做|制造|长))\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)


#: Words before a product named by no element that make it the use of the first product or the
#: class the question asks it to be put in ("Nd2O3 for magnet alloy", "算不算管制的中重稀土").
_USE_OR_CLASS_BEFORE = re.compile(
    r"(?:\bfor|\binto|\bcounts? as|\bclassed as|\bqualif(?:y|ies) as|\bfalls? under|\bconsidered(?: as)?|"
    r"\b(?:is|are) (?:it|they|this|these) (?:an?|one of the)?|"
    r"用于|用来做|用作|做|算不算|算是|是不是|属于|属不属于)"
    r"\s*(?:(?:a|an|the)\s+)?(?:(?:controlled|listed|管制的?|受管制的?)\s*)?$",
    re.IGNORECASE,
)


#: What follows a compound named as the grade of an ore or concentrate ("白钨精矿，WO3品位65%",
#: "concentrate grading 65% WO3"): its content, not a product of its own.
_GRADE_AFTER = re.compile(r"^\s*(?:品位|品味|含量|grade|content|assay)", re.IGNORECASE)
_GRADE_BEFORE = re.compile(
    r"(?:品位|含量|grade|grading|content|assay(?:ing)?)\s*(?:of\s*)?[\d\s]+$", re.IGNORECASE
)
#: A compound followed by a bare figure ("黑钨精矿，WO3 65%"; normalised text has no per cent sign) is
#: a grade only beside an ore or a concentrate (beside APT, "WO3 99.95%" is the oxide's purity).
_FIGURE_AFTER = re.compile(r"^\s*\d[\d.]*")
_ORE = re.compile(r"精矿|原矿|矿石|concentrate|\bores?\b", re.IGNORECASE)


def _without_grades(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Drop a compound named as another product's grade ("WO3品位65%" of a tungsten concentrate),
    when a product of the same element is what is sold."""
    if len(queries) < 2:
        return queries
    normal = normalise(text)  # "grading 60% WO3" reads "grading 60 wo3"
    kept = []
    for q in queries:
        end = q.start + len(normalise(q.text))
        graded = q.start >= 0 and bool(
            _GRADE_AFTER.search(normal[end : end + 8]) or _GRADE_BEFORE.search(normal[: q.start])
        )
        siblings = [o for o in queries if o is not q and set(o.elements) & set(q.elements)]
        if not graded and q.start >= 0 and _FIGURE_AFTER.search(normal[end : end + 8]):
            graded = any(_ORE.search(o.text) for o in siblings)
        if graded and siblings:
            continue
        kept.append(q)
    return kept


def _without_purposes(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Drop products named only as the buyer's business or the use of another product ("needle coke
    for a graphite electrode plant", "负极材料用立式造粒釜", "MPCVD systems for growing diamond
    plates"), when another product is what is sold."""
    if len(queries) < 2:
        return queries
    normal = normalise(text)
    kept = []
    for k, q in enumerate(queries):
        end = q.start + len(normalise(q.text))
        if q.start >= 0 and _BUYER_AFTER.search(normal[end : end + 30]):
            continue
        if (
            q.start > 0
            and normal[max(0, q.start - 3) : q.start].endswith("做")
            and normal[end : end + 1] == "的"
            and not re.search(
                r"(?:我们|我司|我厂|本厂|本公司)(?:厂|公司)?(?:是)?\s*做$",
                normal[max(0, q.start - 8) : q.start],
            )
        ):
            continue  # "客户是做磁材的": the buyer's business (not "我们做钠离子电池的": the asker's own)
        before = normal[max(0, q.start - 30) : q.start]
        if k > 0 and q.start > 0 and _MADE_WITH_BEFORE.search(before):
            continue
        if k > 0 and q.start > 0 and not q.elements and _USE_OR_CLASS_BEFORE.search(before):
            continue
        kept.append(q)
    return kept or queries


def _asked(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    """Mark products followed by a technology word ("LFP cathode preparation process")."""
    normal = normalise(text)
    marked = []
    for q in queries:
        end = q.start + len(normalise(q.text))
        asks = "technology" if q.start >= 0 and _TECHNOLOGY_AFTER.search(normal[end : end + 40]) else None
        marked.append(
            ProductQuery(
                q.text, q.elements, q.form, q.product, q.named, q.start, q.description, q.code, asks or q.asks
            )
        )
    return marked


def _folded(queries: list[ProductQuery], composition: Composition) -> list[ProductQuery]:
    said = composition.contains | composition.free_of
    queries = [q for q in queries if not (_bare(q) and set(q.elements) <= said)]
    if any(not _bare(q) for q in queries):
        queries = [q for q in queries if not _bare(q)]
    folded: list[ProductQuery] = []
    for query in queries:
        same = next((k for k, kept in enumerate(folded) if _same_product(kept, query)), None)
        if same is None:
            folded.append(query)
        else:
            folded[same] = _merged(folded[same], query)
    return folded


def _same_product(first: ProductQuery, second: ProductQuery) -> bool:
    """Two mentions of one product: the same listed items named (or entries of the same defining
    announcement's item), the same lexicon product, or a shared element where one of them is not a
    product of its own or only a shape of the metal ("tungsten plates ... the solid tungsten rule")."""
    if first.product is not None and first.product == second.product:
        return True
    if second.form is not None and second.form == first.form and not (second.elements or second.named):
        return True  # "rare-earth magnets ... the magnets it sells": the same product again
    if first.form is not None and first.form == second.form and not (first.elements or first.named):
        return True  # "磁钢N35，就是普通钕铁硼": a trade name for the product the next words name
    first_items = {(m.item.governed_by, m.item.ref) for m in first.named} | {m.item.name for m in first.named}
    second_items = {(m.item.governed_by, m.item.ref) for m in second.named} | {
        m.item.name for m in second.named
    }
    one_entry = first_items & second_items or _same_defining_item(first, second)
    if one_entry and not _two_products(first, second):
        return True
    if not set(first.elements) & set(second.elements):
        return False
    if first.product is None or second.product is None or not (first.named or second.named):
        return True
    shapes = METAL_SHAPES | {"metal", "solid"}
    if {first.form, second.form} & _CHEMICAL_FORMS:
        return False  # "锑锭 ... 三氧化二锑": the metal and its oxide are two products
    return first.form in shapes or second.form in shapes


def _two_products(first: ProductQuery, second: ProductQuery) -> bool:
    """Two products of the lexicon that one list entry joins ("UHP石墨电极……和天然鳞片石墨", both
    under the entry for synthetic and flake graphite): each is compared on its own."""
    if first.product is None or second.product is None or first.product == second.product:
        return False
    a, b = normalise(first.product), normalise(second.product)
    return a not in b and b not in a


def _same_defining_item(first: ProductQuery, second: ProductQuery) -> bool:
    """A consolidated list's entry and the announcement item it carries over, named in two places."""

    def names(query: ProductQuery) -> set[str]:
        return {normalise(m.item.name).split(" - ")[0] for m in query.named}

    return any(a.startswith(b) or b.startswith(a) for a in names(first) for b in names(second))


def _merged(first: ProductQuery, second: ProductQuery) -> ProductQuery:
    named = tuple(dict.fromkeys([*first.named, *second.named]))
    elements = tuple(dict.fromkeys([*first.elements, *second.elements]))
    generic = not (first.elements or first.named) and bool(second.elements or second.named)
    return ProductQuery(
        second.text if generic else first.text,
        elements,
        first.form or second.form,
        first.product or second.product,
        named,
        first.start,
        first.description,
        first.code,
        first.asks or second.asks,
    )


def _query(mention: ProductMention, named: tuple[Match, ...], words: str) -> ProductQuery:
    return ProductQuery(words, mention.elements, mention.form, mention.product, named, mention.start)


def _described(queries: list[ProductQuery], text: str) -> list[ProductQuery]:
    return [
        ProductQuery(q.text, q.elements, q.form, q.product, q.named, q.start, text, q.code, q.asks)
        for q in queries
    ]


def classify_text(
    text: str,
    catalogue: Catalogue,
    timeline: Timeline,
    as_of: dt.date,
    destination: str | None = None,
    military: bool = False,
    kinds: Sequence[str] = (),
    lexicon: Lexicon | None = None,
) -> Classification:
    """Classify every product ``text`` names (its specifications and composition read from it too)."""
    lexicon = lexicon or default_lexicon()
    text = lexicon.respelt(text)
    queries = products_in(text, catalogue, lexicon)
    stated = stated_in(text, lexicon.symbols)
    composition = composition_in(text, lexicon.symbols, lexicon.names_zh)
    return classify(
        queries, catalogue, timeline, as_of, destination, military, stated, composition, kinds, text
    )


def classify(
    queries: Sequence[ProductQuery],
    catalogue: Catalogue,
    timeline: Timeline,
    as_of: dt.date,
    destination: str | None = None,
    military: bool = False,
    stated: Sequence[Stated] = (),
    composition: Composition | None = None,
    kinds: Sequence[str] = (),
    description: str = "",
) -> Classification:
    """One line per product (products that are the same catalogue entries are merged). A question
    about a technology or equipment that names no product is matched by its ``description``."""
    composition = composition or Composition()
    queries = list(queries)
    if (
        "technology" in kinds
        and description
        and not any(q.asks for q in queries)
        and not _goods_made_by_a_process(queries, description)
    ):
        # A question about a technology ("sell our gallium recovery technology"): matched by its
        # description; the materials it names are its subject, unless no technology fits.
        elements = tuple(dict.fromkeys(e for q in queries for e in q.elements))
        about = ProductQuery(description, elements, start=0, description=description, asks="technology")
        if _by_description(about, catalogue, as_of, timeline, ("technology",)):
            queries = [about]
    lines: list[Line] = []
    own = _specifications_by_product(queries, stated, description)
    resold = bool(description) and resold_abroad(description)
    for position, query in enumerate(queries):
        line = None
        if description and made_abroad(description, query):
            # goods made outside China are caught only by the rules on foreign-made goods
            line = _foreign_made_line(query, catalogue, timeline, as_of, destination, military)
        elif resold:
            # China-origin goods sold on by a party abroad: the rules on re-export from abroad
            line = _reexport_line(query, catalogue, timeline, as_of, destination, military)
        if line is None:
            figures = own.get(position, stated)
            line = _line(
                query, catalogue, timeline, as_of, destination, military, figures, composition, kinds
            )
        if line is not None and not any(_same(line, kept) for kept in lines):
            lines.append(line)
    lines = [ln for k, ln in enumerate(lines) if not any(_covered(ln, other) for other in lines[:k])]
    return Classification(tuple(lines), tuple(stated), composition)


def _specifications_by_product(
    queries: Sequence[ProductQuery], stated: Sequence[Stated], text: str
) -> dict[int, list[Stated]]:
    """Each product's own figures, by its position in ``queries``, when a question about several
    gives each its figures right after it ("石墨电极：碳99.8%，抗折强度12MPa；球形石墨：D50 15μm"):
    those between it and the next product. Empty (every product measured by every figure, as
    before) unless each product has figures of its own and none comes before the first product, or
    when a figure cannot be placed."""
    placed = [q for q in queries if q.start >= 0]
    if len(placed) < 2 or len(placed) != len(queries) or not stated or not text:
        return {}
    normal = normalise(text)
    where: list[tuple[int, Stated]] = []
    for figure in stated:
        at = normal.find(normalise(figure.text))
        if at < 0:
            return {}
        where.append((at, figure))
    starts = sorted({q.start for q in placed})
    if len(starts) != len(placed) or min(at for at, _ in where) < starts[0]:
        return {}
    own: dict[int, list[Stated]] = {}
    for position, query in enumerate(queries):  # every one is placed (checked above)
        end = min((s for s in starts if s > query.start), default=len(normal))
        mine = [figure for at, figure in where if query.start <= at < end]
        if not mine:
            return {}
        own[position] = mine
    return own


#: Words that say the goods are made outside China ("our rotor magnets are made in Korea", "our plant
#: in Japan", "foreign-made", "在越南工厂生产"): China's rules reach them only through the rules on
#: foreign-made goods with Chinese content.
_MADE_IN_PLACE = re.compile(
    r"\b(?:made|produced|manufactured|sintered|assembled)\s+(?:in|at)\s+(?:our\s+)?(?:(?:plant|factory)\s+in\s+)?"
    r"(?P<en>(?:the\s+)?(?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+)|"
    r"\b(?:[Oo]ur|[Aa]|[Tt]he)\s+(?:plant|factory|fab|works)\s+in\s+(?P<en2>(?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+)|"
    r"在(?P<zh>[\u4e00-\u9fff]{2,6}?)(?:的)?(?:工厂|厂)?(?:生产|制造|烧结|组装)|"
    # the asker's own making abroad: "we make NdFeB magnets in Korea", "我们越南工厂用……做电机"
    r"\b(?:[Ww]e|[Oo]ur\s+(?:plant|factory|subsidiary|company))\s+(?:make|produce|manufacture|sinter|assemble)s?\s+"
    r"(?:[\w-]+\s+){0,5}?in\s+(?P<en3>(?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+)|"
    # "our Vietnamese factory makes ...": the place as an adjective, with the making right after
    r"\b[Oo]ur\s+(?P<en4>[A-Z][a-z]+)\s+(?:plant|factory|fab|works|subsidiary|affiliate|JV)\s+"
    r"(?:makes|produces|manufactures|sinters|assembles|builds)\b|"
    r"(?:我们|我司|公司)(?:在)?(?P<zh2>[\u4e00-\u9fff]{2,5}?)(?:的)?(?:工厂|厂|子公司)(?:用|拿|采购|生产|制造)|"
    # the asker a maker abroad: "我们是越南的一家磁材厂", "We're a Vietnamese magnet maker"
    r"(?:我们|我司|本公司)是(?P<zh3>[\u4e00-\u9fff]{2,5}?)(?:的)?(?:一家|一个)?[\u4e00-\u9fff]{0,4}?"
    r"(?:工厂|厂|制造商|生产商|生产企业)|"
    r"\b[Ww]e(?:'re|’re| are)\s+an?\s+(?P<en5>[A-Z][a-z]+)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:maker|manufacturer|producer|factory|plant)\b"
)
#: What ends the clause a product is named in ("... to Korea. The motors are made in Korea", "a maker
#: whose motors are made in Korea").
_CLAUSE_BREAK = re.compile(r"[.;?!。？！；]|\b(?:whose|which|that|their|its)\b", re.IGNORECASE)
_MADE_ABROAD = re.compile(
    r"\bforeign[- ](?:made|produced|manufactured)\b|\boverseas[- ](?:made|produced|plant|factory)\b|"
    r"\b(?:made|produced|manufactured)\s+outside\s+(?:of\s+)?China\b|境外(?:生产|制造|工厂)|海外(?:工厂|生产|制造)",
    re.IGNORECASE,
)
#: An item of the rules on foreign-made goods (MOFCOM No. 61 of 2025, Annex 1 Part 2).
_FOREIGN_MADE_ITEM = re.compile(r"\bforeign[- ]made\b", re.IGNORECASE)


def made_abroad(text: str, product: ProductQuery | None = None) -> bool:
    """Whether ``text`` says the goods (``product``, when given) are made outside China:
    "foreign-made", "境外生产", "our plant in Japan", "our Vietnamese factory makes", or made in a
    country other than China next to the product ("our rotor magnets are made in Korea", "在越南工厂
    生产的磁体"); a Chinese city ("made in Ningbo") is no country and says nothing, and neither does a
    buyer's own making ("we sell magnets to a Korean maker whose motors are made in Korea")."""
    if _MADE_ABROAD.search(text):
        return True
    for match in _MADE_IN_PLACE.finditer(text):
        own = (
            match.group("en2")
            or match.group("en3")
            or match.group("en4")
            or match.group("en5")
            or match.group("zh2")
            or match.group("zh3")
        )
        place = match.group("en") or own or match.group("zh") or ""
        if _country_of(place) in (None, "CN"):
            continue
        if own or product is None or product.start < 0:
            return True
        # the product right before "made in ..." ("magnets made in Vietnam", "magnets are made in
        # Korea"), in the same clause, or in Chinese right after it ("在越南工厂生产的磁体")
        where = text.find(product.text)
        if where < 0:
            continue
        before = text[where + len(product.text) : match.start()]
        if where < match.start() and len(before) <= 40 and not _CLAUSE_BREAK.search(before):
            return True
        if where >= match.end() and len(text[match.end() : where]) <= 6:
            return True
    return False


def _country_of(place: str) -> str | None:
    """The country a place name is, if it is one ("Malaysia", "South Korea", "越南"); ``None`` for a
    city or anything else."""
    if len(place) < 3 and not has_chinese(place):  # "In", "Us": words, not countries
        return None
    try:
        return check_country(place, destination=False)
    except QueryError:
        return find_destination(place)


def _foreign_made_line(
    query: ProductQuery,
    catalogue: Catalogue,
    timeline: Timeline,
    as_of: dt.date,
    destination: str | None,
    military: bool,
) -> Line | None:
    """The verdict for goods made abroad of a form a foreign-made-goods item lists (rare-earth magnets
    and targets with Chinese content), as that item stands on the date; ``None`` for other goods."""
    items = [
        i
        for i in catalogue.items
        if any(_FOREIGN_MADE_ITEM.search(text) for text in (i.name, *i.aliases))
        and query.form in _item_forms(i)
        and _in_catalogue_on(i, as_of, timeline)
    ]
    if not items:
        return None
    return _listed_line(query, items[0], timeline, as_of, destination, military)


def _listed_line(
    query: ProductQuery,
    item: CatalogueItem,
    timeline: Timeline,
    as_of: dt.date,
    destination: str | None,
    military: bool,
) -> Line:
    """The product as ``item``, with that item's verdict on the date."""
    verdict = timeline.verdict(item, as_of, destination, military)
    return Line(query.text, "listed", verdict.value, item, verdict, None, query=query)


#: A party abroad that says it buys from China and sells the goods on ("We're a Singapore trader ...
#: buy ... from a Chinese exporter and resell it", "我们是马来西亚的贸易公司，从中国买了……想转卖到欧洲").
_FOREIGN_PARTY = re.compile(
    r"\b(?:[Ww]e(?:'re|’re| are)|I(?:'m|’m| am))\s+(?:an?\s+)?(?P<en>(?:[A-Z][a-z]+\s+){0,1}[A-Z][a-z]+)[- ]"
    r"(?:based\s+)?(?:trader|trading\s+(?:company|house|firm)|distributor|reseller|dealer|company|firm|"
    r"importer|wholesaler|stockist)\b|"
    r"\b(?:[Ww]e|[Oo]ur\s+(?:company|firm))\s+(?:are|is)\s+(?:a\s+\w+\s+)?based\s+in\s+"
    r"(?P<en2>(?:[A-Z][a-z]+\s+){0,1}[A-Z][a-z]+)|"
    r"(?:我们|我司|本公司)(?:是)?(?:一家)?(?P<zh>[\u4e00-\u9fff]{2,5}?)(?:的|当地的|本地的)?(?:一家)?"
    r"(?:贸易公司|贸易商|经销商|进口商|分销商|公司|代理商)"
)
_BOUGHT_FROM_CHINA = re.compile(
    r"\bfrom\s+(?:a\s+|an\s+|our\s+|the\s+)?(?:Chinese|China)\b|从中国|在中国(?:买|采购|进口)|中国(?:供应商|厂家|出口商)",
    re.IGNORECASE,
)
_SELLS_ON = re.compile(
    r"\b(?:re-?sell(?:s|ing)?|resale|re-?export(?:s|ing)?|sell\s+(?:it|them|the\s+\w+)\s+on|onward\s+(?:sale|shipment))\b|"
    r"转卖|转售|再出口|转手|再卖|倒卖",
    re.IGNORECASE,
)
#: The item of the rules on re-export from abroad (MOFCOM No. 61 of 2025, Annex 1 Part 1), and the
#: forms its forms text names, each in a clause with its elements.
_CHINA_ORIGIN_ITEM = re.compile(r"\bChina-origin\b", re.IGNORECASE)
_REEXPORT_FORMS = frozenset({"metal", "alloy", "oxide"})


def resold_abroad(text: str) -> bool:
    """Whether ``text`` comes from a party outside China that buys the goods from China and sells them
    on ("We're a Singapore trader ... resell it to a US customer"): China's rules reach such a sale
    through the rules on re-export of China-origin goods from abroad. A Chinese exporter's own
    customers abroad ("our Malaysian buyer will resell") are not the asker."""
    if not (_BOUGHT_FROM_CHINA.search(text) and _SELLS_ON.search(text)):
        return False
    for match in _FOREIGN_PARTY.finditer(text):
        place = match.group("en") or match.group("en2") or match.group("zh") or ""
        if _country_of(place) not in (None, "CN"):
            return True
    return False


def _reexport_line(
    query: ProductQuery,
    catalogue: Catalogue,
    timeline: Timeline,
    as_of: dt.date,
    destination: str | None,
    military: bool,
) -> Line | None:
    """The verdict for China-origin goods re-exported from abroad, where an item of the rules on
    re-export lists their element in their form (the metals, alloys and oxides its forms name, one
    clause each), as that item stands on the date; ``None`` for other goods, and before the rules
    applied."""
    form = query.form
    if form not in _REEXPORT_FORMS or not query.elements:
        return None
    for item in catalogue.items:
        if not _CHINA_ORIGIN_ITEM.search(item.name) or not _in_catalogue_on(item, as_of, timeline):
            continue
        clauses = re.split(r"[;.]", (item.forms or "").lower())
        if any(form in c and all(e.lower() in c for e in query.elements) for c in clauses):
            line = _listed_line(query, item, timeline, as_of, destination, military)
            return None if line.value == "not_listed" else line  # before those rules: the goods' own item
    return None


def _goods_made_by_a_process(queries: Sequence[ProductQuery], text: str) -> bool:
    """The question names goods and says how they are made ("晶界扩散镝工艺", "made by grain boundary
    diffusion") without speaking of passing the technology on: the goods are what is asked about."""
    return (
        bool(queries)
        and all(q.form not in (None, "technology", "equipment") for q in queries)
        and not _PASSES_ON_TECHNOLOGY.search(text)
    )


def _same(line: Line, other: Line) -> bool:
    return line.item is not None and line.item == other.item and line.kind == other.kind


def _covered(line: Line, earlier: Line) -> bool:
    """A second unlisted mention of an element an earlier unlisted line already covers ("PrNd oxide
    ... Nd2O3")."""
    if (
        line.value != "not_listed"
        or earlier.value != "not_listed"
        or line.query is None
        or earlier.query is None
    ):
        return False
    return bool(line.query.elements) and set(line.query.elements) <= set(earlier.query.elements)


def _line(
    query: ProductQuery,
    catalogue: Catalogue,
    timeline: Timeline,
    as_of: dt.date,
    destination: str | None,
    military: bool,
    stated: Sequence[Stated],
    composition: Composition,
    kinds: Sequence[str],
) -> Line | None:
    asked = (query.asks,) if query.asks else tuple(k for k in kinds if k == "equipment")
    candidates = [m.item for m in query.named if _in_catalogue_on(m.item, as_of, timeline)]
    for match in query.named:
        if not _in_catalogue_on(match.item, as_of, timeline):
            # a consolidated list's entry before that list took effect: the item it carries over
            candidates += [i for i in _carried_over(match.item, catalogue) if i not in candidates]
    if query.form is not None:
        # "tungsten powder" names a catalogue's summary entry only through its element's name.
        candidates = [i for i in candidates if not _SUMMARY_ENTRY.search(i.name)]
    if query.form in _CELL_FORMS:
        # "LFP cells" name a cathode chemistry: a cell is compared with the cell entries, not the material.
        candidates = [i for i in candidates if _item_forms(i) & _CELL_FORMS]
    candidates = _kind_filtered(_without_restated(candidates), asked)
    if query.asks and not any(i.kind == query.asks for i in candidates):
        candidates = _by_description(query, catalogue, as_of, timeline, asked)
    if not candidates:
        candidates = _covering(query, catalogue, as_of, timeline, asked)
    if not candidates and query.code is not None:
        related = tuple(dict.fromkeys(item for _, item in catalogue.related_codes(query.code)))
        if not related:
            heading = _heading_line(query, catalogue)
            if heading is not None:
                return heading
        return Line(query.text, "unlisted_code", "not_listed", None, None, None, related, query)
    if not candidates:
        return _unlisted(query, catalogue, asked)

    def verdict(item: CatalogueItem) -> Verdict:
        return timeline.verdict(item, as_of, destination, military)

    family = not query.named and query.form is None
    caught: list[Line] = []
    missed: list[Line] = []
    product_composition = (
        composition.with_constituents(query.elements) if _by_constituents(query) else composition
    )
    said = _said_below(query.description or query.text)
    for item in candidates:
        assessment = assess(item.thresholds, query.form, stated, product_composition)
        if assessment is not None and assessment.outcome == "unknown" and said is not None:
            assessment = below_as_said(assessment, *said)
        outcome = assessment.outcome if assessment else "met"
        if outcome == "not_met":
            missed.append(
                Line(query.text, "below_threshold", "not_listed", item, None, assessment, query=query)
            )
        else:
            kind: LineKind = "listed" if outcome == "met" else "conditional"
            caught.append(
                Line(query.text, kind, verdict(item).value, item, verdict(item), assessment, query=query)
            )
    if caught:
        # The strictest verdict leads; a certain one before a conditional one of the same value.
        ordered = sorted(caught, key=_precedence)
        lead = ordered[0]
        if lead.kind == "conditional":  # "NdFeB magnets": caught if they contain terbium, or dysprosium
            others = tuple(ln.item for ln in ordered[1:] if ln.kind == "conditional" and ln.item is not None)
            return Line(
                lead.product,
                "conditional",
                lead.value,
                lead.item,
                lead.verdict,
                lead.assessment,
                others,
                query,
            )
        if family:  # "is indium controlled?": the family's listed items, strictest first
            related = tuple(ln.item for ln in ordered if ln.item is not None)
            return Line(
                lead.product, "family", lead.value, lead.item, lead.verdict, lead.assessment, related, query
            )
        return lead

    # The item compared first is one in force (a suspended or uncertain one says less of the product),
    # and of those one of an element the question says the product is free of ("不含镝铽").
    def compared_first(line: Line) -> tuple[int, bool]:
        if line.item is None:
            return (0, False)
        said_free = line.item.element.casefold() in composition.free_of
        return (STRICTNESS.index(verdict(line.item).value), not said_free)

    missed.sort(key=compared_first)
    related = tuple(line.item for line in missed if line.item is not None)
    first = missed[0]
    return Line(
        query.text, "below_threshold", "not_listed", first.item, None, first.assessment, related, query
    )


#: A question that itself says the product falls short of the listed thresholds.
_SAID_BELOW = re.compile(
    r"\b(?:is|are|falls?|fall|sits?|comes?)\s+(?:well\s+|just\s+|slightly\s+)?(?:below|under|short of)\s+"
    r"(?:the\s+)?(?:listed\s+|control(?:led)?\s+|catalogue\s+)?(?:\w+\s+){0,2}(?:thresholds?|limits?|specs?)\b|"
    r"\b(?:does not|doesn't|do not|don't)\s+(?:meet|reach)\s+(?:the\s+)?(?:listed\s+|control\s+)?"
    r"(?:\w+\s+){0,2}(?:thresholds?|limits?|specs?)\b|"
    r"(?:低于|达不到|未达到|没达到|没有达到|不满足|不到)(?:清单|管制|目录)?(?:的|所列)?[\u4e00-\u9fff]{0,4}?(?:门槛|标准|指标|阈值)",
    re.IGNORECASE,
)
#: The limit such words name, the longer names first ("energy density" is no density).
_SAID_QUANTITY = (
    ("purity", r"purity|纯度"),
    ("energy_density", r"energy density|能量密度"),
    ("density", r"density|密度"),
    ("particle_size", r"particle|粒度|粒径"),
    ("power", r"power|功率"),
)


def _said_below(text: str) -> tuple[str, str | None] | None:
    """The words with which ``text`` says its product falls short, and the limit they name."""
    said = _SAID_BELOW.search(text)
    if said is None:
        return None
    near = text[max(0, said.start() - 6) : said.end()]  # "纯度低于管制门槛"
    named = next((q for q, words in _SAID_QUANTITY if re.search(words, near, re.I)), None)
    return re.sub(r"^(?:is|are|falls?|sits?|comes?)\s+", "", said.group(0).strip(), flags=re.I), named


def _by_constituents(query: ProductQuery) -> bool:
    """True when the product's words say what it is made of: a named product ("NdFeB", "W-Ni-Fe",
    "cemented carbide") or a shape of one element ("tungsten bar"). An alloy named by one element
    ("tungsten alloy") or a list's name alone says nothing of its other constituents."""
    if not query.elements or (query.form == "alloy" and len(query.elements) == 1):
        return False
    if query.form == "alloy" and alloy_notations(query.text):
        return True  # "W80Cu20": the notation names every constituent
    return query.product is not None or query.form in METAL_SHAPES | {"metal"}


def _precedence(line: Line) -> tuple[int, bool, bool, dt.date]:
    """Which caught item leads: the strictest verdict, a certain one before a conditional one, the
    defining announcement before a list's entry, and the control that starts first."""
    item, verdict = line.item, line.verdict
    own = item is not None and item.document_id == item.governed_by
    start = verdict.controlled_from if verdict is not None and verdict.controlled_from else dt.date.max
    return (STRICTNESS.index(line.value), line.kind != "listed", not own, start)


def _unlisted(query: ProductQuery, catalogue: Catalogue, kinds: Sequence[str]) -> Line | None:
    """A product no listed item covers: ``not_listed``, with the listed items of its element or family."""
    if not query.elements and query.form is None and not query.product:
        return None
    related: list[CatalogueItem] = []
    for element in query.elements:
        related += [
            i for i in _items_of(element, catalogue, query.text) if i.kind == "item" or i.kind in kinds
        ]
    related = _distinct(_without_restated(list(dict.fromkeys(related))))
    if not related and not query.elements:
        return None  # a bare form word ("equipment") with nothing to compare it with
    family = default_lexicon().families.get(query.product or "")
    if not related and family:  # "CBN grit": the superhard materials the lists hold are its kin
        related = _distinct(_without_restated([i for i in catalogue.in_family(family) if i.kind == "item"]))
    kind: LineKind = "unlisted_form" if related else "unlisted_element"
    if not related and any(e in RARE_EARTHS for e in query.elements):
        related = _listed_rare_earths(query, catalogue)  # still an element no list holds
    if not related and query.references:
        related = _distinct([m.item for m in query.references])  # the listed products it was measured by
    if not related and query.form in _MATERIAL_FORMS:
        # "a ferrite magnet": the magnets the lists hold are of other materials (rare earths); the
        # items with customs codes first, goods shipped from China, not the 0.1% rule's foreign goods
        same_form = [i for i in catalogue.items if i.kind == "item" and query.form in _item_forms(i)]
        related = sorted(_distinct(_without_restated(same_form)), key=lambda i: not i.all_hs_codes)
    return Line(query.text, kind, "not_listed", None, None, None, tuple(related[:8]), query)


def _heading_line(query: ProductQuery, catalogue: Catalogue) -> Line | None:
    """A customs code no item lists, under a heading the lexicon files one element's goods under
    (2613: molybdenum ores): ``not_listed``, with the listed items of that element."""
    assert query.code is not None
    elements = default_lexicon().headings.get(digits(query.code)[:4], ())
    if len(elements) != 1:
        return None
    related = _distinct(_without_restated([i for i in _items_of(elements[0], catalogue) if i.kind == "item"]))
    if not related:
        return None
    product = dataclasses.replace(query, elements=elements)
    return Line(
        f"HS {query.code}", "unlisted_form", "not_listed", None, None, None, tuple(related[:8]), product
    )


def _listed_rare_earths(query: ProductQuery, catalogue: Catalogue) -> list[CatalogueItem]:
    """For a rare earth that no list names (lanthanum, cerium, neodymium): the listed items of the
    rare earths that are, of the product's form where one is of it (an oxide: their oxides)."""
    items = [
        i
        for i in catalogue.items
        if i.kind == "item" and i.element in RARE_EARTHS and i.element not in query.elements
    ]
    items = _distinct(_without_restated(list(dict.fromkeys(items))))
    same_form = [i for i in items if query.form is not None and query.form in _item_forms(i)]
    return same_form or items


def _items_of(element: str, catalogue: Catalogue, words: str = "") -> list[CatalogueItem]:
    """The listed items of an element; carbon is graphite or superhard material as the words say."""
    families = _ELEMENT_FAMILIES.get(element)
    if families:
        named = [f for f, pattern in _CARBON_WORDS.items() if re.search(pattern, words)]
        return [i for f in (named or families) for i in catalogue.in_family(f)]
    return catalogue.in_family(element)


def _covering(
    query: ProductQuery, catalogue: Catalogue, as_of: dt.date, timeline: Timeline, kinds: Sequence[str]
) -> list[CatalogueItem]:
    """Items that cover a product no name matched: of its element and form, or (for a product known
    by its form alone, "磁钢") of that form. A bare element ("indium") is asked about as a family.

    Compounds, oxides and alloys are caught only by name (the lists enumerate them); shapes of a metal,
    magnets, battery cells and electrode materials by what they are."""
    if query.asks:
        return _by_description(query, catalogue, as_of, timeline, (query.asks,))
    if _bare(query):
        pool = [i for e in query.elements for i in _items_of(e, catalogue, query.text)]
        wanted = [i for i in pool if i.kind == "item" or i.kind in kinds] or pool
        return _without_restated([i for i in wanted if _in_catalogue_on(i, as_of, timeline)])
    if query.form in _CLASS_NAMES and query.elements:
        return _class_items(query, catalogue, as_of, timeline, kinds)
    if query.form not in _COVERABLE or (query.form in WINDOW_FORMS and not query.elements):
        return []  # a window of no named material ("the exit window of a laser") is no listed window
    forms = {query.form, *_COVERS.get(query.form or "", ())} - {None}
    pool = [i for e in query.elements for i in _items_of(e, catalogue, query.text)]
    if not query.elements or query.form in _PRODUCT_FORMS:
        pool += [i for i in catalogue.items if _may_be_made_of(i, query)]
    found = [i for i in pool if forms & _item_forms(i) and _in_catalogue_on(i, as_of, timeline)]
    if query.form in METAL_SHAPES:
        # "tungsten powder" is the metal's powder: an item of a chemical's powder (APT) is not it.
        found = [
            i for i in found if not (_CHEMICAL_FORMS & _item_forms(i)) or {"metal", "solid"} & _item_forms(i)
        ]
    # A catalogue's summary entry ("Tungsten and molybdenum items (solid tungsten, APT, ...)") names
    # many items at once: it restates them and says nothing of a form none of them has.
    found = [i for i in found if not _SUMMARY_ENTRY.search(i.name)]
    return _kind_filtered(_without_restated(found), kinds)


_CELL_FORMS = frozenset({"battery_cell", "battery_pack"})
#: Product forms whose listed items are all of one kind of material (rare-earth magnets, lithium cells).
_MATERIAL_FORMS = frozenset({"magnet", "battery_cell", "battery_pack"})


def _may_be_made_of(item: CatalogueItem, query: ProductQuery) -> bool:
    """A product known by its form is compared with every listed item of that form, unless the
    product's named material rules out the item's family: a ferrite magnet (iron) is no rare-earth
    magnet, a sodium-ion cell no lithium battery, and a cathode of a sodium-ion cell no lithium
    cathode material."""
    other = bool(set(query.elements) & _OTHER_CHEMISTRIES) and query.form in _BATTERY_FORMS
    if not other and (query.product is None or not query.elements or query.form not in _MATERIAL_FORMS):
        return True
    return item.family in {f for e in query.elements for f in _families_of(e)}


def _class_items(
    query: ProductQuery, catalogue: Catalogue, as_of: dt.date, timeline: Timeline, kinds: Sequence[str]
) -> list[CatalogueItem]:
    """The items of the product's element that name the whole class its form belongs to (an oxide
    is one of "antimony oxides"; an oxide is also a compound of "gadolinium compounds")."""
    wanted = [_CLASS_NAMES[query.form or ""]]
    if query.form == "oxide":
        wanted.append(_CLASS_NAMES["compound"])
    found: list[CatalogueItem] = []
    for pattern in wanted:
        pool = [i for e in query.elements for i in _items_of(e, catalogue, query.text)]
        found = [
            i
            for i in pool
            if any(pattern.search(name) for name in (i.name, i.name_zh))
            and _in_catalogue_on(i, as_of, timeline)
        ]
        if found:
            break
    return _kind_filtered(_without_restated(found), kinds)


def _by_description(
    query: ProductQuery, catalogue: Catalogue, as_of: dt.date, timeline: Timeline, kinds: Sequence[str]
) -> list[CatalogueItem]:
    """Technologies or equipment of the product's family that share the most words with the
    question's description of it (several when they tie)."""
    elements = set(query.elements) | set(_description_elements(query.description or query.text))
    families = {f for e in elements for f in _families_of(e)} & set(catalogue.families_in_items())
    families = families or set(catalogue.families_in_items())
    pool = [
        i
        for i in catalogue.items
        if i.kind in kinds and i.family in families and _in_catalogue_on(i, as_of, timeline)
    ]
    words = _description_words(query.text + " " + query.description)
    scored = [(len(words & _description_words(" ".join([i.name, i.name_zh, *i.aliases]))), i) for i in pool]
    best = max((score for score, _ in scored), default=0)
    if best == 0:
        return []
    chosen = [i for score, i in scored if score == best]
    # A description that shares several words with more than one entry ("a complete NdFeB magnet
    # line ... our process recipes": the rare-earth technologies of No. 62 of 2025 by three words,
    # the catalogue's prohibited NdFeB magnet-making technology by two) is compared with a
    # prohibited entry a word short of the best too: a ban that may apply decides. Entries of the
    # same control a word apart stay apart (LFP technology is not LMFP's).
    if best >= DESCRIPTION_NEAR_FROM and not any(i.control == "prohibited" for i in chosen):
        chosen += [i for score, i in scored if score == best - 1 and i.control == "prohibited"]
    return _without_restated(chosen)


#: Shared words from which a prohibited entry one word short of the best is compared too.
DESCRIPTION_NEAR_FROM = 3

_TECH_STOP = frozenset(
    {
        "technology",
        "technologies",
        "technique",
        "process",
        "know",
        "how",
        "data",
        "related",
        "equipment",
        "for",
        "and",
        "of",
        "the",
        "its",
        "production",
        "技术",
        "工艺",
        "设备",
    }
)


def _description_words(text: str) -> set[str]:
    """English words (singular) and Chinese character pairs of a description, for overlap scores."""
    normal = normalise(text)
    words = {w.removesuffix("s") for w in re.findall(r"[a-z]{3,}", normal)} - _TECH_STOP
    for run in re.findall(r"[\u4e00-\u9fff]{2,}", normal):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return words - _TECH_STOP


def _description_elements(text: str) -> list[str]:
    """Every element a description names (bare mentions included)."""
    lexicon = default_lexicon()
    return [e for m in lexicon.mentions(normalise(text)) if m.kind != "form" for e in m.elements]


def _families_of(element: str) -> tuple[str, ...]:
    if element in _ELEMENT_FAMILIES:
        return _ELEMENT_FAMILIES[element]
    if element in RARE_EARTHS:
        return ("rare earths",)
    if element == "lithium":
        return ("lithium batteries",)
    return (element,)


def _item_forms(item: CatalogueItem) -> frozenset[str]:
    """The product forms an item's names and forms text speak of (from the lexicon's form words)."""
    lexicon = default_lexicon()
    # What the forms text excludes ("particles and powder do not count") is no form of the item.
    described = _EXCLUDED_FORMS.sub(" ", item.forms or "")
    text = " ".join([_EXCLUDED_FORMS.sub(" ", item.name), *item.aliases, described])
    forms = {m.form for m in lexicon.mentions(normalise(text)) if m.form}
    forms |= {g.form for g in item.thresholds if g.form}
    if forms & WINDOW_FORMS:
        # "flat windows of single-crystal or polycrystalline diamond": the crystal is the window's
        # material; a diamond wafer or plate that is no window is not this item.
        forms -= {"single_crystal", "polycrystal"}
    if item.kind in ("technology", "equipment"):
        forms.add(item.kind)
    return frozenset(f for f in forms if f)


def _kind_filtered(items: list[CatalogueItem], kinds: Sequence[str]) -> list[CatalogueItem]:
    """Technologies and equipment only when the question asks about them, and then only them."""
    if kinds:
        chosen = [i for i in items if i.kind in kinds]
        return chosen or items
    return [i for i in items if i.kind == "item"] or items


def _in_catalogue_on(item: CatalogueItem, day: dt.date, timeline: Timeline) -> bool:
    """False for an entry of a consolidated list that did not exist yet on ``day``."""
    if item.document_id == item.governed_by:
        return True
    effective = timeline.effective_date(item.document_id)
    return effective is None or effective <= day


def _distinct(items: list[CatalogueItem]) -> list[CatalogueItem]:
    """Items with distinct names, and no consolidated-list entry whose items are already there."""
    kept: list[CatalogueItem] = []
    names: set[str] = set()
    for item in sorted(items, key=lambda i: i.document_id != i.governed_by):
        key = item.name.casefold()
        if key in names or (
            item.document_id != item.governed_by and any(k.governed_by == item.governed_by for k in kept)
        ):
            continue
        names.add(key)
        kept.append(item)
    return kept


def _carried_over(entry: CatalogueItem, catalogue: Catalogue) -> list[CatalogueItem]:
    """The item of the defining announcement that a consolidated list's entry carries over: the one
    whose name shares the most words with the entry's (among those sharing a customs code, if any)."""
    own = [i for i in catalogue.items if i.document_id == entry.governed_by != entry.document_id]
    sharing = [i for i in own if set(i.all_hs_codes) & set(entry.all_hs_codes)] or own
    words = set(normalise(entry.name).split())
    scored = [(len(words & set(normalise(i.name).split())), i) for i in sharing]
    best = max((score for score, _ in scored), default=0)
    return [i for score, i in scored if score == best and score * 2 >= len(words)]


def _without_restated(items: list[CatalogueItem]) -> list[CatalogueItem]:
    """Drop a consolidated list's entry when the announcement that defines the item is there too."""
    defining = {i.governed_by for i in items if i.document_id == i.governed_by}
    kept = [i for i in items if i.document_id == i.governed_by or i.governed_by not in defining]
    return list(dict.fromkeys(kept))


def lead_line(lines: Sequence[Line]) -> Line | None:
    """The line whose verdict leads (strictest; certain before conditional)."""
    if not lines:
        return None
    return min(lines, key=lambda ln: (STRICTNESS.index(ln.value), ln.kind not in ("listed", "family")))


def verdicts_of(lines: Sequence[Line]) -> list[Verdict]:
    """The timeline verdicts behind the lines that have one."""
    return [line.verdict for line in lines if line.verdict is not None]


def strictest_verdict(lines: Sequence[Line]) -> Verdict | None:
    return strictest(verdicts_of(lines))
