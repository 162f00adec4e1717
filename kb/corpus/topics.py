"""Procedural topics: kinds of "how does it work" questions, each with the provisions that answer it.

``sources/topics.yaml`` holds them as data (schema below, ``extra="forbid"``): names, a one-sentence
answer in English and Chinese, paraphrases and keywords in both languages, and the provisions to quote
first, by document id and locator. ``kb validate`` checks that every provision exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kb.corpus.documents import Corpus, Section, SourceDocument
from kb.errors import SourceError

__all__ = ["TOPICS_FILE", "Provision", "Topic", "Topics", "load_topics", "provision_of", "topic_problems"]

#: The topics file's name inside the corpus folder.
TOPICS_FILE = "topics.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provision(_Model):
    document: str
    ref: str


class Topic(_Model):
    """One procedural topic."""

    id: str
    name: str
    name_zh: str
    summary: str
    summary_zh: str
    paraphrases: list[str] = Field(min_length=1)
    paraphrases_zh: list[str] = Field(min_length=1)
    keywords: list[str] = []
    keywords_zh: list[str] = []
    provisions: list[Provision] = Field(min_length=1)
    #: ``procedure``: how the rules work (filing, review, fines ...), also offered after a verdict when
    #: the question asks it; ``content``: what a list or an announcement holds, for questions about it
    #: alone (a verdict question already gets the list's entry).
    kind: Literal["procedure", "content"] = "procedure"


class _File(_Model):
    topics: list[Topic]


@dataclass(frozen=True)
class Topics:
    """Every topic of the corpus, in file order."""

    topics: tuple[Topic, ...] = ()

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    def get(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


def load_topics(folder: Path) -> Topics:
    """The topics of ``folder/topics.yaml``; none when the file is absent. A malformed file is a
    ``SourceError`` naming the file and the field."""
    path = folder / TOPICS_FILE
    if not path.is_file():
        return Topics()
    try:
        raw = yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourceError(str(path), f"cannot read the topics: {exc}") from exc
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SourceError(str(path), first["msg"], where) from exc
    return Topics(tuple(parsed.topics))


def topic_problems(folder: Path, corpus: Corpus) -> list[SourceError]:
    """Every problem of the topics file: schema, repeated ids, provisions the corpus does not hold."""
    path = folder / TOPICS_FILE
    try:
        topics = load_topics(folder)
    except SourceError as exc:
        return [exc]
    problems: list[SourceError] = []
    seen: set[str] = set()
    for i, topic in enumerate(topics):
        if topic.id in seen:
            problems.append(SourceError(str(path), f"topic id {topic.id!r} is used twice", f"topics.{i}.id"))
        seen.add(topic.id)
        for k, provision in enumerate(topic.provisions):
            if provision_of(corpus, provision) is None:
                problems.append(
                    SourceError(
                        str(path),
                        f"{provision.document} has no provision {provision.ref!r}",
                        f"topics.{i}.provisions.{k}",
                    )
                )
    return problems


def provision_of(corpus: Corpus, provision: Provision) -> tuple[SourceDocument, Section] | None:
    """The document and section a topic's provision points at, if the corpus holds them."""
    doc = corpus.get(provision.document)
    section = doc.section(provision.ref) if doc else None
    return (doc, section) if doc is not None and section is not None else None
