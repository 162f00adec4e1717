"""Curated question sets: load and validate the YAML files that ``kb eval`` runs.

The format is the one of ``../shared/evals/README.md``::

    set: dev                      # a name for reports (default: the file name)
    as_of: 2026-11-22             # default date for every question that gives none
    questions:
      - id: ga-nitride-licence    # unique within the set
        question: Do I need a licence to export gallium nitride wafers?
        lang: en                  # en | zh
        as_of: 2025-03-01         # optional
        destination: US           # optional, ISO 3166 alpha-2
        expect:
          verdict: licence_required            # optional; one value or a list of accepted values
          sources: [mofcom-gac-2023-23]        # optional; document ids, one of them must be cited
          facts: ["2023-08-01|1 August 2023"]  # optional; regexes, case-insensitive, all must match

The file is outside data, so it is read with pydantic and ``extra="forbid"``: a misspelt field
fails and names itself. Every problem is a :class:`~kb.errors.QuestionSetError` naming the file,
the question (its id, or its position when it has none) and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kb.errors import QueryError, QuestionSetError
from kb.language.countries import check_country
from kb.verdicts.timeline import VerdictValue

__all__ = ["VERDICT_VALUES", "Question", "QuestionSet", "check_sources", "load_question_set"]

#: The verdicts an ``expect.verdict`` may name.
VERDICT_VALUES: tuple[str, ...] = get_args(VerdictValue)


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date is reported with its question and field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Expect(_Model):
    verdict: VerdictValue | list[VerdictValue] | None = None
    sources: list[str] = []
    facts: list[str] = []

    @field_validator("verdict")
    @classmethod
    def _not_empty(cls, value: VerdictValue | list[VerdictValue] | None) -> Any:
        if isinstance(value, list) and not value:
            raise ValueError("an empty list accepts no verdict; leave the field out instead")
        return value

    @field_validator("sources")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        for source in value:
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", source):
                raise ValueError(f"{source!r} is not a document id (lower case words joined by hyphens)")
        return value

    @field_validator("facts")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        for n, pattern in enumerate(value):
            if not pattern.strip():
                raise ValueError(f"fact {n} is empty; it would match any answer")
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"fact {n} {pattern!r} is not a valid regular expression: {exc}") from exc
        return value


class _Question(_Model):
    id: str
    question: str
    lang: Literal["en", "zh"] | None = None
    as_of: dt.date | None = None
    destination: str | None = None
    #: Optional: the kind of question, for per-category figures in reports.
    category: str | None = None
    expect: _Expect = _Expect()

    @field_validator("id", "question")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("destination")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_country(value)
        except QueryError as exc:
            raise ValueError(str(exc)) from exc


class _QuestionSet(_Model):
    set: str | None = None
    as_of: dt.date | None = None
    questions: list[_Question]

    @field_validator("questions")
    @classmethod
    def _some(cls, value: list[_Question]) -> list[_Question]:
        if not value:
            raise ValueError("the set has no questions")
        return value


@dataclass(frozen=True)
class Question:
    """One question of a set, with the date it is asked on and what a right answer holds."""

    id: str
    question: str
    lang: Literal["en", "zh"] | None
    #: The question's own date, else the set's; ``None`` means the day the set is run.
    as_of: dt.date | None
    destination: str | None
    #: Accepted verdicts; empty for informational questions.
    verdicts: tuple[str, ...] = ()
    #: Document ids of which the answer must cite at least one.
    sources: tuple[str, ...] = ()
    #: Regexes (case-insensitive) that must all be found in the answer text.
    facts: tuple[str, ...] = ()
    #: The kind of question (``not_listed``, ``procedural``, ...), when the set says.
    category: str | None = None

    @property
    def expects_no_answer(self) -> bool:
        """True for an out-of-scope question: ``no_answer`` is the only accepted verdict."""
        return self.verdicts == ("no_answer",)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "question": self.question,
            "lang": self.lang,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "destination": self.destination,
            "category": self.category,
            "expect": {
                "verdict": list(self.verdicts),
                "sources": list(self.sources),
                "facts": list(self.facts),
            },
        }


@dataclass(frozen=True)
class QuestionSet:
    """A validated question set and the file it came from."""

    name: str
    path: Path
    as_of: dt.date | None
    questions: tuple[Question, ...]

    def __len__(self) -> int:
        return len(self.questions)


def load_question_set(path: Path) -> QuestionSet:
    """Read and validate a question-set YAML file; any problem is a ``QuestionSetError``."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise QuestionSetError(f"{path}: cannot read the question set: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise QuestionSetError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise QuestionSetError(f"{path}: not valid YAML: {_one_line(str(exc))}") from exc
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{path}: expected a mapping with 'set', 'as_of' and 'questions'")
    try:
        parsed = _QuestionSet.model_validate(raw)
    except ValidationError as exc:
        raise QuestionSetError(_describe(path, raw, exc)) from exc
    seen: dict[str, int] = {}
    for n, question in enumerate(parsed.questions):
        if question.id in seen:
            raise QuestionSetError(
                f"{path}: question {question.id!r} (#{n + 1}): field id: the id is already used by "
                f"question #{seen[question.id] + 1}; ids must be unique within a set"
            )
        seen[question.id] = n
    questions = tuple(
        Question(
            id=q.id,
            question=q.question,
            lang=q.lang,
            as_of=q.as_of or parsed.as_of,
            destination=q.destination,
            verdicts=_as_tuple(q.expect.verdict),
            sources=tuple(q.expect.sources),
            facts=tuple(q.expect.facts),
            category=q.category,
        )
        for q in parsed.questions
    )
    return QuestionSet(name=parsed.set or path.stem, path=path, as_of=parsed.as_of, questions=questions)


def check_sources(question_set: QuestionSet, document_ids: Iterable[str]) -> None:
    """Raise ``QuestionSetError`` when an expected source is not a document of the corpus.

    A misspelt id would otherwise make a question unanswerable and look like a retrieval miss.
    """
    known = set(document_ids)
    for n, question in enumerate(question_set.questions):
        for source in question.sources:
            if source not in known:
                raise QuestionSetError(
                    f"{question_set.path}: question {question.id!r} (#{n + 1}): field expect.sources: "
                    f"{source!r} is not a document of the corpus"
                )


def _as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(dict.fromkeys(value))


def _describe(path: Path, raw: dict[str, Any], exc: ValidationError) -> str:
    """The first validation problem as 'file: question 'id' (#n): field a.b: problem'."""
    error = exc.errors()[0]
    loc = list(error["loc"])
    # A union (one verdict or a list) reports every branch; the branch names are noise to a user.
    loc = [part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("list")))]
    where = f"{path}"
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        n = loc[1]
        entries = raw.get("questions")
        entry = entries[n] if isinstance(entries, list) and n < len(entries) else None
        qid = entry.get("id") if isinstance(entry, dict) else None
        where += f": question {qid!r} (#{n + 1})" if qid else f": question #{n + 1}"
        loc = loc[2:]
    field = ".".join(str(part) for part in loc) or "(the whole entry)"
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown field (check its spelling against the question-set format)"
    elif error["type"] == "missing":
        message = "required field is missing"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return f"{where}: field {field}: {_one_line(message)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
