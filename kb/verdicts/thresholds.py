"""Comparing what a question states about a product with the limits that define a listed item.

An item's thresholds are groups of conditions (:class:`kb.corpus.schema.ThresholdGroup`): the
product is the item if it meets any group that applies to its form; within a group the conditions
hold jointly or alternatively. Each condition is met, missed or unknown (the question does not say);
the item's outcome follows: ``met`` (the listed item), ``not_met`` (below its thresholds: not that
item) or ``unknown`` (the verdict holds only if the product meets them: a conditional verdict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kb.corpus.schema import Condition, ThresholdGroup
from kb.verdicts.quantities import DOPANTS, Composition, Stated

__all__ = ["Assessment", "Check", "GroupCheck", "Outcome", "assess", "combine"]

Outcome = Literal["met", "not_met", "unknown"]


@dataclass(frozen=True)
class Check:
    """One condition against what the question states (``stated`` is ``None`` when it says nothing)."""

    condition: Condition
    stated: Stated | None
    outcome: Outcome


@dataclass(frozen=True)
class GroupCheck:
    group: ThresholdGroup
    checks: tuple[Check, ...]
    outcome: Outcome


@dataclass(frozen=True)
class Assessment:
    """An item's thresholds against a product: the outcome and every check behind it."""

    outcome: Outcome
    groups: tuple[GroupCheck, ...]

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(check for group in self.groups for check in group.checks)

    @property
    def missed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.outcome == "not_met")

    @property
    def open(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.outcome == "unknown")


def assess(
    thresholds: Sequence[ThresholdGroup],
    form: str | None,
    stated: Sequence[Stated],
    composition: Composition,
) -> Assessment | None:
    """The product against an item's thresholds; ``None`` when the item has none (every form it
    names is caught) or none applies to the product's form."""
    applicable = [g for g in thresholds if g.form is None or g.form == form]
    if (
        not applicable
        and form not in _CRYSTALS
        and thresholds
        and all(g.form in _CRYSTALS for g in thresholds)
    ):
        # An item defined by crystal structure ("single crystals under 50 dislocations per cm², and
        # polycrystals above 99.99999%"), for a product whose structure is not said (an InSb wafer):
        # below every group is not the item; anything else depends on which crystal it is.
        groups = tuple(_group(g, stated, composition) for g in thresholds)
        missed = all(g.outcome == "not_met" for g in groups)
        return Assessment("not_met" if missed else "unknown", groups)
    if not applicable:
        return None
    groups = tuple(_group(g, stated, composition) for g in applicable)
    return Assessment(combine([g.outcome for g in groups], "alternatively"), groups)


def below_as_said(assessment: Assessment, words: str, quantity: str | None = None) -> Assessment:
    """The assessment of a product the question itself says falls short of the thresholds ("our
    synthetic graphite is below the listed purity threshold"): the limits it left open (of
    ``quantity`` only, when the words name one) are missed, with those words as what was stated."""
    groups = []
    for group in assessment.groups:
        checks = tuple(
            Check(
                c.condition,
                Stated(c.condition.quantity, None, None, c.condition.unit or "", words),
                "not_met",
            )
            if c.outcome == "unknown"
            and c.condition.op != "contains"
            and (quantity is None or c.condition.quantity == quantity)
            else c
            for c in group.checks
        )
        groups.append(
            GroupCheck(group.group, checks, combine([c.outcome for c in checks], group.group.apply))
        )
    return Assessment(combine([g.outcome for g in groups], "alternatively"), tuple(groups))


#: Product forms that are a crystal structure, which any shape (ingot, wafer, powder) may have.
_CRYSTALS = frozenset({"single_crystal", "polycrystal"})


def combine(outcomes: Sequence[Outcome], apply: str) -> Outcome:
    """The outcome of conditions that hold ``jointly`` (all must) or ``alternatively`` (one is enough)."""
    if apply == "jointly":
        if "not_met" in outcomes:
            return "not_met"
        return "met" if all(o == "met" for o in outcomes) else "unknown"
    if "met" in outcomes:
        return "met"
    return "not_met" if outcomes and all(o == "not_met" for o in outcomes) else "unknown"


def _group(group: ThresholdGroup, stated: Sequence[Stated], composition: Composition) -> GroupCheck:
    checks = tuple(_check(c, group, stated, composition) for c in group.conditions)
    if group.apply == "jointly" and not _fits(group, stated):
        # The product is too small for the shape these sizes describe (a 0.05 mm wire holds no
        # 120 x 120 x 50 mm block): the size conditions it left open are missed too.
        checks = tuple(
            Check(c.condition, c.stated, "not_met")
            if c.outcome == "unknown" and c.condition.quantity in _SIZES
            else c
            for c in checks
        )
    return GroupCheck(group, checks, combine([c.outcome for c in checks], group.apply))


#: Sizes (mm) that together describe a shape to be cut from the product.
_SIZES = frozenset({"diameter", "length", "width", "height", "inner_diameter", "wall_thickness"})


def _thickness_for(condition: Condition, group: ThresholdGroup, stated: Sequence[Stated]) -> Stated | None:
    """A stated thickness is the length of a disc or a cylinder (with a diameter) and the height of a
    plate or a block (with a length and a width), when the question gives no length or height."""
    if condition.quantity not in ("length", "height"):
        return None
    given = {v.quantity for v in stated}
    if condition.quantity in given:
        return None
    sizes = {c.quantity for c in group.conditions}
    shaped = "diameter" in sizes if condition.quantity == "length" else "width" in sizes
    if not shaped:
        return None
    return next((v for v in stated if v.quantity == "thickness" and v.unit == condition.unit), None)


def _fits(group: ThresholdGroup, stated: Sequence[Stated]) -> bool:
    """False only when the product's stated sizes show that no piece of the group's shape can be cut
    from it: the shape's bounding box, largest side first, against the product's."""
    need = {
        c.quantity: float(c.value)
        for c in group.conditions
        if c.quantity in _SIZES and c.op in (">", ">=") and isinstance(c.value, int | float)
    }
    have = {
        v.quantity: v.low
        for v in stated
        if v.quantity in _SIZES | {"thickness"} and v.unit == "mm" and v.low is not None and v.low == v.high
    }
    if "thickness" in have:
        side = "length" if "diameter" in have else "height"
        have.setdefault(side, have["thickness"])
    if not need or not have:
        return True
    if "diameter" in need:
        shape = [need["diameter"], need["diameter"], need.get("length", 0.0)]
    elif "inner_diameter" in need:
        outer = need["inner_diameter"] + 2 * need.get("wall_thickness", 0.0)
        shape = [outer, outer, need.get("length", 0.0)]
    else:
        shape = [need.get("length", 0.0), need.get("width", 0.0), need.get("height", 0.0)]
    infinite = float("inf")
    if "diameter" in have:
        product = [have["diameter"], have["diameter"], have.get("length", infinite)]
    elif {"length", "width", "height"} <= set(have):
        product = [have["length"], have["width"], have["height"]]
    else:
        return True
    return all(
        a <= b for a, b in zip(sorted(shape, reverse=True), sorted(product, reverse=True), strict=True)
    )


def _check(
    condition: Condition, group: ThresholdGroup, stated: Sequence[Stated], composition: Composition
) -> Check:
    if condition.op == "contains":
        # Present if said or a main constituent; absent if said, or (for a product named by its main
        # constituents) not among them and not an element added in small amounts (Dy in NdFeB).
        wanted = {v.casefold() for v in _listed(condition) if isinstance(v, str)}
        if wanted & (composition.contains | composition.constituents):
            return Check(condition, None, "met")
        absent = set(composition.free_of)
        if composition.constituents:
            absent |= wanted - DOPANTS
        if wanted and wanted <= absent:
            return Check(condition, None, "not_met")
        return Check(condition, None, "unknown")
    value = _stated_for(condition, group, stated)
    if value is None:
        return Check(condition, None, "unknown")
    return Check(condition, value, _compare(condition, value))


def _stated_for(condition: Condition, group: ThresholdGroup, stated: Sequence[Stated]) -> Stated | None:
    """The stated value that speaks to ``condition``: one of its quantity and unit, or a value of that
    unit whose quantity the question leaves open when the group has only one condition in that unit.
    A stated purity also speaks to a content condition (Mo 99.5 % is 99.5 % molybdenum)."""
    for value in stated:
        if (
            value.unit == condition.unit
            and value.quantity == condition.quantity
            and (value.of is None or condition.of is None or value.of == condition.of)
        ):
            return value
    thickness = _thickness_for(condition, group, stated)
    if thickness is not None:
        return thickness
    if condition.quantity == "content":
        for value in stated:
            if value.unit == "%" and value.quantity == "purity":
                return value
    if condition.quantity == "purity":
        # a product's main content is its grade ("锑白，含量99.8%", "Sb2O3 content 99.8%")
        for value in stated:
            if value.unit == "%" and value.quantity == "content" and (value.low or value.high or 0) >= 90:
                return value
    same_unit = [c for c in group.conditions if c.unit == condition.unit]
    if len(same_unit) == 1:
        for value in stated:
            if (
                value.unit == condition.unit
                and value.quantity is None
                and condition.quantity in value.candidates
            ):
                return value
    return None


def _compare(condition: Condition, value: Stated) -> Outcome:
    low, high, op = value.low, value.high, condition.op
    if op == "in":
        options = [float(v) for v in _listed(condition) if isinstance(v, int | float)]
        if low is not None and low == high:
            return "met" if any(abs(low - o) <= 0.01 * o for o in options) else "not_met"
        return "unknown"
    limit = float(condition.value) if isinstance(condition.value, int | float) else 0.0
    if op in (">", ">="):
        if low is not None and _passes(op, low, limit):
            return "met"
        if high is not None and not _passes(op, high, limit):
            return "not_met"
        return "unknown"
    if op in ("<", "<="):
        if high is not None and _passes(op, high, limit):
            return "met"
        if low is not None and not _passes(op, low, limit):
            return "not_met"
        return "unknown"
    if low is not None and low == high:
        return "met" if abs(low - limit) <= 1e-9 else "not_met"
    return "unknown"


def _passes(op: str, value: float, limit: float) -> bool:
    if op == ">":
        return value > limit
    if op == ">=":
        return value >= limit
    if op == "<":
        return value < limit
    return value <= limit


def _listed(condition: Condition) -> list[float | str]:
    return list(condition.value) if isinstance(condition.value, list) else []
