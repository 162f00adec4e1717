"""Conversations: the turns of a chat, kept for the session, saved in the browser, exported as Markdown.

A session holds a :class:`History`: its conversations, most recent first, the first one being the
one on screen. The page saves ``History.to_stored()`` in the browser's storage after every change
and hands it back on a reload (:meth:`History.from_stored`). What comes back from a browser is
outside data: it is checked field by field, bounded (:class:`Limits`: turns per conversation,
conversations, question length, stored size) and anything malformed is dropped with a note, never
an error. Texts are shown only through :mod:`kb.app.transcript`, which escapes them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from kb.answering.records import Answer, Citation
from kb.app.party_view import party_cards
from kb.config import Settings
from kb.verdicts.timeline import VerdictValue

__all__ = [
    "Conversation",
    "History",
    "Limits",
    "Turn",
    "answer_from_stored",
    "answer_to_stored",
    "conversation_markdown",
]

#: The stored form's version; a stored value of another version is not read.
STORED_VERSION = 1
#: Largest stored history, in characters of JSON: browsers give a page about 5 MB of storage, and
#: the page's storage is encrypted (about a third larger again).
MAX_STORED_CHARS = 1_000_000
#: Longest texts kept of a stored answer and of each citation's supporting text.
MAX_ANSWER_CHARS = 20_000
MAX_CITATION_CHARS = 1_500
MAX_CITATIONS = 40

_VERDICTS = frozenset(get_args(VerdictValue))


@dataclass(frozen=True)
class Limits:
    """How much a session and the browser keep; from ``Settings`` (``KB_MAX_*``)."""

    max_turns: int = 50
    max_conversations: int = 20
    max_question_chars: int = 2000
    #: Largest history (its stored JSON, in characters) a session keeps (``KB_MAX_HISTORY_KB``).
    max_history_chars: int = MAX_STORED_CHARS

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            settings.max_turns,
            settings.max_conversations,
            settings.max_question_chars,
            settings.max_history_kb * 1000,
        )


@dataclass(frozen=True)
class Turn:
    """One question and what came back: an answer, or a message saying why there is none.

    ``notices`` say what the app decided for this turn, e.g. that the destination the question
    names was used instead of the one chosen in the controls; ``versions`` are the corpus and index
    versions that produced the answer (recorded with feedback on it).
    """

    question: str
    answer: Answer | None = None
    message: str = ""
    notices: tuple[str, ...] = ()
    versions: tuple[str, str] = ("", "")


@dataclass
class Conversation:
    """A titled list of turns; ``dropped`` counts the oldest turns let go to stay within the limit."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    title: str = ""
    updated: str = field(default_factory=lambda: _now())
    turns: list[Turn] = field(default_factory=list)
    dropped: int = 0

    def add(self, turn: Turn, max_turns: int) -> None:
        """Append ``turn``; beyond ``max_turns`` the oldest turns are dropped (and counted)."""
        self.turns.append(turn)
        if not self.title:
            self.title = _title(turn.question)
        excess = len(self.turns) - max_turns
        if excess > 0:
            del self.turns[:excess]
            self.dropped += excess
        self.updated = _now()

    def replace_last(self, turn: Turn) -> None:
        if self.turns:
            self.turns[-1] = turn
        self.updated = _now()

    @property
    def answers(self) -> list[Answer | None]:
        return [t.answer for t in self.turns]


@dataclass
class History:
    """A session's conversations, most recent first; ``conversations[0]`` is the one shown."""

    conversations: list[Conversation] = field(default_factory=lambda: [Conversation()])
    limits: Limits = field(default_factory=Limits)
    #: What restoring from the browser had to drop or could not read, to tell the user once.
    notes: list[str] = field(default_factory=list)
    #: Whether this history came from the browser (see :meth:`from_stored`). One that did not (a
    #: session the server forgot, or an API client's) is never saved over what the browser holds.
    restored: bool = False

    @property
    def current(self) -> Conversation:
        if not self.conversations:
            self.conversations.append(Conversation())
        return self.conversations[0]

    def start(self) -> Conversation:
        """A new, empty conversation in front (an empty current one is reused)."""
        if self.current.turns:
            self.conversations.insert(0, Conversation())
            self._bound()
        return self.current

    def select(self, conversation_id: str) -> Conversation:
        """Bring the conversation ``conversation_id`` to the front (unknown ids change nothing)."""
        for i, conversation in enumerate(self.conversations):
            if conversation.id == conversation_id:
                self.conversations.insert(0, self.conversations.pop(i))
                break
        return self.current

    def delete(self, conversation_id: str) -> Conversation:
        """Forget a conversation; the next most recent one (or a new one) is shown."""
        self.conversations = [c for c in self.conversations if c.id != conversation_id]
        return self.current

    def adopt(self, conversation: Conversation) -> None:
        """Put ``conversation`` (from another history) in front, as the current one."""
        self.conversations = [conversation, *(c for c in self.conversations if c.id != conversation.id)]
        self._bound()

    def add(self, turn: Turn) -> None:
        """Add a turn to the current conversation, keeping within every limit."""
        self.current.add(turn, self.limits.max_turns)
        self._bound()

    def choices(self) -> list[tuple[str, str]]:
        """(label, id) of every conversation that has a turn, for the conversation picker."""
        return [
            (
                f"{c.title} · {c.updated[:10]} · {len(c.turns)} question{'s' if len(c.turns) != 1 else ''}",
                c.id,
            )
            for c in self.conversations
            if c.turns
        ]

    # -- browser storage ---------------------------------------------------------------------

    def to_stored(self, user: str | None = None) -> dict[str, Any]:
        """The JSON the browser keeps: every conversation with a turn, most recent first, and the
        signed-in user they belong to."""
        return {
            "version": STORED_VERSION,
            "user": user,
            "conversations": [_conversation_to_stored(c) for c in self.conversations if c.turns],
        }

    @classmethod
    def from_stored(cls, value: object, limits: Limits, user: str | None = None) -> History:
        """A history from what the browser kept; whatever is malformed or over a limit is dropped
        and said in ``notes``; conversations of another signed-in user are not shown. Never raises."""
        history = cls([], limits, restored=True)
        if value is None or value == {} or value == []:
            return history
        if isinstance(value, Mapping) and value.get("user") != user:
            history.notes.append("The conversations saved in this browser belong to another user; not shown.")
            return history
        if not isinstance(value, Mapping) or value.get("version") != STORED_VERSION:
            history.notes.append(
                "The conversations saved in this browser are in an unknown form; not restored."
            )
            return history
        stored = value.get("conversations")
        if not isinstance(stored, list):
            return history
        unreadable = 0
        for raw in stored[: limits.max_conversations]:
            conversation = _conversation_from_stored(raw, limits)
            if conversation is None:
                unreadable += 1
                continue
            history.conversations.append(conversation)
        if len(stored) > limits.max_conversations:
            history.notes.append(
                f"Only the {limits.max_conversations} most recent conversations were kept "
                "(KB_MAX_CONVERSATIONS raises the limit)."
            )
        if unreadable:
            history.notes.append(f"{unreadable} saved conversation(s) could not be read and were dropped.")
        history._bound()
        return history

    def _bound(self) -> None:
        """Keep within the conversation limit and the stored size, dropping the oldest first."""
        limits = self.limits
        if len(self.conversations) > limits.max_conversations:
            del self.conversations[limits.max_conversations :]
        while len(json.dumps(self.to_stored(), ensure_ascii=False)) > limits.max_history_chars:
            if len(self.conversations) > 1:
                self.conversations.pop()
                self.notes.append(
                    f"The oldest conversation was dropped to keep the history within "
                    f"{limits.max_history_chars // 1000:,} kB (KB_MAX_HISTORY_KB raises the limit)."
                )
            elif len(self.current.turns) > 1:
                del self.current.turns[0]
                self.current.dropped += 1
            else:
                break


# -- stored form ---------------------------------------------------------------------------------


def answer_to_stored(answer: Answer) -> dict[str, Any]:
    """What the browser keeps of an answer: everything the page shows, not the retrieval details."""
    data = answer.to_dict()
    for key in ("retrieved", "timings"):
        data.pop(key, None)
    data["text"] = answer.text[:MAX_ANSWER_CHARS]
    data["citations"] = [
        {**c.to_dict(), "text": c.text[:MAX_CITATION_CHARS]} for c in answer.citations[:MAX_CITATIONS]
    ]
    data["parties"] = [card.to_dict() for card in party_cards(answer.parties)]  # what the card shows
    return data


def _str(value: object, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _citation_from_stored(raw: object) -> Citation | None:
    if not isinstance(raw, Mapping):
        return None
    n, document_id, title, locator = (
        raw.get("n"),
        raw.get("document_id"),
        raw.get("title"),
        raw.get("locator"),
    )
    if not (isinstance(n, int) and isinstance(document_id, str) and isinstance(title, str)):
        return None
    if not isinstance(locator, str):
        return None
    url = _str(raw.get("url"), 2000)
    return Citation(
        n=n,
        document_id=document_id[:200],
        number=_str(raw.get("number"), 300),
        number_zh=_str(raw.get("number_zh"), 300),
        title=title[:500],
        title_zh=_str(raw.get("title_zh"), 500),
        locator=locator[:200],
        issued=_day(raw.get("issued")),
        effective=_day(raw.get("effective")),
        status=_str(raw.get("status"), 200) or "",
        url=url or None,
        text=_str(raw.get("text"), MAX_CITATION_CHARS) or "",
        link="official" if raw.get("link") == "official" else ("secondary" if url else None),
        trust="user" if raw.get("trust") == "user" else "official",
    )


def answer_from_stored(raw: object) -> Answer | None:
    """An answer as the browser kept it, or ``None`` when it is not one. Fields the app does not
    know (a newer answer's) are ignored; a field it needs and cannot read drops the answer."""
    if not isinstance(raw, Mapping):
        return None
    question, text, lang = raw.get("question"), raw.get("text"), raw.get("lang")
    verdict, as_of = raw.get("verdict"), _day(raw.get("as_of"))
    if not isinstance(question, str) or not isinstance(text, str) or as_of is None:
        return None
    if lang not in ("en", "zh") or (verdict is not None and verdict not in _VERDICTS):
        return None
    cited = raw.get("citations")
    citations = [_citation_from_stored(c) for c in (cited if isinstance(cited, list) else [])[:MAX_CITATIONS]]
    caveats = raw.get("caveats")
    destination, parties = raw.get("destination"), raw.get("parties")
    return Answer(
        question=question[:MAX_ANSWER_CHARS],
        verdict=verdict,
        text=text[:MAX_ANSWER_CHARS],
        citations=tuple(c for c in citations if c is not None),
        as_of=as_of,
        lang=lang,
        destination=destination[:8] if isinstance(destination, str) and destination else None,
        caveats=tuple(c[:2000] for c in (caveats if isinstance(caveats, list) else []) if isinstance(c, str)),
        generator=_str(raw.get("generator"), 100) or "extractive",
        parties=tuple(card.to_dict() for card in party_cards(parties if isinstance(parties, list) else [])),
    )


def _turn_to_stored(turn: Turn) -> dict[str, Any]:
    return {
        "question": turn.question,
        "answer": answer_to_stored(turn.answer) if turn.answer is not None else None,
        "message": turn.message,
        "notices": list(turn.notices),
        "versions": list(turn.versions),
    }


def _turn_from_stored(raw: object, limits: Limits) -> Turn | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("question"), str):
        return None
    answer = answer_from_stored(raw["answer"]) if raw.get("answer") is not None else None
    if raw.get("answer") is not None and answer is None:
        return Turn(
            raw["question"][: limits.max_question_chars], message="This answer could not be restored."
        )
    notices = raw.get("notices")
    versions = raw.get("versions")
    kept = (
        (versions[0][:40], versions[1][:40])
        if isinstance(versions, list) and len(versions) == 2 and all(isinstance(v, str) for v in versions)
        else ("", "")
    )
    return Turn(
        question=raw["question"][: limits.max_question_chars],
        answer=answer,
        message=_str(raw.get("message"), 2000) or "",
        notices=tuple(
            n[:500] for n in (notices if isinstance(notices, list) else [])[:5] if isinstance(n, str)
        ),
        versions=kept,
    )


def _conversation_to_stored(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "updated": conversation.updated,
        "dropped": conversation.dropped,
        "turns": [_turn_to_stored(t) for t in conversation.turns],
    }


def _conversation_from_stored(raw: object, limits: Limits) -> Conversation | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("turns"), list):
        return None
    conversation_id = raw.get("id")
    if not isinstance(conversation_id, str) or not re.fullmatch(r"[0-9a-f]{1,32}", conversation_id):
        conversation_id = uuid.uuid4().hex[:12]
    stored_turns = raw["turns"]
    turns = [t for t in (_turn_from_stored(r, limits) for r in stored_turns[-limits.max_turns :]) if t]
    if not turns:
        return None
    dropped = raw.get("dropped")
    return Conversation(
        id=conversation_id,
        title=(_str(raw.get("title"), 80) or _title(turns[0].question)),
        updated=_str(raw.get("updated"), 40) or _now(),
        turns=turns,
        dropped=(dropped if isinstance(dropped, int) and dropped >= 0 else 0)
        + max(0, len(stored_turns) - limits.max_turns),
    )


# -- export --------------------------------------------------------------------------------------


def conversation_markdown(conversation: Conversation, exported: dt.datetime | None = None) -> str:
    """A conversation as Markdown: every question, the answer's text, its sources with links and
    the supporting text. HTML in quoted text is neutralised (``<`` written as ``&lt;``), so a
    Markdown viewer shows it as text."""
    when = (exported or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# {_defused(conversation.title or 'Conversation')}",
        "",
        f"_Exported {when} from the export-control knowledge base. MOFCOM's official text governs; "
        "answers are not legal advice._",
        "",
    ]
    if conversation.dropped:
        lines += [
            f"_{conversation.dropped} earlier question(s) are no longer kept and are not included._",
            "",
        ]
    for number, turn in enumerate(conversation.turns, start=1):
        lines += [f"## {number}. {_defused(turn.question)}", ""]
        lines += [f"> {_defused(notice)}" for notice in turn.notices]
        if turn.notices:
            lines.append("")
        if turn.answer is None:
            lines += [_defused(turn.message or "No answer."), ""]
            continue
        lines += [_defused(turn.answer.text), ""]
        if turn.answer.citations and "\n[1] " not in turn.answer.text:
            lines += ["Sources:", *(_source_line(c, turn.answer) for c in turn.answer.citations), ""]
    return "\n".join(lines).rstrip() + "\n"


def _source_line(c: Citation, answer: Answer) -> str:
    title = f"{c.title} / {c.title_zh}" if c.title_zh else c.title
    dates = c.dates(answer.lang) or "-"
    return _defused(
        f"[{c.n}] {c.number or c.document_id}, {c.locator} — {title} — {dates} — "
        f"status on {answer.as_of.isoformat()}: {c.status} — {c.url or 'no official link held'}"
    )


def _defused(text: str) -> str:
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def _title(question: str) -> str:
    one_line = " ".join(question.split())
    return one_line if len(one_line) <= 60 else one_line[:59].rstrip() + "…"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
