"""Export-control knowledge base: official documents in, cited verdicts out, as of a date.

This is the public surface that the CLI, the app and the evaluation import.
"""

from kb.config import Settings
from kb.errors import (
    GeneratorError,
    IndexNotBuilt,
    KbError,
    ModelUnavailable,
    ParseError,
    QueryError,
    QuestionSetError,
    SourceError,
)
from kb.sources import Corpus, SourceDocument, load_corpus, validate_corpus

__all__ = [
    "Corpus",
    "GeneratorError",
    "IndexNotBuilt",
    "KbError",
    "ModelUnavailable",
    "ParseError",
    "QueryError",
    "QuestionSetError",
    "Settings",
    "SourceDocument",
    "SourceError",
    "load_corpus",
    "validate_corpus",
]
