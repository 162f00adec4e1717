"""Export-control knowledge base: official documents in, cited verdicts out, as of a date.

This is the public surface that the CLI, the app and the evaluation import.
"""

import datetime as _dt
from functools import lru_cache as _lru_cache

from kb.answer import Answer, Citation
from kb.appstate import WebApp
from kb.baseline import BaselinePipeline
from kb.briefing import BriefingPack, build_briefing
from kb.briefing_render import render as render_briefing
from kb.chunking import Chunk
from kb.config import Settings
from kb.embedding import Embedder
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
from kb.evaluate import EvalReport, evaluate
from kb.feedback import FeedbackLog, FeedbackRecord
from kb.index import IngestReport, ingest
from kb.knowledge import KnowledgeBase, LookupResult
from kb.metrics import Aggregate
from kb.questions import Question, QuestionSet, load_question_set
from kb.retrieve import Hit, Retriever
from kb.sources import Corpus, SourceDocument, load_corpus, validate_corpus
from kb.timeline import Verdict

__all__ = [
    "Aggregate",
    "Answer",
    "BaselinePipeline",
    "BriefingPack",
    "Chunk",
    "Citation",
    "Corpus",
    "Embedder",
    "EvalReport",
    "FeedbackLog",
    "FeedbackRecord",
    "GeneratorError",
    "Hit",
    "IndexNotBuilt",
    "IngestReport",
    "KbError",
    "KnowledgeBase",
    "LookupResult",
    "ModelUnavailable",
    "ParseError",
    "QueryError",
    "Question",
    "QuestionSet",
    "QuestionSetError",
    "Retriever",
    "Settings",
    "SourceDocument",
    "SourceError",
    "Verdict",
    "WebApp",
    "answer",
    "build_briefing",
    "evaluate",
    "ingest",
    "load_corpus",
    "load_question_set",
    "render_briefing",
    "validate_corpus",
]


@_lru_cache(maxsize=4)
def _default_base(settings: Settings) -> KnowledgeBase:
    return KnowledgeBase(settings)


def answer(
    question: str,
    as_of: str | _dt.date | None = None,
    destination: str | None = None,
    lang: str | None = None,
) -> Answer:
    """Answer ``question`` as of ``as_of`` (default today) for ``destination`` (ISO alpha-2).

    Uses the settings of the ``KB_*`` environment variables; the knowledge base is loaded once per
    distinct settings and reused. Raises ``KbError`` subclasses with a clear message on bad input.
    """
    return _default_base(Settings.from_env()).answer(
        question, as_of=as_of, destination=destination, lang=lang
    )
