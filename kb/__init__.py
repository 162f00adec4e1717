"""Export-control knowledge base: official documents in, cited verdicts out, as of a date.

The public surface, what scripts, the app, the CLI and the evaluation import. Names load lazily:
``import kb`` costs nothing until one of them is used, so ``import kb.errors`` stays light.

    import kb
    answer = kb.answer("Do gallium nitride wafers need an export licence?", as_of="2026-11-22")
    print(answer.verdict, answer.citations[0].number)

The stages behind it, bottom to top: ``kb.language``, ``kb.corpus``, ``kb.indexing``,
``kb.retrieval``, ``kb.verdicts``, ``kb.answering``, ``kb.briefing``, ``kb.evaluation``, ``kb.app``,
``kb.cli``.
"""

from __future__ import annotations

import datetime as _dt
import importlib as _importlib
from functools import lru_cache as _lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kb.answering.knowledge import KnowledgeBase, LookupResult
    from kb.answering.records import Answer, Citation
    from kb.briefing.pack import BriefingPack, build_briefing
    from kb.briefing.render import render as render_briefing
    from kb.config import Settings
    from kb.corpus.documents import Corpus, SourceDocument
    from kb.corpus.loading import load_corpus, validate_corpus
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
    from kb.evaluation.questions import QuestionSet, load_question_set
    from kb.evaluation.report import EvalReport
    from kb.evaluation.run import evaluate
    from kb.indexing.ingest import IngestReport, ingest
    from kb.verdicts.timeline import Verdict

__all__ = [
    "Answer",
    "BriefingPack",
    "Citation",
    "Corpus",
    "EvalReport",
    "GeneratorError",
    "IndexNotBuilt",
    "IngestReport",
    "KbError",
    "KnowledgeBase",
    "LookupResult",
    "ModelUnavailable",
    "ParseError",
    "QueryError",
    "QuestionSet",
    "QuestionSetError",
    "Settings",
    "SourceDocument",
    "SourceError",
    "Verdict",
    "answer",
    "build_briefing",
    "evaluate",
    "ingest",
    "load_corpus",
    "load_question_set",
    "render_briefing",
    "validate_corpus",
]

#: Where each public name lives: (module, attribute).
_LOCATIONS: dict[str, tuple[str, str]] = {
    "Answer": ("kb.answering.records", "Answer"),
    "BriefingPack": ("kb.briefing.pack", "BriefingPack"),
    "Citation": ("kb.answering.records", "Citation"),
    "Corpus": ("kb.corpus.documents", "Corpus"),
    "EvalReport": ("kb.evaluation.report", "EvalReport"),
    "GeneratorError": ("kb.errors", "GeneratorError"),
    "IndexNotBuilt": ("kb.errors", "IndexNotBuilt"),
    "IngestReport": ("kb.indexing.ingest", "IngestReport"),
    "KbError": ("kb.errors", "KbError"),
    "KnowledgeBase": ("kb.answering.knowledge", "KnowledgeBase"),
    "LookupResult": ("kb.answering.knowledge", "LookupResult"),
    "ModelUnavailable": ("kb.errors", "ModelUnavailable"),
    "ParseError": ("kb.errors", "ParseError"),
    "QueryError": ("kb.errors", "QueryError"),
    "QuestionSet": ("kb.evaluation.questions", "QuestionSet"),
    "QuestionSetError": ("kb.errors", "QuestionSetError"),
    "Settings": ("kb.config", "Settings"),
    "SourceDocument": ("kb.corpus.documents", "SourceDocument"),
    "SourceError": ("kb.errors", "SourceError"),
    "Verdict": ("kb.verdicts.timeline", "Verdict"),
    "build_briefing": ("kb.briefing.pack", "build_briefing"),
    "evaluate": ("kb.evaluation.run", "evaluate"),
    "ingest": ("kb.indexing.ingest", "ingest"),
    "load_corpus": ("kb.corpus.loading", "load_corpus"),
    "load_question_set": ("kb.evaluation.questions", "load_question_set"),
    "render_briefing": ("kb.briefing.render", "render"),
    "validate_corpus": ("kb.corpus.loading", "validate_corpus"),
}


def __getattr__(name: str) -> Any:
    location = _LOCATIONS.get(name)
    if location is None:
        raise AttributeError(f"module 'kb' has no attribute {name!r}")
    value = getattr(_importlib.import_module(location[0]), location[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "__doc__", "__name__"])


@_lru_cache(maxsize=4)
def _default_base(settings: Settings) -> KnowledgeBase:
    from kb.answering.knowledge import KnowledgeBase

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
    from kb.config import Settings

    return _default_base(Settings.from_env()).answer(
        question, as_of=as_of, destination=destination, lang=lang
    )
