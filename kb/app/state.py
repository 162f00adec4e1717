"""What the app does, as plain functions: chat, lookup table and CSV, briefing packs, feedback.

``app.py`` only lays out Gradio components and wires their events to a :class:`WebApp`; every
callback's work happens here, so tests call it without a server. A ``KbError`` from the knowledge
base becomes a message on the page; anything else is a bug and is left to surface.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Answer
from kb.answering.wording import VERDICT_LABELS
from kb.app.feedback import FeedbackLog, FeedbackRecord, corpus_version, index_version
from kb.app.view import answer_markdown, badge_html, citations_html, document_html
from kb.briefing.pack import build_briefing
from kb.briefing.render import FORMATS, render, render_markdown
from kb.config import Settings
from kb.corpus.schema import FAMILIES
from kb.errors import KbError, QueryError
from kb.language.countries import COUNTRY_NAMES, check_country
from kb.language.dates import parse_date

if TYPE_CHECKING:
    from kb.indexing.embedding import Embedder

__all__ = [
    "EXAMPLES",
    "LOOKUP_HEADERS",
    "BriefingFiles",
    "ChatUpdate",
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

LOOKUP_HEADERS: tuple[str, ...] = (
    "Family", "Item", "名称", "Verdict", "Note", "HS codes", "Control code", "Document", "Ref",
)  # fmt: skip

ALL_FAMILIES = "All families"
NO_DESTINATION = "Any destination"

#: Pieces the answer text is streamed in: the chat shows it growing paragraph by paragraph
#: (verdict, key facts, caveats, sources). Each piece is one update sent with the whole chat, so
#: finer pieces cost throughput under load (`make load`, 20 users: line by line 711 requests and
#: p95 2.16 s in 60 s; by paragraph 898 and 1.75 s).
_STREAM_PIECE = re.compile(r"(?:[^\n]+\n?)+\n*|\n+")


def destination_choices() -> list[tuple[str, str]]:
    """(label, ISO code) pairs for the destination control, ``NO_DESTINATION`` first."""
    codes: dict[str, str] = {}
    for name, code in COUNTRY_NAMES.items():  # each code's first name is the country's own name
        if name.isascii() and code not in codes:
            codes[code] = name.title()
    ordered = sorted(codes.items(), key=lambda kv: kv[1])
    return [(NO_DESTINATION, "")] + [(f"{label} ({code})", code) for code, label in ordered]


@dataclass(frozen=True)
class ChatUpdate:
    """One step of a streamed chat turn: the transcript so far, the badge, the sources panel."""

    history: list[dict[str, str]]
    answers: list[Answer | None]
    badge: str
    citations: str
    answer: Answer | None = None


@dataclass(frozen=True)
class LookupTable:
    """The rows of the lookup tab and a line saying what they are."""

    rows: list[list[str]]
    note: str


@dataclass(frozen=True)
class BriefingFiles:
    """A built briefing pack: its Markdown (for the preview) and the files to download."""

    markdown: str
    paths: dict[str, Path] = field(default_factory=dict)


class WebApp:
    """The app's state and callbacks for one set of settings (one per server process)."""

    def __init__(self, settings: Settings, base: KnowledgeBase | None = None) -> None:
        self.settings = settings
        self.base = base or KnowledgeBase(settings)
        self.feedback = FeedbackLog(settings.feedback_path)

    # -- start-up --------------------------------------------------------------------------------

    def ensure_index(self, progress: bool = True, embedder: Embedder | None = None) -> str:
        """Check the search index and build it when it is missing or damaged; says what it did."""
        from kb.indexing.health import index_problem, rebuild_index
        from kb.indexing.ingest import ingest
        from kb.indexing.keyword import keyword_index_path

        if not keyword_index_path(self.settings).exists() and not self.settings.manifest_path.exists():
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
        """Load the corpus, the index and the embedding model now, so the first question is quick."""
        self.base.catalogue  # noqa: B018 - loads and validates the corpus
        try:
            self.base.searcher.evidence("export licence", 1)
        except KbError as exc:
            log.warning("answers will fail until this is fixed: %s", exc)

    def coverage_note(self) -> str:
        """What the knowledge base covers and up to which date, and that MOFCOM's text governs."""
        corpus = self.base.corpus
        families = [f for f in FAMILIES if any(f in doc.families for doc in corpus)]
        issued = [doc.meta.issued for doc in corpus if doc.meta.issued]
        latest = max(issued).isoformat() if issued else "unknown"
        return (
            f"**Coverage.** {len(corpus)} official documents on China's export controls on strategic "
            f"minerals ({', '.join(families) or 'none yet'}) and the rules on dual-use export licensing; "
            f"the latest was issued on {latest}. {len(self.base.catalogue)} controlled entries. "
            "Verdicts are worked out from the documents' dates, so ask as of any date.\n\n"
            "**MOFCOM's official text governs.** Answers restate the documents in our own words and are "
            "not legal advice; check the official text before you act."
        )

    def versions(self) -> tuple[str, str]:
        """(corpus version, index version): short content hashes recorded with every feedback."""
        return corpus_version(self.base.corpus), index_version(self.settings.manifest_path)

    # -- chat ------------------------------------------------------------------------------------

    def chat(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None,
        answers: Sequence[Answer | None] | None,
        as_of: str | None,
        destination: str | None,
    ) -> Iterator[ChatUpdate]:
        """Answer ``question`` and stream the transcript; ``answers`` runs parallel to ``history``.

        ``as_of`` is the date control: left at today (or empty), a date the question names wins;
        any other date is the date of the answer. ``destination`` is an ISO code or empty.
        """
        history = [dict(m) for m in history or []]
        answers = list(answers or [])
        question = (question or "").strip()
        if not question:
            yield ChatUpdate(history, answers, "", "")
            return
        history.append({"role": "user", "content": question})
        answers.append(None)
        history.append({"role": "assistant", "content": "Looking it up…"})
        answers.append(None)
        yield ChatUpdate(list(history), list(answers), "", "")
        try:
            day = parse_date(as_of)
            explicit = day if day != dt.date.today() else None
            result = self.base.answer(question, as_of=explicit, destination=destination or None)
        except KbError as exc:
            history[-1] = {"role": "assistant", "content": f"⚠ {exc}"}
            yield ChatUpdate(list(history), list(answers), "", f'<p class="kb-note">{exc}</p>')
            return
        badge = badge_html(result.verdict, result.as_of.isoformat(), result.destination)
        text = f"{badge_html(result.verdict)}\n\n{answer_markdown(result)}"
        shown = ""
        for piece in _STREAM_PIECE.findall(text):
            shown += piece
            history[-1] = {"role": "assistant", "content": shown}
            yield ChatUpdate(list(history), list(answers), badge, "")
        answers[-1] = result
        yield ChatUpdate(
            list(history), list(answers), badge, citations_html(result, self.base.corpus), result
        )

    def open_source(self, document_id: str, locator: str | None, as_of: str | None) -> str:
        """The whole source document with the cited part highlighted (HTML)."""
        doc = self.base.corpus.get(document_id)
        if doc is None:
            return f'<p class="kb-note">Document {document_id!r} is not in the corpus.</p>'
        try:
            day = parse_date(as_of)
        except QueryError as exc:
            return f'<p class="kb-note">{exc}</p>'
        return document_html(doc, locator or None, self.base.timeline, day)

    # -- feedback --------------------------------------------------------------------------------

    def record_feedback(
        self, answer: Answer | None, rating: str, comment: str, user: str | None = None
    ) -> str:
        """Append a rating of ``answer`` to the feedback log; returns what to tell the user."""
        if answer is None:
            return "Ask a question first: there is no answer to rate yet."
        try:
            corpus_v, index_v = self.versions()
            record = FeedbackRecord.for_answer(answer, rating, comment, corpus_v, index_v, user=user)
            self.feedback.append(record)
        except KbError as exc:
            return f"⚠ Feedback not saved: {exc}"
        said = "helpful" if rating == "up" else "not helpful"
        return f"Thanks: “{said}” recorded as feedback {record.id[:8]} in the local audit log."

    def feedback_for_message(
        self,
        answers: Sequence[Answer | None],
        index: int | Sequence[int],
        liked: bool | str,
        comment: str,
        user: str | None = None,
    ) -> str:
        """Feedback given with the chat's own thumbs on the message at ``index``."""
        position = index if isinstance(index, int) else index[0]
        answer = answers[position] if 0 <= position < len(answers) else None
        rating = "up" if liked is True or liked == "Like" else "down"
        return self.record_feedback(answer, rating, comment, user)

    # -- lookup ----------------------------------------------------------------------------------

    def families(self) -> list[str]:
        """Families that have controlled entries in the corpus, in the catalogue's order."""
        present = {item.family for item in self.base.catalogue.items}
        return [f for f in FAMILIES if f in present]

    def lookup(
        self, query: str, family: str | None, as_of: str | None, destination: str | None
    ) -> LookupTable:
        """Every controlled item (or those matching ``query``), of one family or all, with verdicts."""
        try:
            day = parse_date(as_of)
            dest = check_country(destination) if destination else None
            if query and query.strip():
                found = [
                    (r.match.item, r.verdict) for r in self.base.lookup(query, as_of=day, destination=dest)
                ]
            else:
                found = [(i, self.base.timeline.verdict(i, day, dest)) for i in self.base.catalogue.items]
        except KbError as exc:
            return LookupTable([], f"⚠ {exc}")
        if family and family != ALL_FAMILIES:
            found = [(item, verdict) for item, verdict in found if item.family == family]
        rows = []
        for item, verdict in found:
            note = ""
            if verdict.until:
                note = f"until {verdict.until.isoformat()}"
            elif verdict.value == "not_listed" and verdict.controlled_from:
                note = f"controlled from {verdict.controlled_from.isoformat()}"
            elif verdict.controlled_from:
                note = f"since {verdict.controlled_from.isoformat()}"
            rows.append(
                [
                    item.family,
                    item.name,
                    item.name_zh,
                    VERDICT_LABELS[verdict.value]["en"],
                    note,
                    ", ".join(item.hs_codes),
                    item.control_code or "",
                    item.number or item.document_id,
                    item.ref,
                ]
            )
        where = f" to {dest}" if dest else ""
        what = f" matching {query.strip()!r}" if query and query.strip() else ""
        count = f"{len(rows)} {'entry' if len(rows) == 1 else 'entries'}"
        note = f"{count}{what}; verdicts as of {day.isoformat()}{where}."
        if not rows and query and query.strip():
            note = self.base.not_listed_note(query)
        return LookupTable(rows, note)

    def lookup_csv(self, table: LookupTable, folder: Path, as_of: str | None) -> Path:
        """Write the table as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese names)."""
        day = parse_date(as_of)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"controlled-items-{day.isoformat()}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(LOOKUP_HEADERS)
            writer.writerows(table.rows)
        return path

    # -- briefing --------------------------------------------------------------------------------

    def briefing(
        self, families: Sequence[str] | str | None, as_of: str | None, folder: Path
    ) -> BriefingFiles:
        """Build the pack and write it as Markdown, HTML and DOCX into ``folder``."""
        chosen = [families] if isinstance(families, str) else list(families or [])
        try:
            day = parse_date(as_of)
            pack = build_briefing(self.base, chosen, day)
        except KbError as exc:
            return BriefingFiles(f"⚠ {exc}")
        folder.mkdir(parents=True, exist_ok=True)
        names = "-".join(re.sub(r"\W+", "-", family) for family in pack.families)
        stem = f"briefing-{names}-{day.isoformat()}"
        paths: dict[str, Path] = {}
        for fmt in FORMATS:
            path = folder / f"{stem}.{fmt}"
            path.write_bytes(render(pack, fmt))
            paths[fmt] = path
        log.info("briefing pack %s written to %s", stem, folder)
        return BriefingFiles(render_markdown(pack), paths)
