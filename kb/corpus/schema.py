"""The schema of our corpus files' YAML front matter, checked with pydantic (``extra="forbid"``, so a
misspelt field fails and names itself). ``sources/README.md`` describes every field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "FAMILIES",
    "DocumentKind",
    "Family",
    "FrontMatter",
    "ItemSpec",
    "Relation",
    "Role",
    "Rule",
    "Status",
    "StatusEntry",
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
    "law", "regulation", "list", "announcement", "catalogue", "guidance", "press", "notice", "user"
]
Status = Literal[
    "issued",
    "in_force",
    "partly_in_force",
    "amended",
    "partly_suspended",
    "suspended",
    "suspension_end_scheduled",
    "expiry_scheduled",
    "repealed",
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
    note: str | None = None


class Urls(_Model):
    official_zh: str | None = None
    official_en: str | None = None
    secondary: list[str] = []


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

    @field_validator("hs_codes")
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

    @field_validator("destination")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        if not _COUNTRY.match(value):
            raise ValueError(f"destination {value!r} must be an ISO 3166 alpha-2 code such as US")
        return value


class FrontMatter(_Model):
    """The YAML header of one of our corpus files."""

    id: str
    kind: DocumentKind
    title: str
    title_zh: str | None = None
    number: str | None = None
    number_zh: str | None = None
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

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} must be lower-case words joined by hyphens")
        return value
