"""Errors meant for users.

Every failure a user can cause or meet is a ``KbError`` with a sentence that says what went
wrong and, where possible, how to fix it. The CLI and the app catch ``KbError`` and print the
message; any other exception reaching them is a bug.

    KbError
    ├── SourceError        a corpus file is unreadable or breaks the schema (names file and field)
    ├── ParseError         a user document could not be parsed (names the file and the reason)
    ├── QueryError         a question, code, date or country given by the user is not usable
    ├── QuestionSetError   an evaluation question set is malformed (names question and field)
    ├── IndexNotBuilt      the search index is missing or unreadable; run ``kb ingest``
    ├── ModelUnavailable   the offline embedding model package is not installed
    └── GeneratorError     the optional language-model endpoint failed
"""

from __future__ import annotations

__all__ = [
    "GeneratorError",
    "IndexNotBuilt",
    "KbError",
    "ModelUnavailable",
    "ParseError",
    "QueryError",
    "QuestionSetError",
    "SourceError",
]


class KbError(Exception):
    """Base of every error the knowledge base raises on purpose."""


class SourceError(KbError):
    """A corpus file cannot be loaded or does not follow the schema."""

    def __init__(self, path: str, problem: str, field: str | None = None) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {problem}")


class ParseError(KbError):
    """A document of a supported format could not be read."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot parse: {reason}")


class QueryError(KbError):
    """Input from the user (question, date, country code, HS code) is not usable."""


class QuestionSetError(KbError):
    """An evaluation question set does not follow the format."""


class IndexNotBuilt(KbError):
    """The search index is missing or unreadable."""


class ModelUnavailable(KbError):
    """The embedding model cannot be loaded offline."""


class GeneratorError(KbError):
    """The optional language-model endpoint failed or answered unusably."""
