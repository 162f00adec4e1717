"""Load and validate the corpus in ``sources/``.

Each of our documents is a Markdown file named by its id: YAML front matter (the schema
below, checked with pydantic and ``extra="forbid"``), then a body made of a short summary
and one ``##`` section per provision, headed by its locator ("Art. 17(1)").

A Markdown file without front matter is a user document: it is loaded with an id taken from
its file name, a title from its first heading and kind ``user``. Other formats that users drop
in are read by :mod:`kb.parsing`; this module only knows our own Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kb.errors import SourceError

__all__ = [
    "FAMILIES",
    "Corpus",
    "FrontMatter",
    "ItemSpec",
    "Relation",
    "Rule",
    "Section",
    "SourceDocument",
    "StatusEntry",
    "load_corpus",
    "load_source",
    "split_front_matter",
    "split_sections",
    "validate_corpus",
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

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} must be lower-case words joined by hyphens")
        return value


@dataclass(frozen=True)
class Section:
    """One provision or section of a document's body."""

    locator: str
    text: str


@dataclass(frozen=True)
class SourceDocument:
    """A corpus document: its metadata, summary and provisions."""

    id: str
    path: Path
    meta: FrontMatter
    summary: str
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def families(self) -> tuple[str, ...]:
        found = dict.fromkeys([*self.meta.families, *(item.family for item in self.meta.items)])
        return tuple(found)

    @property
    def url(self) -> str | None:
        urls = self.meta.urls
        return urls.official_zh or urls.official_en or (urls.secondary[0] if urls.secondary else None)

    def section(self, locator: str) -> Section | None:
        return next((s for s in self.sections if s.locator == locator), None)


@dataclass(frozen=True)
class Corpus:
    """Every document of ``sources/`` by id."""

    documents: dict[str, SourceDocument] = field(default_factory=dict)

    def __iter__(self) -> Iterator[SourceDocument]:
        return iter(self.documents.values())

    def __len__(self) -> int:
        return len(self.documents)

    def get(self, doc_id: str) -> SourceDocument | None:
        return self.documents.get(doc_id)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Split ``---``-fenced YAML front matter from a Markdown body; ``None`` when there is none."""
    if not text.startswith("---"):
        return None, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, text
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :])
    raise ValueError("front matter opened with '---' is never closed")


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def split_sections(body: str) -> tuple[str, str | None, list[Section]]:
    """Split a Markdown body into (preamble, first ``#`` title, ``##`` sections).

    The preamble is the text before the first ``##`` heading, the title line removed. Deeper
    headings (``###``) stay inside their section's text.
    """
    title: str | None = None
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1 and title is None and not sections:
            title = match.group(2)
            continue
        if match and len(match.group(1)) == 2:
            sections.append((match.group(2), []))
            continue
        (sections[-1][1] if sections else preamble).append(line)
    return (
        "\n".join(preamble).strip(),
        title,
        [Section(loc, "\n".join(lines).strip()) for loc, lines in sections],
    )


class _Loader(yaml.SafeLoader):
    """YAML loader that leaves dates as text, so pydantic checks them and names the field."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(text: str) -> object:
    return yaml.load(text, Loader=_Loader)


def _error_lines(path: Path, exc: ValidationError) -> list[SourceError]:
    problems = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or None
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (check its spelling against the schema in kb/sources.py)"
        problems.append(SourceError(str(path), message, where))
    return problems


def load_source(path: Path) -> SourceDocument:
    """Load one Markdown corpus file; raises ``SourceError`` naming the file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise SourceError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        header, body = split_front_matter(text)
    except ValueError as exc:
        raise SourceError(str(path), str(exc), "front matter") from exc
    preamble, title, sections = split_sections(body)
    if header is None:
        return _user_document(path, preamble, title, sections)
    try:
        raw = _read_yaml(header)
    except yaml.YAMLError as exc:
        raise SourceError(str(path), f"front matter is not valid YAML: {exc}", "front matter") from exc
    if not isinstance(raw, dict):
        raise SourceError(str(path), "front matter must be a YAML mapping", "front matter")
    try:
        meta = FrontMatter.model_validate(raw)
    except ValidationError as exc:
        problems = _error_lines(path, exc)
        raise problems[0] from exc
    return SourceDocument(id=meta.id, path=path, meta=meta, summary=preamble, sections=tuple(sections))


def _user_document(path: Path, preamble: str, title: str | None, sections: list[Section]) -> SourceDocument:
    doc_id = _slug(path.stem)
    first_line = next((line.strip() for line in preamble.split("\n") if line.strip()), path.stem)
    meta = FrontMatter(
        id=doc_id,
        kind="user",
        title=title or first_line[:120],
        issuers=[],
        confidence="low",
        summary_zh="",
    )
    return SourceDocument(id=doc_id, path=path, meta=meta, summary=preamble, sections=tuple(sections))


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug or "document"


def _source_paths(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.is_file() and p.name.lower() != "readme.md")


def load_corpus(folder: Path) -> Corpus:
    """Load every Markdown file of ``folder``; the first problem raises ``SourceError``."""
    problems = validate_corpus(folder)
    if problems:
        raise problems[0]
    docs = (load_source(path) for path in _source_paths(folder))
    return Corpus({doc.id: doc for doc in docs})


def validate_corpus(folder: Path) -> list[SourceError]:
    """Check every corpus file and the links between them; return all problems found."""
    if not folder.is_dir():
        return [SourceError(str(folder), "corpus folder not found")]
    problems: list[SourceError] = []
    docs: list[SourceDocument] = []
    for path in _source_paths(folder):
        try:
            doc = load_source(path)
        except SourceError as first:
            problems.extend(_all_problems(path) or [first])
            continue
        docs.append(doc)
        if doc.meta.kind != "user" and doc.id != path.stem:
            problems.append(SourceError(str(path), f"id {doc.id!r} does not match the file name", "id"))
    seen: dict[str, Path] = {}
    for doc in docs:
        if doc.id in seen:
            problems.append(
                SourceError(str(doc.path), f"id {doc.id!r} is also used by {seen[doc.id].name}", "id")
            )
        seen.setdefault(doc.id, doc.path)
    for doc in docs:
        problems.extend(_link_problems(doc, set(seen)))
    return problems


def _all_problems(path: Path) -> list[SourceError]:
    """Every schema problem of a file, not just the first (for ``kb validate``)."""
    try:
        header, _ = split_front_matter(path.read_text(encoding="utf-8"))
        raw = _read_yaml(header) if header else None
        if isinstance(raw, dict):
            FrontMatter.model_validate(raw)
    except ValidationError as exc:
        return _error_lines(path, exc)
    except (OSError, ValueError, yaml.YAMLError):
        return []
    return []


def _link_problems(doc: SourceDocument, known: set[str]) -> list[SourceError]:
    meta = doc.meta
    links: list[tuple[str, str | None]] = []
    links += [(f"status_history.{i}.by", entry.by) for i, entry in enumerate(meta.status_history)]
    links += [(f"relations.{i}.target", rel.target) for i, rel in enumerate(meta.relations)]
    links += [(f"items.{i}.governed_by", item.governed_by) for i, item in enumerate(meta.items)]
    problems = [
        SourceError(str(doc.path), f"names document {target!r}, which is not in the corpus", where)
        for where, target in links
        if target is not None and target not in known
    ]
    for i, rel in enumerate(meta.relations):
        if rel.start and rel.until and rel.until < rel.start:
            problems.append(SourceError(str(doc.path), "'until' is before 'from'", f"relations.{i}.until"))
    if meta.kind != "user" and not doc.sections:
        problems.append(
            SourceError(str(doc.path), "the body has no '## <locator>' provision sections", "body")
        )
    if meta.kind != "user" and not doc.summary:
        problems.append(
            SourceError(str(doc.path), "the body has no summary before the first section", "body")
        )
    return problems
