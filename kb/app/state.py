"""What the app does, as plain functions: chat, sources, feedback, lookup, screening, briefing packs,
documents.

:mod:`kb.app.ui` only lays out Gradio components and wires their events to a :class:`WebApp`; every
callback's work happens here, so tests call it without a server. A ``KbError`` from the knowledge
base becomes a message on the page; anything else is a bug and is left to surface.

The knowledge base follows the index (:class:`kb.app.live.LiveBase`): after an ingest the next
request answers from the new corpus, or the page says why it cannot.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Answer
from kb.answering.wording import date_text
from kb.app.controls import (
    NO_DESTINATION,
    destination_choices,
    question_problem,
    read_date,
    resolve,
)
from kb.app.conversations import History, Limits, Turn, conversation_markdown
from kb.app.documents import DocumentRow, list_documents, own_document, remove_upload, upload_documents
from kb.app.downloads import fresh_folder
from kb.app.feedback import FeedbackLog, FeedbackRecord
from kb.app.live import LiveBase
from kb.app.lookup import LOOKUP_HEADERS, LookupTable, lookup_table, write_csv
from kb.app.party_view import verdict_card_html
from kb.app.screening import SCREEN_HEADERS, BatchScreening, screen_name, screen_upload
from kb.app.transcript import transcript_html
from kb.app.view import citations_html, document_html, search_hits_html, viewer_message
from kb.briefing.pack import build_briefing
from kb.briefing.render import FORMATS, render, render_markdown
from kb.config import Settings
from kb.corpus.schema import FAMILIES
from kb.errors import KbError
from kb.verdicts.freshness import freshness

if TYPE_CHECKING:
    from kb.indexing.embedding import Embedder

__all__ = [
    "ALL_FAMILIES",
    "EXAMPLES",
    "LOOKUP_HEADERS",
    "NO_DESTINATION",
    "SCREEN_HEADERS",
    "BatchScreening",
    "BriefingFiles",
    "ChatUpdate",
    "ChatView",
    "LookupTable",
    "WebApp",
    "destination_choices",
]

log = logging.getLogger(__name__)

#: Example questions shown under the chat, in English and in Chinese.
EXAMPLES: tuple[str, ...] = (
    "Do I need a licence to export gallium nitride?",
    "Can metallic gallium be exported to the United States today?",
    "Did germanium dioxide need a licence in June 2023?",
    "What documents must accompany a licence application?",
    "出口氧化镓需要申请许可证吗？",
    "可以向美国军事用户出口两用物项吗？",
)

ALL_FAMILIES = "All families"
NO_SOURCES = '<p class="kb-note">Sources of the answer appear here.</p>'


@dataclass(frozen=True)
class ChatView:
    """What the chat shows: the transcript, and the badge and sources of the answer in focus."""

    transcript: str
    badge: str
    citations: str


@dataclass(frozen=True)
class ChatUpdate:
    """One step of a chat turn as lists of messages (see :meth:`WebApp.chat`)."""

    history: list[dict[str, str]]
    answers: list[Answer | None]
    badge: str
    citations: str
    answer: Answer | None = None


@dataclass(frozen=True)
class BriefingFiles:
    """A built briefing pack: its Markdown (for the preview) and the files to download."""

    markdown: str
    paths: dict[str, Path] = field(default_factory=dict)


class WebApp:
    """The app's state and callbacks for one set of settings (one per server process).

    ``base`` fixes the knowledge base (tests); without it one is built from ``settings`` and
    rebuilt after each ingest. ``embedder`` is the model for searching and ingesting (default:
    the offline model, loaded once).
    """

    def __init__(
        self, settings: Settings, base: KnowledgeBase | None = None, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.limits = Limits.of(settings)
        self.feedback = FeedbackLog(settings.feedback_path)
        self.live = LiveBase(settings, base, embedder)
        self._ingesting = threading.Lock()  # one upload or removal at a time per process

    @property
    def base(self) -> KnowledgeBase:
        """The knowledge base, loaded again after an ingest (see :class:`kb.app.live.LiveBase`)."""
        return self.live.base

    @property
    def reload_problem(self) -> str | None:
        """Why the corpus on disk is not the one answering, or ``None``."""
        return self.live.problem

    def ensure_index(self, progress: bool = True, embedder: Embedder | None = None) -> str:
        """Check the search index and build it when it is missing or damaged; says what it did."""
        from kb.indexing.health import index_problem, rebuild_index
        from kb.indexing.ingest import ingest
        from kb.indexing.keyword import keyword_index_path

        try:
            missing = (
                not keyword_index_path(self.settings).exists() and not self.settings.manifest_path.exists()
            )
        except KbError:  # an unreadable index pointer: a damaged index, rebuilt below
            missing = False
        if missing:
            log.info("no search index in %s: building it from %s", self.settings.home, self.settings.sources)
            report = ingest(self.settings, embedder=embedder, progress=progress)
            done = "built the search index"
        else:
            problem = index_problem(self.settings)
            if problem is None:
                return f"search index ready in {self.settings.home}"
            log.warning(
                "the search index is damaged (%s): rebuilding it from %s", problem, self.settings.sources
            )
            report = rebuild_index(self.settings, embedder=embedder, progress=progress)
            done = f"the search index was damaged ({problem}); rebuilt it"
        skipped = f"; skipped: {'; '.join(report.errors)}" if report.errors else ""
        return f"{done} in {self.settings.home}: {report.summary()}{skipped}"

    def warm_up(self) -> None:
        """Load the corpus, the index and the embedding models now, and embed the topics' paraphrases
        (kept in KB_HOME after the first time), so the first question is quick."""
        base = self.base
        self.versions()
        try:
            base.searcher.evidence("export licence", 1)
        except KbError as exc:
            log.warning("answers will fail until this is fixed: %s", exc)
            return
        try:
            base.topic_matcher.warm()
        except (KbError, OSError, RuntimeError, ValueError) as exc:  # the first question embeds them
            log.warning("the topics' paraphrases were not embedded at start: %s", exc)

    def coverage_note(self) -> str:
        """What the knowledge base covers and up to which date, and that MOFCOM's text governs."""
        corpus = [doc for doc in self.base.corpus if doc.meta.kind != "user"]
        families = [f for f in FAMILIES if any(f in doc.families for doc in corpus)]
        issued = [doc.meta.issued for doc in corpus if doc.meta.issued]
        latest = max(issued).isoformat() if issued else "unknown"
        problem = f"⚠ {self.reload_problem}\n\n" if self.reload_problem else ""
        return (
            f"{problem}**Coverage.** {len(corpus)} official documents on China's export controls on "
            f"strategic minerals ({', '.join(families) or 'none yet'}) and the rules on dual-use export "
            f"licensing; the latest was issued on {latest}. {len(self.base.catalogue)} controlled entries. "
            "Verdicts are worked out from the documents' dates, so ask as of any date.\n\n"
            f"{self.freshness_note()}\n\n"
            "**MOFCOM's official text governs.** Answers restate the documents in our own words and are "
            "not legal advice; check the official text before you act."
        )

    def freshness_note(self, day: dt.date | None = None) -> str:
        """How current the knowledge is on ``day`` (default today), as ``kb status`` says it: how far it
        reaches, and the fixed end dates passed with no later official text held."""
        day = day or dt.date.today()
        report = freshness(self.base.corpus, self.base.timeline, day)
        reach = date_text(report.checked, "en") if report.checked else "unknown"
        lapsed = len(report.lapsed)
        ends = (
            f" {lapsed} fixed end date{'s' if lapsed != 1 else ''} passed with no later official text held "
            "(answers that rest on them say so; `kb status` lists them)."
            if lapsed
            else " No fixed end date has passed without a later official text."
        )
        return f"**How current.** The knowledge reaches {reach}.{ends}"

    def versions(self) -> tuple[str, str]:
        """(corpus version, index version): short content hashes recorded with every feedback."""
        return self.live.versions()

    # -- chat --------------------------------------------------------------------------------------

    def new_history(self) -> History:
        return History(limits=self.limits)

    def restore(self, stored: object, user: str | None = None) -> History:
        """The conversations the browser kept (checked and bounded; see ``History.from_stored``)."""
        return History.from_stored(stored, self.limits, user)

    def view(self, history: History, turn: int | None = None, active: int | None = None) -> ChatView:
        """The transcript of the current conversation, with the badge and sources of answer
        ``turn`` (default: the latest answer), card ``active`` highlighted."""
        conversation = history.current
        answered = [i for i, t in enumerate(conversation.turns) if t.answer is not None]
        if turn is None or not 0 <= turn < len(conversation.turns) or conversation.turns[turn].answer is None:
            turn = answered[-1] if answered else None
        transcript = transcript_html(conversation)
        if turn is None:
            return ChatView(transcript, "", NO_SOURCES)
        answer = conversation.turns[turn].answer
        assert answer is not None
        badge = verdict_card_html(answer)
        return ChatView(transcript, badge, citations_html(answer, self.base.corpus, turn, active))

    def ask(
        self, history: History, question: str, as_of: str | None, destination: str | None
    ) -> Iterator[ChatView]:
        """Answer ``question`` in the current conversation (with a language model configured, first
        the question with a placeholder, then the answer). A date that does not parse, or a
        question over the length limit, is a message in the chat and nothing is answered. A date
        or destination the question names wins over the controls, and the turn says so when they
        differ."""
        question = (question or "").strip()
        if not question:
            yield self.view(history)
            return
        problem = question_problem(question, self.limits.max_question_chars)
        reading = read_date(as_of)
        if problem or reading.day is None:
            history.add(Turn(question[: self.limits.max_question_chars], message=problem or reading.message))
            yield self.view(history)
            return
        resolved = resolve(question, reading.day, destination or None)
        history.add(Turn(question, notices=resolved.notices))
        if self.settings.llm_url:
            # A model phrases the answer (seconds): show the question meanwhile. An extractive
            # answer takes milliseconds, and a second update would cost more than it shows.
            yield ChatView(transcript_html(history.current, pending=True), "", NO_SOURCES)
        try:
            answer = self.base.answer(question, as_of=resolved.as_of, destination=resolved.destination)
            turn = Turn(question, answer, notices=resolved.notices, versions=self.versions())
        except KbError as exc:
            turn = Turn(question, message=f"⚠ {exc}", notices=resolved.notices)
        history.current.replace_last(turn)
        yield self.view(history)

    def chat(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None,
        answers: Sequence[Answer | None] | None,
        as_of: str | None,
        destination: str | None,
    ) -> Iterator[ChatUpdate]:
        """:meth:`ask` for callers that keep the chat as role/content messages with the answers
        beside them (``answers`` runs parallel to ``history``)."""
        session = self.new_history()
        messages = list(history or [])
        kept = list(answers or [])
        for i in range(0, len(messages) - 1, 2):
            answer = kept[i + 1] if i + 1 < len(kept) else None
            session.current.turns.append(Turn(messages[i].get("content", ""), answer))
        for step in self.ask(session, question, as_of, destination):
            out: list[dict[str, str]] = []
            flat: list[Answer | None] = []
            for turn in session.current.turns:
                reply = turn.answer.text if turn.answer else turn.message or "Looking it up…"
                out += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": reply}]
                flat += [None, turn.answer]
            last = session.current.turns[-1].answer if session.current.turns else None
            yield ChatUpdate(out, flat, step.badge, step.citations, last)

    def open_source(self, document_id: str, locator: str | None, as_of: str | None) -> str:
        """The source viewer: the whole document with the cited part highlighted (HTML)."""
        reading = read_date(as_of)
        day = reading.day or dt.date.today()
        base = self.base
        doc = base.corpus.get(document_id)
        if doc is not None:
            own = doc.meta.kind == "user"
            return document_html(doc, locator or None, None if own else base.timeline, day, own=own)
        mine = own_document(self.settings, document_id)
        if mine is not None:
            return document_html(mine, locator or None, None, day, own=True)
        return viewer_message(f"Document {document_id!r} is not in the knowledge base.")

    def export(self, history: History, folder: Path) -> Path | None:
        """The current conversation as a Markdown file (``None`` when it has no question yet)."""
        conversation = history.current
        if not conversation.turns:
            return None
        slug = re.sub(r"[^\w]+", "-", conversation.title.lower()).strip("-")[:40] or "conversation"
        path = fresh_folder(folder) / f"conversation-{dt.date.today().isoformat()}-{slug}.md"
        path.write_text(conversation_markdown(conversation), encoding="utf-8")
        return path

    # -- feedback ----------------------------------------------------------------------------------

    def record_feedback(
        self,
        answer: Answer | None,
        rating: str,
        comment: str,
        user: str | None = None,
        versions: tuple[str, str] | None = None,
    ) -> str:
        """Append a rating of ``answer`` to the feedback log; returns what to tell the user.
        ``versions`` are those that produced the answer (default: the current ones)."""
        if answer is None:
            return "Ask a question first: there is no answer to rate yet."
        try:
            corpus_v, index_v = versions if versions and all(versions) else self.versions()
            record = FeedbackRecord.for_answer(answer, rating, comment, corpus_v, index_v, user=user)
            self.feedback.append(record)
        except KbError as exc:
            return f"⚠ Feedback not saved: {exc}"
        said = "helpful" if rating == "up" else "not helpful"
        return f"Thanks: “{said}” recorded as feedback {record.id[:8]} in the local audit log."

    def rate_turn(
        self, history: History, turn: int | str, rating: str, comment: str, user: str | None = None
    ) -> str:
        """Feedback on answer ``turn`` of the current conversation (the thumbs under an answer)."""
        turns = history.current.turns
        index = _index(turn)
        chosen = turns[index] if index is not None and 0 <= index < len(turns) else None
        if chosen is None:
            return self.record_feedback(None, rating, comment, user)
        return self.record_feedback(chosen.answer, rating, comment, user, chosen.versions)

    def rate_last(self, history: History, rating: str, comment: str, user: str | None = None) -> str:
        """Feedback on the latest answer of the current conversation."""
        turns = history.current.turns
        last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].answer is not None), None)
        return self.rate_turn(history, -1 if last is None else last, rating, comment, user)

    def feedback_for_message(
        self,
        answers: Sequence[Answer | None],
        index: int | Sequence[int],
        liked: bool | str,
        comment: str,
        user: str | None = None,
    ) -> str:
        """Feedback on the message at ``index`` of a role/content chat (see :meth:`chat`)."""
        position = index if isinstance(index, int) else index[0]
        answer = answers[position] if 0 <= position < len(answers) else None
        rating = "up" if liked is True or liked == "Like" else "down"
        return self.record_feedback(answer, rating, comment, user)

    # -- controls ----------------------------------------------------------------------------------

    def check_date(self, text: str | None) -> tuple[str, str]:
        """(what the date box should hold, a message): a date read another way is shown in ISO."""
        reading = read_date(text)
        if reading.day is None:
            return (text or ""), reading.message
        return reading.day.isoformat(), reading.message

    # -- lookup ------------------------------------------------------------------------------------

    def families(self) -> list[str]:
        """Families that have controlled entries in the corpus, in the catalogue's order."""
        present = {item.family for item in self.base.catalogue.items}
        return [f for f in FAMILIES if f in present]

    def lookup(
        self, query: str, family: str | None, as_of: str | None, destination: str | None
    ) -> LookupTable:
        """Every controlled item (or those matching ``query``), of one family or all, with verdicts
        and why each matched."""
        reading = read_date(as_of)
        if reading.day is None:
            return LookupTable([], reading.message)
        chosen = family if family and family != ALL_FAMILIES else None
        return lookup_table(self.base, query, chosen, reading.day, destination)

    def lookup_csv(self, table: LookupTable, folder: Path, as_of: str | None) -> Path:
        """The table as a CSV file of its own (see :func:`kb.app.lookup.write_csv`)."""
        return write_csv(table, folder, read_date(as_of).day or dt.date.today())

    # -- screening ---------------------------------------------------------------------------------

    def screen(self, name: str, country: str | None, as_of: str | None) -> str:
        """One name screened against the party lists held on the date (HTML cards, escaped)."""
        reading = read_date(as_of)
        if reading.day is None:
            return f'<p class="kb-note">{html.escape(reading.message)}</p>'
        return screen_name(self.base.parties, name, country or None, reading.day)

    def screen_csv(
        self,
        path: Path | None,
        column: str,
        country_column: str | None,
        as_of: str | None,
        folder: Path,
        shown: str | None = None,
    ) -> BatchScreening:
        """Every row of an uploaded customer file screened on the date, with the report CSV in a
        folder of its own (see :func:`kb.app.screening.screen_upload`)."""
        if path is None:
            return BatchScreening("Choose a CSV file with a header row and a column of names first.", [])
        reading = read_date(as_of)
        if reading.day is None:
            return BatchScreening(reading.message, [])
        name = shown or path.name
        return screen_upload(self.base.parties, path, name, column, country_column, reading.day, folder)

    # -- briefing ----------------------------------------------------------------------------------

    def briefing(
        self, families: Sequence[str] | str | None, as_of: str | None, folder: Path, parties: bool = False
    ) -> BriefingFiles:
        """Build the pack (with the party lists on the date when ``parties``) and write it as
        Markdown, HTML and DOCX into a folder of its own."""
        chosen = [families] if isinstance(families, str) else list(families or [])
        reading = read_date(as_of)
        if reading.day is None:
            return BriefingFiles(reading.message)
        try:
            pack = build_briefing(self.base, chosen, reading.day, parties=parties)
        except KbError as exc:
            return BriefingFiles(f"⚠ {exc}")
        own = fresh_folder(folder)
        names = "-".join(re.sub(r"\W+", "-", family) for family in pack.families)
        stem = f"briefing-{names}{'-and-parties' if parties else ''}-{reading.day.isoformat()}"
        paths: dict[str, Path] = {}
        for fmt in FORMATS:
            path = own / f"{stem}.{fmt}"
            path.write_bytes(render(pack, fmt))
            paths[fmt] = path
        log.info("briefing pack %s written", stem)
        return BriefingFiles(render_markdown(pack), paths)

    # -- documents ---------------------------------------------------------------------------------

    def documents(self) -> list[DocumentRow]:
        """What is indexed: official sources and the user's own, with dates, chunks and status."""
        retriever = self.live.retriever()
        chunks = retriever.chunks if retriever is not None else []
        return list_documents(self.settings, self.base.corpus, chunks)

    def upload(self, files: Sequence[tuple[str, Path]], progress: bool = False) -> str:
        """Add the user's files to their own documents (one upload at a time per process)."""
        if not files:
            return "Choose one or more files first (.md .txt .html .pdf .docx)."
        with self._ingesting:
            try:
                result = upload_documents(self.settings, files, self.live.ingest_embedder(), progress)
            except KbError as exc:
                return f"⚠ Nothing was added: {exc}"
        return result.message()

    def remove(self, name: str | None) -> str:
        """Remove an uploaded document (its file and its chunks)."""
        if not name:
            return "Choose one of your documents to remove."
        with self._ingesting:
            try:
                return "✓ " + remove_upload(self.settings, name, self.live.ingest_embedder())
            except KbError as exc:
                return f"⚠ {exc}"

    def search_documents(self, query: str, k: int = 8) -> str:
        """The chunks that best match ``query`` across every indexed document, labelled by kind."""
        text = (query or "").strip()
        if not text:
            return '<p class="kb-note">Type words to search for in every indexed document.</p>'
        try:
            hits = self.base.retriever.search(text, k=k)
        except KbError as exc:
            return f'<p class="kb-note">⚠ {exc}</p>'
        return search_hits_html(hits, self.base.corpus, text)


def _index(value: int | str | None) -> int | None:
    try:
        return int(value) if value is not None and str(value).strip() != "" else None
    except ValueError:
        return None
