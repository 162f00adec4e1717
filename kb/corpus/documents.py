"""The records a loaded corpus is made of: documents, their sections, the corpus itself."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kb.corpus.links import Link, choose_link
from kb.corpus.schema import FrontMatter, Role

__all__ = ["Corpus", "Section", "SourceDocument", "Trust", "user_document", "user_document_id"]

#: Where a file comes from decides what it may do: ``official`` files (the curated ``sources/``) may
#: define items, statuses, relations and parties; ``user`` files are evidence only.
Trust = Literal["official", "user"]


@dataclass(frozen=True)
class Section:
    """One provision or section of a document's body, with its Chinese text where the corpus has one."""

    locator: str
    text: str
    text_zh: str | None = None

    def in_language(self, lang: str) -> str:
        """The section's text in ``lang`` (``zh`` falls back to English when there is no Chinese)."""
        return self.text_zh if lang == "zh" and self.text_zh else self.text


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
    def link(self) -> Link | None:
        """The address shown for the document, and whether it is the issuer's own page."""
        urls = self.meta.urls
        return choose_link([urls.official_zh, urls.official_en], list(urls.secondary))

    @property
    def url(self) -> str | None:
        link = self.link
        return link.url if link else None

    def section(self, locator: str) -> Section | None:
        return next((s for s in self.sections if s.locator == locator), None)


@dataclass(frozen=True)
class Corpus:
    """Every document of ``sources/`` by id."""

    documents: dict[str, SourceDocument] = field(default_factory=dict)
    #: What loading left out, one line each: a file skipped (its name and the reason) or a link
    #: ignored (``kb validate`` lists them all).
    skipped: tuple[str, ...] = ()
    #: The files skipped, by path.
    bad_files: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[SourceDocument]:
        return iter(self.documents.values())

    def __len__(self) -> int:
        return len(self.documents)

    def get(self, doc_id: str) -> SourceDocument | None:
        return self.documents.get(doc_id)

    def provision(self, role: Role) -> tuple[SourceDocument, Section] | None:
        """The provision that plays ``role`` (named under its document's ``roles``), if any."""
        for doc in self.documents.values():
            locator = doc.meta.roles.get(role)
            section = doc.section(locator) if locator else None
            if section is not None:
                return doc, section
        return None


def user_document_id(path: Path) -> str:
    """The id of a user document: its file name without suffix, lower case, words joined by hyphens;
    a name with no Latin letters or digits (a Chinese file name) gets ``doc-`` and a digest of the
    name, so two such files never share an id."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if slug:
        return slug
    return "doc-" + hashlib.sha1(path.stem.encode("utf-8")).hexdigest()[:10]


def user_document(path: Path, title: str | None, preamble: str, sections: list[Section]) -> SourceDocument:
    """A document without our front matter: id from the file name, title from its first heading or line."""
    first_line = next((line.strip() for line in preamble.split("\n") if line.strip()), path.stem)
    meta = FrontMatter(
        id=user_document_id(path),
        kind="user",
        title=(title or first_line)[:120],
        issuers=[],
        confidence="low",
        summary_zh="",
    )
    return SourceDocument(id=meta.id, path=path, meta=meta, summary=preamble, sections=tuple(sections))
