"""Specifications a question states: numbers with units (English and Chinese), purity grades, and
what a product contains or leaves out.

``99.995%``, ``4N5``, ``12 MPa``, ``1.70 g/cm³``, ``6 kW``, ``165 Wh/kg``, ``50 µm``, ``3-inch``,
``纯度99.99%``, ``抗折强度12兆帕``, ``功率6千瓦`` become :class:`Stated` values in the canonical
units of :data:`kb.corpus.schema.UNITS`; "without Dy/Tb", "不含镝" become exclusions. A value whose
quantity the words around it do not say (a bare "12 MPa") keeps the unit's family and is matched to
the item's condition of that unit later (:mod:`kb.verdicts.thresholds`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DOPANTS",
    "Composition",
    "Stated",
    "alloy_notations",
    "composition_in",
    "notation_contents",
    "quantities_in",
    "stated_in",
]


@dataclass(frozen=True)
class Stated:
    """A value the question gives: ``quantity`` (``None`` when the words do not say which of the
    unit's quantities it is), the range it states (``low == high`` for one figure, ``None`` for an
    open end: "below 10 kW" is ``(None, 10)``), the canonical unit and the words it came from."""

    quantity: str | None
    low: float | None
    high: float | None
    unit: str
    text: str
    #: The quantities this unit can measure, when ``quantity`` is not known.
    candidates: tuple[str, ...] = ()
    #: For a ``content`` read from an alloy's notation ("W75Cu25"): of which element.
    of: str | None = None

    def could_be(self, quantity: str) -> bool:
        return self.quantity == quantity or (self.quantity is None and quantity in self.candidates)


@dataclass(frozen=True)
class Composition:
    """Elements a question says a product contains, the ones it says it is free of, and the main
    constituents of the named product ("NdFeB": neodymium, iron, boron)."""

    contains: frozenset[str] = frozenset()
    free_of: frozenset[str] = frozenset()
    constituents: frozenset[str] = frozenset()

    def with_constituents(self, elements: Iterable[str]) -> Composition:
        return Composition(self.contains, self.free_of, frozenset(elements))


# unit words -> (canonical unit, factor to canonical, quantities the unit can measure)
_UNITS: list[tuple[str, str, float, tuple[str, ...]]] = [
    (r"wh\s*/\s*kg|瓦时\s*/\s*(?:千克|公斤)|瓦时每千克", "Wh/kg", 1.0, ("energy_density",)),
    (r"mah\s*/\s*g|毫安时\s*/\s*克", "mAh/g", 1.0, ("discharge_capacity",)),
    (r"kg\s*/\s*m(?:3|³|\^3)", "g/cm3", 0.001, ("density", "compaction_density", "tap_density")),
    (
        r"g\s*/\s*(?:cm(?:3|³|\^3)|cc|ml)|克\s*/\s*(?:立方厘米|厘米3|cm3|毫升)|克每立方厘米",
        "g/cm3",
        1.0,
        ("density", "compaction_density", "tap_density"),
    ),
    (r"m(?:2|²)\s*/\s*g|平方米\s*/\s*克", "m2/g", 1.0, ("specific_surface_area",)),
    (r"(?:m(?:3|³)|cubic\s+met(?:re|er)s?|立方米|立方)(?![\w/])", "m3", 1.0, ("volume",)),
    (r"(?:litres?|liters?|升)(?![\w/])", "m3", 0.001, ("volume",)),
    (r"(?:/|per\s+)cm(?:2|²|\^2)|cm-2|个\s*/\s*(?:平方厘米|cm2)", "per cm2", 1.0, ("dislocation_density",)),
    (r"gpa|吉帕|千兆帕", "GPa", 1.0, ("pressure",)),
    (r"kbar|千巴", "GPa", 0.1, ("pressure",)),
    (r"mpa|兆帕", "MPa", 1.0, ("flexural_strength", "tensile_strength", "elastic_limit", "pressure")),
    (r"ghz|吉赫", "MHz", 1000.0, ("frequency",)),
    (r"mhz|兆赫", "MHz", 1.0, ("frequency",)),
    (r"mw(?!h)|兆瓦(?!时)", "kW", 1000.0, ("power",)),
    (r"kw(?!h)|千瓦(?!时)", "kW", 1.0, ("power",)),
    (r"(?<![a-z])w(?![a-z/])|瓦(?!时)", "kW", 0.001, ("power",)),
    (r"nm|纳米", "um", 0.001, ("particle_size",)),
    (r"µm|μm|um|microns?|micrometres?|micrometers?|微米", "um", 1.0, ("particle_size",)),
    (
        r"mm|毫米",
        "mm",
        1.0,
        (
            "diameter",
            "length",
            "bore",
            "inner_diameter",
            "wall_thickness",
            "width",
            "height",
            "thickness",
            "particle_size",
        ),
    ),
    (r"cm|厘米", "mm", 10.0, ("diameter", "length", "width", "height", "thickness")),
    (
        r"(?:metres?|meters?|m)(?![a-zA-Zµμ/²³0-9])|(?<![毫厘纳微千])米",
        "mm",
        1000.0,
        ("diameter", "length", "bore", "width", "height"),
    ),
    (r"inch(?:es)?|in\.|\"|″|英寸|寸", "mm", 25.4, ("diameter",)),
    (r"cycles?|次循环|次", "cycles", 1.0, ("cycle_life",)),
    (
        r"(?:wt|mass|weight|at)\.?\s?%|%|percent|per\s+cent|％",
        "%",
        1.0,
        ("purity", "content", "transmittance", "elongation", "ash"),
    ),
]
_UNIT_RE = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, *_rest) in enumerate(_UNITS))
#: A figure: "1,350" and "12,000" are thousands (a comma before three digits), "1,5" is 1.5.
_THOUSANDS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])"
_FIGURE = rf"(?:{_THOUSANDS}|\d+(?:[.,]\d+)?)"
_VALUE = re.compile(
    rf"(?P<low>{_FIGURE})(?:\s*(?:-|–|~|to|至|到)\s*(?P<high>{_FIGURE}))?[\s-]*(?:{_UNIT_RE})",
    re.IGNORECASE,
)
#: Purity grades: 4N = 99.99 %, 4N5 = 99.995 %, "5 nines".
_GRADE = re.compile(r"(?<![\w.])([2-9])\s?N\s?([1-9])?(?![\w])")
_NINES = re.compile(r"\b(two|three|four|five|six|seven|2|3|4|5|6|7)\s+nines\b", re.IGNORECASE)
_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}

# words before (or right after) a figure that say which quantity it is
_KEYWORDS: list[tuple[str, str]] = [
    ("flexural_strength", r"flexural|bending|flexure|抗折|抗弯"),
    ("tensile_strength", r"tensile|uts|抗拉"),
    ("elastic_limit", r"elastic|yield|弹性|屈服"),
    ("compaction_density", r"compact(?:ion|ed)(?: density)?|press(?:ed)? density|压实(?:密度)?"),
    ("tap_density", r"\btap(?: density)?|振实(?:密度)?"),
    ("density", r"density|dense|密度|比重"),
    ("elongation", r"elongation|延伸|伸长"),
    ("transmittance", r"transmi|透过|透光"),
    ("particle_size", r"particle|grain|size|d50|mesh|粒度|粒径|颗粒"),
    ("power", r"power|功率"),
    ("frequency", r"frequency|频率"),
    ("pressure", r"pressure|压力|压强"),
    ("energy_density", r"energy|能量密度"),
    ("discharge_capacity", r"capacity|容量"),
    ("bore", r"\bbore|cylinder|缸径"),
    ("inner_diameter", r"inner|inside|内径"),
    ("wall_thickness", r"wall|壁厚"),
    ("thickness", r"(?<!wall )thick(?:ness)?|(?<!壁)厚(?:度)?"),
    ("diameter", r"diameter|dia\b|ø|直径|wafer|window"),
    ("length", r"length|long\b|长度|长\s*[:：]?\s*$"),
    ("width", r"width|wide\b|宽"),
    ("height", r"height|high\b|tall|高度|高\s*[:：]?\s*$"),
    ("purity", r"pur(?:e|ity)|grade|assay|nines|纯度|纯|品位"),
    ("ash", r"\bash(?:\s+content)?\b|灰分"),
    ("content", r"content|含量|含"),
    ("cycle_life", r"cycle|循环"),
    ("volume", r"volume|capacity|容积|体积"),
]
_BELOW = re.compile(
    r"(?:<|≤|=<|under|below|less than|lower than|at most|up to|max(?:imum)?\.?|no more than|not more than|"
    r"not exceeding|不超过|低于|小于|不大于|最高|最大)\s*$",
    re.IGNORECASE,
)
_ABOVE = re.compile(
    r"(?:>|≥|>=|over|above|more than|greater than|at least|min(?:imum)?\.?|no less than|not less than|"
    r"exceeding|不低于|高于|大于|超过|不小于|最低|至少)\s*$",
    re.IGNORECASE,
)
_AFTER_BELOW = re.compile(r"^\s*(?:or less|or below|or under|max\b|以下|以内|及以下)")
_AFTER_ABOVE = re.compile(r"^\s*(?:or more|or above|or higher|min\b|以上|及以上)")


#: Sizes given as "100 x 100 x 10 mm" (length x width x height) or "Ø120 x 50 mm" (diameter x length;
#: Chinese specifications write the diameter sign as Φ).
_DIMENSIONS = re.compile(
    r"(?P<dia>ø|Ø|⌀|Φ|φ|dia(?:meter)?\.?\s*|直径\s*)?(?P<a>\d+(?:[.,]\d+)?)\s*(?:mm|cm)?\s*[x×*]\s*"
    r"(?P<b>\d+(?:[.,]\d+)?)\s*(?:mm|cm)?(?:\s*[x×*]\s*(?P<c>\d+(?:[.,]\d+)?))?\s*(?P<unit>mm|cm|毫米|厘米)",
    re.IGNORECASE,
)


def _dimensions(text: str) -> tuple[list[Stated], list[tuple[int, int]]]:
    """The sizes ``text`` gives as products of figures, and where they are."""
    found: list[Stated] = []
    spans: list[tuple[int, int]] = []
    for match in _DIMENSIONS.finditer(text):
        factor = 10.0 if match.group("unit").lower() in ("cm", "厘米") else 1.0
        figures = [match.group(k) for k in ("a", "b", "c") if match.group(k)]
        values = [round(_number(f) * factor, 6) for f in figures]
        if match.group("dia"):
            names = ("diameter", "length")[: len(values)] if len(values) == 2 else ()
        else:
            names = ("length", "width", "height")[: len(values)]
        if len(names) != len(values):
            continue
        found += [
            Stated(name, value, value, "mm", match.group(0))
            for name, value in zip(names, values, strict=True)
        ]
        spans.append(match.span())
    return found, spans


#: An alloy written as its composition: "93W-4.9Ni-2.1Fe", or run together with the figures after
#: the symbols, "W75Cu25" (read only when its figures add up to about 100, so "Nd2O3" is no alloy).
ALLOY_NOTATION = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?[A-Z][a-z]?(?:\s?[-–/]\s?\d+(?:\.\d+)?\s?[A-Z][a-z]?)+(?![\w])"
)
_COMPACT_ALLOY = re.compile(r"(?<![A-Za-z\d.])(?:[A-Z][a-z]?\d+(?:\.\d+)?){2,4}(?![A-Za-z\d.])")
_NOTATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s?([A-Z][a-z]?)|([A-Z][a-z]?)(\d+(?:\.\d+)?)")


def alloy_notations(text: str) -> list[tuple[re.Match[str], list[tuple[float, str]]]]:
    """Every alloy written as its composition, with its (percentage, symbol) parts."""
    found = []
    for pattern in (ALLOY_NOTATION, _COMPACT_ALLOY):
        for match in pattern.finditer(text):
            parts = [(float(a or d), b or c) for a, b, c, d in _NOTATION_PART.findall(match.group(0))]
            if pattern is _COMPACT_ALLOY and not 95 <= sum(v for v, _ in parts) <= 100.5:
                continue
            found.append((match, parts))
    return found


def notation_contents(text: str, symbols: dict[str, str]) -> list[Stated]:
    """The content of each element an alloy's notation gives ("W75Cu25": 75 % tungsten, 25 %
    copper), when the text writes one alloy that way."""
    notations = alloy_notations(text)
    if len(notations) != 1:
        return []
    match, parts = notations[0]
    found = []
    for value, symbol in parts:
        element = symbols.get(symbol)
        if element is None:
            return []
        found.append(Stated("content", value, value, "%", match.group(0), of=element))
    return found


def stated_in(text: str, symbols: dict[str, str]) -> tuple[Stated, ...]:
    """Every specification ``text`` states: its figures and grades, and the contents an alloy's
    notation gives (``symbols`` maps element symbols to names)."""
    return (*quantities_in(text), *notation_contents(text, symbols))


def quantities_in(text: str) -> list[Stated]:
    """Every figure with a unit, and every purity grade, that ``text`` states (an alloy's
    composition, "93W-4.9Ni-2.1Fe", is not a power of 93 W)."""
    found, taken = _dimensions(text)
    taken += [m.span() for m, _ in alloy_notations(text)]
    sizes = list(taken)
    for match in _VALUE.finditer(text):
        if any(a <= match.start() < b for a, b in sizes):
            continue
        index = next(int(k[1:]) for k, v in match.groupdict().items() if k.startswith("u") and v)
        _, unit, factor, candidates = _UNITS[index]
        low: float | None = round(_number(match.group("low")) * factor, 6)
        high: float | None = round(_number(match.group("high")) * factor, 6) if match.group("high") else low
        before, after = text[max(0, match.start() - 40) : match.start()], text[match.end() : match.end() + 12]
        if _BELOW.search(before) or _AFTER_BELOW.match(after):
            low = None
        elif _ABOVE.search(before) or _AFTER_ABOVE.match(after):
            high = None
        quantity = _quantity(before, after, candidates, unit)
        if unit == "MPa" and quantity == "pressure":
            low, high = (None if v is None else v / 1000 for v in (low, high))
            unit = "GPa"
        if quantity == "ash":  # "灰分0.2%", "ash ≤ 0.05%": what is not ash is the carbon's purity
            low, high = (None if v is None else round(100 - v, 6) for v in (high, low))
            quantity = "purity"
        if unit == "%" and quantity is None:
            quantity = "purity" if (low or 0) >= 90 else "content"
        if quantity == "purity" and high is None and re.match(r"\s*(?:min\b|minimum\b|min\.)", after, re.I):
            high = low  # "assay 99.97% min" is a 99.97% grade, not a promise of more
        if unit == "mm" and quantity == "particle_size":  # "粒径0.08mm" is 80 µm
            low, high = (None if v is None else round(v * 1000, 6) for v in (low, high))
            unit = "um"
        found.append(Stated(quantity, low, high, unit, match.group(0), () if quantity else candidates))
        taken.append(match.span())
    for match in _GRADE.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        nines, extra = int(match.group(1)), match.group(2)
        value = float("99." + "9" * (nines - 2) + (extra or "")) if nines > 2 else 99.0
        found.append(Stated("purity", value, value, "%", match.group(0)))
    for match in _NINES.finditer(text):
        word = match.group(1).lower()
        nines = _WORD_NUMBERS.get(word) or int(word)
        value = float("99." + "9" * (nines - 2)) if nines > 2 else 99.0
        found.append(Stated("purity", value, value, "%", match.group(0)))
    found += _bare_densities(text, taken)
    if not any(v.quantity == "energy_density" for v in found):
        found += _energy_density(text)
    return found


#: A density given without its unit ("体积密度1.70", "bulk density 1.82"): a figure a solid's density
#: can be is read in g/cm³, the unit every listed density threshold uses.
_BARE_DENSITY = re.compile(
    r"(?P<kind>tap(?:ped)?|振实|compact(?:ion|ed)|press(?:ed)?|压实)?\s*(?:bulk\s+|apparent\s+|体积|表观)?"
    r"(?:density|密度|比重)\s*(?:of|is|was|about|around|approx\.?|约|为|是|达到?|[:：=≈~])?\s*"
    r"(?P<value>\d+(?:\.\d+)?)(?![\d.])"
    r"(?!\s*(?:[%‰µμ/×*]|x\b|[gt]\b|g/|kg|mm|cm|um|mpa|gpa|wh|mah|kw|w\b|克|千克|公斤|毫|兆|吨))",
    re.IGNORECASE,
)
_DENSITY_RANGE = (0.3, 25.0)


def _bare_densities(text: str, taken: list[tuple[int, int]]) -> list[Stated]:
    found: list[Stated] = []
    for match in _BARE_DENSITY.finditer(text):
        start = match.start("value")
        if any(a <= start < b for a, b in taken):
            continue
        value = _number(match.group("value"))
        if not _DENSITY_RANGE[0] <= value <= _DENSITY_RANGE[1]:
            continue
        kind = (match.group("kind") or "").lower()
        if kind.startswith(("tap", "振实")):
            quantity = "tap_density"
        elif kind:
            quantity = "compaction_density"
        else:
            quantity = "density"
        found.append(Stated(quantity, value, value, "g/cm3", match.group(0).strip()))
        taken.append(match.span("value"))
    return found


# A cell's datasheet figures, from which its gravimetric energy density follows.
_VOLTS = re.compile(r"(?<![\dA-Za-z.])(\d+(?:\.\d+)?)\s*(?:V|伏)(?![A-Za-z/])")
_CAPACITY = re.compile(rf"({_FIGURE})\s*(mAh|Ah|毫安时|安时)(?!\s*/)", re.IGNORECASE)
_ENERGY = re.compile(r"(?<![\dA-Za-z.])(\d+(?:\.\d+)?)\s*(kWh|Wh|千瓦时|瓦时)(?!\s*/)", re.IGNORECASE)
_MASS = re.compile(rf"(?<![\dA-Za-z.])({_FIGURE})\s*(kg|g|千克|公斤|克)(?![A-Za-z/])", re.IGNORECASE)


def _energy_density(text: str) -> list[Stated]:
    """The energy density a datasheet implies when it gives the energy (or the voltage and the
    capacity) and the mass of one cell ("3.6 V, 5,000 mAh, 70 g" is 257 Wh/kg); nothing unless each
    figure is given once."""
    masses = _MASS.findall(text)
    energies = _ENERGY.findall(text)
    if len(masses) != 1:
        return []
    mass, mass_unit = masses[0]
    kilograms = _number(mass) * (1.0 if mass_unit.lower() in ("kg", "千克", "公斤") else 0.001)
    if kilograms <= 0:
        return []
    if len(energies) == 1:
        value, unit = energies[0]
        watt_hours = _number(value) * (1000.0 if unit.lower() in ("kwh", "千瓦时") else 1.0)
        words = f"{value} {unit} / {mass} {mass_unit}"
    else:
        volts, capacities = _VOLTS.findall(text), _CAPACITY.findall(text)
        if energies or len(volts) != 1 or len(capacities) != 1:
            return []
        capacity, unit = capacities[0]
        amp_hours = _number(capacity) * (0.001 if unit.lower() in ("mah", "毫安时") else 1.0)
        watt_hours = float(volts[0]) * amp_hours
        words = f"{volts[0]} V x {capacity} {unit} / {mass} {mass_unit}"
    density = round(watt_hours / kilograms, 1)
    return [Stated("energy_density", density, density, "Wh/kg", f"{words} = {density:g} Wh/kg")]


def _number(text: str) -> float:
    if re.fullmatch(_THOUSANDS, text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


#: Sizes whose word may follow the figure ("40 mm thick").
_SIZE_AFTER = (
    ("thickness", r"\s*thick\b"),
    ("length", r"\s*long\b"),
    ("width", r"\s*wide\b"),
    ("height", r"\s*(?:high|tall)\b"),
)


def _quantity(before: str, after: str, candidates: tuple[str, ...], unit: str) -> str | None:
    """The quantity the nearest keyword before the figure (or right after it) names, among those the
    unit can measure; ``None`` when no keyword says, unless the unit measures one thing only."""
    tail = after.casefold()
    for quantity, pattern in _SIZE_AFTER:
        # "40 mm thick", "200 mm long": a size word right after the figure names it
        if quantity in candidates and re.match(pattern, tail):
            return quantity
    near = before[-30:].casefold()
    best: tuple[int, str] | None = None
    for quantity, pattern in _KEYWORDS:
        if quantity not in candidates:
            continue
        for match in re.finditer(pattern, near):
            if best is None or match.end() > best[0]:
                best = (match.end(), quantity)
    if best is not None:
        return best[1]
    for quantity, pattern in _KEYWORDS:
        if quantity in candidates and re.match(rf"\s*(?:{pattern})", tail):
            return quantity
    return candidates[0] if len(candidates) == 1 else None


# -- composition ---------------------------------------------------------------------------------

_FREE = re.compile(
    r"(?:without|free of|free from|no|not containing|containing no|does not contain|excluding|non-?)\s+"
    r"(?P<list>[A-Za-z][\w/,\- ]{0,40}?)"
    r"(?=$|[.,;?!)]|\s+(?:and|or|for|to|in|at|magnets?|alloys?|added|present|used)\b)"
    r"|(?P<list2>[A-Za-z][\w/\- ]{0,30}?)[- ]free\b(?!\s+(?:of|from)\b)"
    r"|(?:不含|无|不添加|未添加|不包含|没加|没有加|没添加|没有添加|未加|不加)(?P<zh>[\u4e00-\u9fff、/和及]{1,12})",
    re.IGNORECASE,
)

_CONTAINS = re.compile(
    r"(?:containing|contains|with|doped with|added|including)\s+(?P<list>[A-Za-z][\w/,\- ]{0,30}?)"
    r"(?=$|[.,;?!)]|\s+(?:and|or|for|to|in|at|magnets?)\b)"
    r"|(?<![A-Za-z])(?P<list2>[A-Z][a-z]?(?:[/-][A-Z][a-z]?)*)[- ](?:doped|added|containing|bearing)\b"
    r"|(?:含有?|添加|掺杂?|加入)(?P<zh>[\u4e00-\u9fff、/和及]{1,8})",
)
#: Elements added in small amounts to a product named by its main constituents (Dy or Tb in NdFeB
#: magnets): a name that does not mention them does not rule them out.
DOPANTS = frozenset({"terbium", "dysprosium"})
_HEAVY_RARE_EARTHS = (
    "terbium",
    "dysprosium",
    "holmium",
    "erbium",
    "thulium",
    "ytterbium",
    "lutetium",
    "gadolinium",
    "yttrium",
)


def composition_in(text: str, symbols: dict[str, str], names_zh: dict[str, str]) -> Composition:
    """What ``text`` says a product contains or is free of: "without Dy/Tb", "Dy-free", "不含镝铽",
    "containing terbium". ``symbols`` maps element symbols and English names (lower case) to element
    names; ``names_zh`` maps Chinese element names to element names."""
    free = _elements(_FREE, text, symbols, names_zh)
    contains = _elements(_CONTAINS, text, symbols, names_zh) - free
    return Composition(frozenset(contains), frozenset(free))


def _elements(
    pattern: re.Pattern[str], text: str, symbols: dict[str, str], names_zh: dict[str, str]
) -> set[str]:
    found: set[str] = set()
    for match in pattern.finditer(text):
        chunk = match.group("list") or match.group("list2")
        if chunk and match.group("list"):
            # the list goes on past "or"/"and" while elements follow: "without Dy or Tb"
            chunk += _more_elements(text[match.end() :], symbols)
        if chunk:
            if re.search(r"heavy rare[- ]earths?", chunk, re.IGNORECASE):
                found.update(_HEAVY_RARE_EARTHS)
            for word in re.split(r"[/,\-\s]+|\band\b|\bor\b", chunk):
                name = symbols.get(word.strip()) or symbols.get(word.strip().casefold())
                if name:
                    found.add(name)
        zh = match.group("zh")
        if zh:
            if zh.startswith("重稀土"):
                found.update(_HEAVY_RARE_EARTHS)
                continue
            # "不含镝也不含铽": the match runs on over the second list, which names more
            again = _ZH_FREE_AGAIN if pattern is _FREE else _ZH_CONTAINS_AGAIN
            for part in again.split(zh):
                found.update(_leading_elements(part, names_zh))
    return found


#: A Chinese list of elements taken up again ("不含镝也不含铽", "含镝也含铽"); "不含镝但含铽" is two
#: lists of two kinds, each read by its own pattern.
_ZH_FREE_AGAIN = re.compile(
    r"(?:也|又|且|并|还)(?:不含|不添加|未添加|不包含|无|没加|没有加|没添加|没有添加|未加|不加)"
)
_ZH_CONTAINS_AGAIN = re.compile(r"(?:也|又|且|并|还|但|而|却)(?:含有?|添加|掺杂?|加入)")


#: One more element in a list: ", Tb", " or Tb", " and terbium", " nor any Tb".
_NEXT_ELEMENT = re.compile(r"\s*(?:,|/|\band\b|\bor\b|\bnor\b)\s*(?:any\s+|no\s+)?([A-Za-z]+)")


def _more_elements(rest: str, symbols: dict[str, str]) -> str:
    """The elements that continue a list after where its pattern stopped, as " Tb terbium"."""
    words = ""
    while True:
        match = _NEXT_ELEMENT.match(rest)
        word = match.group(1) if match else ""
        if not match or not (symbols.get(word) or symbols.get(word.casefold())):
            return words
        words += f" {word}"
        rest = rest[match.end() :]


def _leading_elements(text: str, names_zh: dict[str, str]) -> set[str]:
    """The element names a Chinese list starts with ("镝铽的钕铁硼" -> dysprosium, terbium)."""
    found: set[str] = set()
    position = 0
    while position < len(text):
        name = next(
            (n for n in sorted(names_zh, key=len, reverse=True) if text.startswith(n, position)), None
        )
        if name is not None:
            found.add(names_zh[name])
            position += len(name)
        elif text[position] in "、/和及与":
            position += 1
        else:
            break
    return found
