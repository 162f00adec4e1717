"""The chat transcript as HTML: each question, and its answer led by the verdict badge.

An answer shows its first line (verdict and headline), its key facts and caveats; its sources are
in the panel beside the chat only, and each ``[n]`` is a link to source card ``n``. The answer's
text is read by its headings (``Key facts:``, ``Caveats:``, ``Sources:`` and their Chinese forms;
a heading the app does not know is shown as it is), so new sections of an answer appear without
a change here. Every text is escaped: what a document says is shown as text, never as markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from kb.answering.records import Answer
from kb.answering.wording import HEADINGS
from kb.app.conversations import Conversation, Turn
from kb.app.party_view import verdict_card_html

__all__ = ["EMPTY_TRANSCRIPT", "answer_blocks", "answer_html", "linked", "transcript_html"]

EMPTY_TRANSCRIPT = (
    "Ask about an item, an HS code, a destination or a procedure. Each answer leads with its verdict "
    "as of the date above; its sources appear beside the chat."
)
_KEY_FACTS = {HEADINGS[lang][0] for lang in HEADINGS}
_CAVEATS = {HEADINGS[lang][1] for lang in HEADINGS}
_SOURCES = {HEADINGS[lang][2] for lang in HEADINGS}
_HEADING = re.compile(r"^[^\[\]\n]{1,40}[:：]$")
_REF = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Block:
    """A part of an answer's text: its heading (``None`` for the opening) and its lines, each a
    list item or a paragraph."""

    heading: str | None
    lines: list[tuple[str, str]] = field(default_factory=list)


def answer_blocks(text: str) -> list[Block]:
    """The answer's text up to its sources, by heading."""
    blocks = [Block(None)]
    for raw in text.split("\n"):
        line = raw.strip()
        if line in _SOURCES:
            break
        if not line:
            continue
        if line in _KEY_FACTS or line in _CAVEATS or (_HEADING.match(line) and not line.startswith("- ")):
            blocks.append(Block(line))
        elif line.startswith(("- ", "• ")):
            blocks[-1].lines.append(("li", line[2:].strip()))
        else:
            blocks[-1].lines.append(("p", line))
    return [b for b in blocks if b.lines]


def linked(text: str, turn: int, numbers: set[int]) -> str:
    """``text`` escaped, each ``[n]`` of a known citation a link to its card."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in numbers:
            return match.group(0)
        return (
            f'<a class="kb-ref" href="#kb-cite-{n}" data-turn="{turn}" data-n="{n}" '
            f'title="Show source {n}">[{n}]</a>'
        )

    return _REF.sub(link, html.escape(text))


def answer_html(answer: Answer, turn: int) -> str:
    """One answer: its verdict card (badge, date, destination, parties screened), first line, key
    facts, caveats, actions."""
    numbers = {c.n for c in answer.citations}
    parts = [verdict_card_html(answer)]
    for index, block in enumerate(answer_blocks(answer.text)):
        body = []
        items = [text for kind, text in block.lines if kind == "li"]
        paragraphs = [text for kind, text in block.lines if kind == "p"]
        for position, text in enumerate(paragraphs):
            css = ' class="kb-lead"' if index == 0 and position == 0 and block.heading is None else ""
            body.append(f"<p{css}>{linked(text, turn, numbers)}</p>")
        if items:
            body.append("<ul>" + "".join(f"<li>{linked(t, turn, numbers)}</li>" for t in items) + "</ul>")
        heading = f"<h4>{html.escape(block.heading.rstrip(':：'))}</h4>" if block.heading else ""
        css = "kb-caveats" if block.heading in _CAVEATS else "kb-block"
        parts.append(f'<div class="{css}">{heading}{"".join(body)}</div>')
    sources = len(answer.citations)
    actions = [
        f'<button class="kb-sources" type="button" data-turn="{turn}">Sources ({sources})</button>'
        if sources
        else "",
        f'<button class="kb-rate" type="button" data-rate="up" data-turn="{turn}">✓ Helpful</button>',
        f'<button class="kb-rate" type="button" data-rate="down" data-turn="{turn}">'
        "✗ Wrong or unclear</button>",
    ]
    parts.append(f'<div class="kb-actions">{"".join(actions)}</div>')
    return "".join(parts)


def _turn_html(turn: Turn, index: int, pending: bool) -> str:
    e = html.escape
    notices = "".join(f'<div class="kb-notice">⚑ {e(notice)}</div>' for notice in turn.notices)
    if turn.answer is not None:
        body = answer_html(turn.answer, index)
        css = "kb-a"
    elif pending:
        body, css = '<p class="kb-note">Looking it up…</p>', "kb-a kb-a-pending"
    else:
        body, css = f"<p>{e(turn.message or 'No answer.')}</p>", "kb-a kb-a-message"
    return (
        f'<div class="kb-turn" id="kb-turn-{index}" data-turn="{index}">'
        f'<div class="kb-q">{e(turn.question)}</div>'
        f'<div class="{css}" data-turn="{index}">{notices}{body}</div></div>'
    )


def transcript_html(conversation: Conversation, pending: bool = False) -> str:
    """The conversation's turns; the page keeps the newest turn's start in view (``data-focus``).
    ``pending`` marks the last turn as still being answered."""
    turns = conversation.turns
    attrs = (
        f'class="kb-transcript" data-conversation="{html.escape(conversation.id)}" '
        f'data-turns="{len(turns)}" data-focus="{max(len(turns) - 1, 0)}" data-pending="{int(pending)}"'
    )
    if not turns:
        return f'<div {attrs}><p class="kb-empty">{html.escape(EMPTY_TRANSCRIPT)}</p></div>'
    out = []
    if conversation.dropped:
        out.append(
            f'<p class="kb-note kb-dropped">{conversation.dropped} earlier question(s) of this conversation '
            "are no longer kept: a conversation keeps its latest questions only (KB_MAX_TURNS sets how "
            "many). Export it to keep everything.</p>"
        )
    last = len(turns) - 1
    out.extend(_turn_html(turn, i, pending and i == last) for i, turn in enumerate(turns))
    return f"<div {attrs}>{''.join(out)}</div>"
