"""Who is the buyer? The parties a question names, screened against the lists the corpus holds, and
what each listing does to the export on the date.

A listing in effect decides by its announcement's ``export_effect`` (control list: prohibited for
dual-use items; watch list: licence required with the list's extra duties; Unreliable Entity List:
what its measures say). A suspended, stopped or removed listing leaves the item's own verdict; a
suspension that ran out with no later word makes the answer ``uncertain``. A possible match is said
and never decides; a named party no list holds is "not found on the lists held", never cleared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from kb.language.countries import COUNTRY_NAMES
from kb.language.names import fold_name, organisations_in
from kb.verdicts.parties import PartyRegistry, ScreenHit
from kb.verdicts.timeline import VerdictValue

__all__ = ["PROBABLE_SCORE", "Buyers", "PartyEffect", "buyers_in", "effect_of"]

_NOT_NAMES = frozenset(COUNTRY_NAMES)
#: A close spelling of a listed name this near (one letter dropped or doubled in a long name) is read
#: as that party for the verdict, and said so ("if that is the buyer"); it stays a possible match.
PROBABLE_SCORE = 95


@dataclass(frozen=True)
class PartyEffect:
    """What one listed party does to the export on the date: the verdict it sets (``None``: it
    leaves the item's verdict) and whether that covers dual-use items only or every export."""

    hit: ScreenHit
    value: VerdictValue | None
    all_goods: bool = False
    #: Read from a close spelling, not the listed name itself: the verdict holds if that is the buyer.
    probable: bool = False


@dataclass(frozen=True)
class Buyers:
    """The parties a question names: listed ones (certain), possible matches, and names no list held."""

    listed: tuple[ScreenHit, ...] = ()
    possible: tuple[ScreenHit, ...] = ()
    unmatched: tuple[str, ...] = ()
    announcements: int = 0

    def __bool__(self) -> bool:
        return bool(self.listed or self.possible or self.unmatched)

    @property
    def spans(self) -> tuple[str, ...]:
        """The words of the question that name a party (left out when products are read)."""
        return tuple(dict.fromkeys([*(h.why.query for h in (*self.listed, *self.possible)), *self.unmatched]))

    @property
    def probable(self) -> tuple[ScreenHit, ...]:
        """Possible matches close enough to decide the verdict, said as such: a listed name spelt
        with a letter or two wrong."""
        return tuple(
            h for h in self.possible if h.why.method == "close_spelling" and h.score >= PROBABLE_SCORE
        )

    @property
    def effects(self) -> list[PartyEffect]:
        probable = self.probable
        return [effect_of(hit) for hit in self.listed] + [
            replace(effect_of(hit), probable=True) for hit in probable
        ]

    def records(self) -> tuple[dict[str, object], ...]:
        """The parties as JSON-ready data: each hit as ``kb screen --json`` gives it, then the names
        found on no list."""
        found = [hit.to_dict() for hit in (*self.listed, *self.possible)]
        return tuple([*found, *({"name": name, "match": "none"} for name in self.unmatched)])


def buyers_in(
    registry: PartyRegistry,
    question: str,
    as_of: dt.date,
    is_product: Callable[[str], bool] = lambda name: False,
) -> Buyers:
    """Screen every party the question names: listed names found anywhere in it, and the names it
    gives for the party it deals with ("to Nordwind Metals AG", "卖给……公司") that no list holds.
    ``is_product`` tells a capitalised product ("for SmCo magnets") from a name."""
    hits = registry.find_in_text(question, as_of)
    listed = tuple(h for h in hits if h.certain)
    possible = tuple(h for h in hits if not h.certain)
    found = [fold_name(h.why.query) for h in hits]
    unmatched = tuple(
        name
        for name in organisations_in(question, _NOT_NAMES)
        if not is_product(name)
        and not any(key and (key in fold_name(name) or fold_name(name) in key) for key in found)
        and not registry.screen_certain(name, as_of)
    )
    return Buyers(listed, possible, unmatched, len(registry.announcements))


def effect_of(hit: ScreenHit) -> PartyEffect:
    """What a listed party's listing does to an export to it on the hit's date."""
    state = hit.status.state
    if state == "unknown":
        return PartyEffect(hit, "uncertain")
    if state != "listed":  # not yet listed, suspended, measures stopped, removed
        return PartyEffect(hit, None)
    ann = hit.announcement
    effect = ann.export_effect
    if effect == "prohibited":
        return PartyEffect(hit, "prohibited", all_goods=ann.export_items == "all")
    if effect == "licence_required":
        return PartyEffect(hit, "licence_required")
    return PartyEffect(hit, None)
