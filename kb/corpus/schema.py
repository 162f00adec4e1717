"""The schema of our corpus files' YAML front matter, checked with pydantic (``extra="forbid"``, so a
misspelt field fails and names itself). ``sources/README.md`` describes every field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "FAMILIES",
    "UNITS",
    "Condition",
    "DocumentKind",
    "Family",
    "FormName",
    "FrontMatter",
    "ItemSpec",
    "PartyList",
    "PartySpec",
    "Quantity",
    "Relation",
    "Role",
    "Rule",
    "Status",
    "StatusEntry",
    "ThresholdGroup",
    "Urls",
]

#: Mineral families the catalogue knows. An item's ``element`` may be narrower (samarium is
#: an element of the family "rare earths"); questions about either find the item.
FAMILIES: tuple[str, ...] = (
    "gallium",
    "germanium",
    "antimony",
    "graphite",
    "superhard materials",
    "tungsten",
    "tellurium",
    "bismuth",
    "molybdenum",
    "indium",
    "rare earths",
    "lithium batteries",
)

Family = Literal[
    "gallium",
    "germanium",
    "antimony",
    "graphite",
    "superhard materials",
    "tungsten",
    "tellurium",
    "bismuth",
    "molybdenum",
    "indium",
    "rare earths",
    "lithium batteries",
]
DocumentKind = Literal[
    "law",
    "regulation",
    "list",
    "announcement",
    "catalogue",
    "guidance",
    "press",
    "notice",
    "party_list",
    "user",
]
Status = Literal[
    "draft",
    "issued",
    "in_force",
    "partly_in_force",
    "amended",
    "partly_suspended",
    "suspended",
    "suspension_extended",
    "suspension_end_scheduled",
    "expiry_scheduled",
    "measures_stopped",
    "removed",
    "unknown",
    "repealed",
]
#: Each status of a document's history in words, as users read it.
STATUS_WORDS: dict[str, str] = {
    "draft": "published as a draft for comment",
    "issued": "issued",
    "in_force": "in force",
    "partly_in_force": "partly in force",
    "amended": "amended",
    "partly_suspended": "partly suspended",
    "suspended": "suspended",
    "suspension_extended": "suspension extended",
    "suspension_end_scheduled": "suspension scheduled to end",
    "expiry_scheduled": "scheduled to expire",
    "measures_stopped": "measures stopped",
    "removed": "removed from the list",
    "unknown": "status not known",
    "repealed": "repealed",
}

#: The party lists a ``party_list`` announcement adds to.
PartyList = Literal["control_list", "watch_list", "unreliable_entity_list"]

#: Measurable properties a threshold compares, each in its canonical unit (``UNITS``).
Quantity = Literal[
    "purity",
    "content",
    "density",
    "compaction_density",
    "tap_density",
    "flexural_strength",
    "tensile_strength",
    "elastic_limit",
    "elongation",
    "particle_size",
    "dislocation_density",
    "power",
    "frequency",
    "pressure",
    "bore",
    "diameter",
    "inner_diameter",
    "wall_thickness",
    "length",
    "width",
    "height",
    "transmittance",
    "energy_density",
    "discharge_capacity",
    "cycle_life",
    "specific_surface_area",
    "volume",
    "composition",
]
#: The unit each quantity's threshold values are written in.
UNITS: dict[str, str | None] = {
    "purity": "%", "content": "%", "density": "g/cm3", "compaction_density": "g/cm3",
    "tap_density": "g/cm3", "flexural_strength": "MPa", "tensile_strength": "MPa", "elastic_limit": "MPa",
    "elongation": "%", "particle_size": "um", "dislocation_density": "per cm2", "power": "kW",
    "frequency": "MHz", "pressure": "GPa", "bore": "mm", "diameter": "mm", "inner_diameter": "mm",
    "wall_thickness": "mm", "length": "mm", "width": "mm", "height": "mm", "transmittance": "%",
    "energy_density": "Wh/kg", "discharge_capacity": "mAh/g", "cycle_life": "cycles",
    "specific_surface_area": "m2/g", "volume": "m3", "composition": None,
}  # fmt: skip
#: Product forms a threshold group can be limited to (the product lexicon's form names).
FormName = Literal[
    "metal",
    "ingot",
    "powder",
    "oxide",
    "compound",
    "alloy",
    "wafer",
    "single_crystal",
    "polycrystal",
    "target",
    "magnet",
    "battery_cell",
    "cathode_material",
    "anode_material",
    "window_flat",
    "window_curved",
    "solid",
    "equipment",
    "technology",
]

#: Parts a provision can play for the answers (see ``FrontMatter.roles``).
Role = Literal["catch_all"]

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HS = re.compile(r"^(?:\d{8}|\d{10})$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StatusEntry(_Model):
    """One change in a document's force: what it became on a date, and which document did it."""

    date: dt.date | None
    status: Status
    by: str | None = None
    #: For a suspension (or its extension): its last day, inclusive.
    until: dt.date | None = None
    note: str | None = None


class Urls(_Model):
    official_zh: str | None = None
    official_en: str | None = None
    secondary: list[str] = []

    @field_validator("official_zh", "official_en")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://", value.strip(), re.IGNORECASE):
            raise ValueError(f"{value!r} is not an http(s) address")
        return value

    @field_validator("secondary")
    @classmethod
    def _web_addresses(cls, values: list[str]) -> list[str]:
        for value in values:
            cls._web_address(value)
        return values


class Condition(_Model):
    """One limit of a threshold: ``purity > 99.9 %``, ``frequency in [915, 2450] MHz``,
    ``composition contains [terbium]``."""

    quantity: Quantity
    op: Literal[">", ">=", "<", "<=", "=", "in", "contains"]
    value: float | list[float] | list[str]
    unit: str | None = None
    #: For ``content``: of which element or material (``tungsten``).
    of: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Condition:
        if self.op == "contains":
            if self.quantity != "composition" or not isinstance(self.value, list):
                raise ValueError("'contains' needs quantity composition and a list of element names")
            return self
        if self.quantity == "composition":
            raise ValueError("composition takes op 'contains'")
        if self.op == "in" and not (isinstance(self.value, list) and all(_is_number(v) for v in self.value)):
            raise ValueError("'in' needs a list of numbers")
        if self.op != "in" and not _is_number(self.value):
            raise ValueError(f"{self.op!r} needs a number")
        if self.unit != UNITS[self.quantity]:
            raise ValueError(f"{self.quantity} is written in {UNITS[self.quantity]!r}, not {self.unit!r}")
        return self


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ThresholdGroup(_Model):
    """Limits that together (``jointly``) or each (``alternatively``) make a product the listed item;
    with a ``form``, they apply only to products of that form."""

    form: FormName | None = None
    apply: Literal["jointly", "alternatively"] = "jointly"
    conditions: list[Condition] = Field(min_length=1)
    note: str | None = None


class ItemSpec(_Model):
    """A controlled item, technology or piece of equipment that a document defines."""

    name: str
    name_zh: str
    element: str
    family: Family
    aliases: list[str] = []
    kind: Literal["item", "technology", "equipment"]
    #: ``licence``: export needs a licence; ``prohibited``: export is not permitted at all.
    control: Literal["licence", "prohibited"] = "licence"
    control_code: str | None = None
    hs_codes: list[str] = []
    forms: str | None = None
    #: Said with every verdict on this item: unconfirmed codes, thresholds or wording.
    caveat: str | None = None
    ref: str
    #: The document whose force decides this item's status, when it is not the defining one
    #: (a control-list entry added by a later announcement follows that announcement).
    governed_by: str | None = None
    forms_zh: str | None = None
    caveat_zh: str | None = None
    #: The customs codes the 2026 licence catalogue gives the item, how sure they are, and the ones
    #: among them that are unconfirmed.
    hs_codes_2026: list[str] = []
    hs_2026_confidence: Literal["high", "medium"] | None = None
    hs_2026_unconfirmed: list[str] = []
    #: Misprints of the item's codes that circulate in reproductions; a lookup by one finds the item
    #: and says it is a misprint.
    hs_misprints: list[str] = []
    #: The limits that define the item; none means every form named is caught. A product is the
    #: item if it meets any group that applies to its form.
    thresholds: list[ThresholdGroup] = []

    @field_validator("hs_codes", "hs_codes_2026", "hs_2026_unconfirmed", "hs_misprints")
    @classmethod
    def _hs_digits(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not _HS.match(code):
                raise ValueError(f"HS code {code!r} must be 8 or 10 digits")
        return codes


class Relation(_Model):
    """What this document does to another one, and over which period."""

    type: Literal["suspends", "replaces", "amends", "implements", "explains"]
    target: str
    #: Locators of the target that are affected; empty means the whole document.
    refs: list[str] = []
    start: Annotated[dt.date | None, Field(alias="from")] = None
    #: Last day the relation holds (inclusive); ``None`` means open-ended.
    until: dt.date | None = None
    note: str | None = None


class Rule(_Model):
    """A destination or end-user rule: what applies to exports bound for ``destination``."""

    ref: str
    destination: str
    #: ``military``: only military end users or end uses; ``any``: every end user.
    end_use: Literal["any", "military"]
    #: Families the rule covers; ``all`` covers every dual-use item.
    families: list[Family | Literal["all"]]
    effect: Literal["prohibited", "licence_required"]
    start: Annotated[dt.date | None, Field(alias="from")] = None
    note: str
    note_zh: str | None = None

    @field_validator("destination")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        if not _COUNTRY.match(value):
            raise ValueError(f"destination {value!r} must be an ISO 3166 alpha-2 code such as US")
        return value


class PartySpec(_Model):
    """A foreign party a ``party_list`` announcement lists."""

    name: str
    name_zh: str | None = None
    aliases: list[str] = []
    country: str | None = None
    note: str | None = None

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str | None) -> str | None:
        if value is not None and not _COUNTRY.match(value):
            raise ValueError(f"country {value!r} must be an ISO 3166 alpha-2 code such as US")
        return value


class FineRule(_Model):
    """The fine a provision sets on an amount (the illegal turnover or gains, in RMB): ``times`` the
    amount from ``threshold`` up, otherwise the fixed band ``otherwise`` (or up to its one figure)."""

    ref: str
    base: Literal["turnover", "gains"] = "turnover"
    threshold: int = Field(gt=0)
    times: tuple[float, float]
    otherwise: tuple[int, int] | tuple[int]


class FrontMatter(_Model):
    """The YAML header of one of our corpus files."""

    id: str
    kind: DocumentKind
    title: str
    title_zh: str | None = None
    number: str | None = None
    number_zh: str | None = None
    #: The name people quote a law or regulation by ("Export Control Law"), used in answers.
    short_title: str | None = None
    short_title_zh: str | None = None
    issuers: list[str]
    issued: dt.date | None = None
    effective: dt.date | None = None
    status_history: list[StatusEntry] = []
    urls: Urls = Urls()
    confidence: Literal["high", "medium", "low"]
    notes: str | None = None
    summary_zh: str
    #: Families a document concerns when it defines no items (press statements, guidance).
    families: list[Family] = []
    items: list[ItemSpec] = []
    relations: list[Relation] = []
    rules: list[Rule] = []
    #: Provisions that play a part the answers rely on, by role: ``{catch_all: "Art. 12(3)"}``.
    roles: dict[Role, str] = {}
    #: The fines its provisions set, for answers that work one out on a stated amount.
    fines: list[FineRule] = []
    # -- party-list announcements (``kind: party_list``) --
    list_: Annotated[PartyList | None, Field(alias="list")] = None
    legal_basis: list[str] = []
    measures: list[str] = []
    measures_zh: list[str] = []
    exception: str | None = None
    exception_zh: str | None = None
    #: What the listing does to an export from China to the parties: ``prohibited``, ``licence_required``
    #: (with the list's extra duties), ``none`` (its measures do not touch exports from China) or
    #: ``unspecified`` (no measure named); unset, it follows the list (control list: prohibited, watch
    #: list: licence required, Unreliable Entity List: unspecified). ``export_items``: which exports it
    #: concerns, dual-use items only or all goods (a ban on any trade connected with China).
    export_effect: Literal["prohibited", "licence_required", "none", "unspecified"] | None = None
    export_items: Literal["dual_use", "all"] = "dual_use"
    parties: list[PartySpec] = []

    @model_validator(mode="after")
    def _party_list_complete(self) -> FrontMatter:
        if self.kind == "party_list" and (self.list_ is None or not self.parties or not self.measures):
            raise ValueError("a party_list document needs 'list', 'measures' and 'parties'")
        return self

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} must be lower-case words joined by hyphens")
        return value
