"""Parties as the app shows them: the screening tab's hit cards, and the party line of the chat's
verdict card.

A listed match shows its status on the date as a coloured badge (listed, measures suspended,
stopped, removed, unknown, not yet listed); a possible match is badged "possible match — check" and
never as listed; a name no list holds is "not found on the lists held", never cleared. The words
come from :mod:`kb.verdicts.party_wording`, as in the CLI and the answers. Every text is escaped.

The verdict card reads an answer's parties (``Answer.parties``, the shape ``kb screen --json``
gives) through :class:`PartyCard`, which keeps only what the card shows and accepts only well-typed
values, since the browser keeps the conversations and gives them back.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from kb.answering.records import Answer, Lang
from kb.app.view import badge_html, safe_url
from kb.corpus.schema import PartyList
from kb.verdicts.parties import PartyStatus, ScreenHit, StateName
from kb.verdicts.party_wording import (
    LIST_NAMES,
    OUTCOME_LABELS,
    announcement_name,
    hit_label,
    measures_text,
    not_found_sentence,
    not_yet_sentence,
    party_label,
    status_text,
    unconfirmed_sentence,
    why_text,
)

__all__ = [
    "MAX_CARD_PARTIES",
    "PartyCard",
    "hit_card_html",
    "outcome_style",
    "party_cards",
    "party_lines_html",
    "screening_html",
    "state_badge_html",
    "verdict_card_html",
]

#: How many parties of one answer the verdict card shows (and the browser keeps).
MAX_CARD_PARTIES = 8

#: (colour, background, icon, English label, Chinese label) of a listing's state on the date.
_STATE_BADGE: dict[str, tuple[str, str, str, str, str]] = {
    "listed": ("#b91c1c", "#fef2f2", "✖", "listed", "已列入"),
    "suspended": ("#1d4ed8", "#eff6ff", "❚❚", "measures suspended", "措施暂停"),
    "stopped": ("#4b5563", "#f3f4f6", "■", "measures stopped", "措施停止"),
    "removed": ("#4b5563", "#f3f4f6", "−", "removed", "已移出"),
    "unknown": ("#7c3aed", "#f5f3ff", "?", "status unknown", "状态不明"),
    "not_yet_listed": ("#4b5563", "#f3f4f6", "…", "not yet listed", "尚未列入"),
    "possible": ("#b45309", "#fff7ed", "?", "possible match — check", "可能匹配——请核实"),
    "none": ("#047857", "#ecfdf5", "○", "not found on the lists held", "未在所掌握的名单中找到"),
}
_STATES: tuple[str, ...] = get_args(StateName)
_LISTS: tuple[str, ...] = get_args(PartyList)


def state_badge_html(key: str, lang: Lang = "en") -> str:
    """A small coloured badge: a listing's state on the date, ``possible`` or ``none``."""
    colour, background, icon, en, zh = _STATE_BADGE.get(key, _STATE_BADGE["unknown"])
    label = zh if lang == "zh" else en.upper()
    return (
        f'<span class="kb-party-badge" data-state="{html.escape(key)}" '
        f'style="color:{colour};background:{background}">{icon} {html.escape(label)}</span>'
    )


#: The badge of each outcome of a screened row (``kb.verdicts.screening`` outcomes and ``error``).
_OUTCOME_BADGE = {"listed": "listed", "possible_match": "possible", "no_match": "none", "error": "stopped"}


def outcome_style(outcome: str) -> str:
    """CSS for a table cell holding a screened row's outcome: its badge's colours."""
    colour, background, *_ = _STATE_BADGE[_OUTCOME_BADGE.get(outcome, "stopped")]
    return f"color:{colour};background-color:{background};font-weight:700"


def _badge_key(hit: ScreenHit) -> str:
    if not hit.status.in_effect:
        return "not_yet_listed"
    return hit.status.state if hit.certain else "possible"


def _announcement_link(hit: ScreenHit) -> str:
    url = safe_url(hit.announcement.url)
    if url is None:
        return '<span class="kb-note">no official link held</span>'
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer" class="kb-link">'
        "announcement ↗</a>"
    )


def hit_card_html(hit: ScreenHit, lang: Lang = "en") -> str:
    """One screening hit: who is listed, on which list, by which announcement, its measures, the
    dates, the status on the date (a badge), the score and why it matched; a button opens the
    announcement in the source viewer."""
    e = html.escape
    ann, status = hit.announcement, hit.status
    match = "listed" if hit.certain else "possible"
    issued = ann.issued.isoformat() if ann.issued else "date not stated"
    effective = ann.effective.isoformat() if ann.effective else "date not stated"
    rows = [
        ("List", LIST_NAMES[hit.list][lang]),
        ("Announcement", f"{announcement_name(ann, lang)} — {ann.title}"),
        ("Dates", f"issued {issued}, effective {effective}"),
        (f"Status on {status.as_of.isoformat()}", status_text(status, lang)),
        ("Measures", measures_text(hit, lang)),
        ("Why it matched", f"{why_text(hit.why, lang)} (score {hit.score})"),
    ]
    if status.note:
        rows.insert(4, ("Status note", status.note))
    if hit.party.note:
        rows.append(("Note", hit.party.note))
    body = "".join(f"<tr><th>{e(label)}</th><td>{e(text)}</td></tr>" for label, text in rows)
    unconfirmed = e(unconfirmed_sentence(hit, lang))
    warning = f'<div class="kb-party-warning">⚠ {unconfirmed}</div>' if hit.unconfirmed else ""
    possible = (
        '<div class="kb-party-warning">A possible match is not a finding: check whether this is the '
        "same party before relying on it.</div>"
        if not hit.certain and status.in_effect
        else ""
    )
    return (
        f'<div class="kb-party-card" data-match="{match}" data-state="{e(status.state)}" '
        f'data-doc="{e(hit.document_id)}">'
        f'<div class="kb-party-head">{state_badge_html(_badge_key(hit), lang)}'
        f'<span class="kb-party-name">{e(party_label(hit, lang))}</span>'
        f'<span class="kb-note">{e(hit_label(hit, lang))} · score {hit.score}</span></div>'
        f'{possible}<table class="kb-party-facts">{body}</table>{warning}'
        f'<div class="kb-cite-actions"><button class="kb-open" type="button" data-doc="{e(hit.document_id)}" '
        f'data-loc="Parties">Open the announcement</button>{_announcement_link(hit)}</div></div>'
    )


def screening_html(name: str, hits: Sequence[ScreenHit], as_of: dt.date, announcements: int) -> str:
    """The result of screening one name: the outcome in a line, what was not found or not yet
    listed, then one card per hit (listed matches first, then possible ones)."""
    from kb.verdicts.parties import outcome_of

    e = html.escape
    outcome = outcome_of(list(hits))
    badge = _OUTCOME_BADGE[outcome]
    begun = [h for h in hits if h.status.in_effect]
    notes = [] if begun else [not_found_sentence(name, as_of, "en", announcements)]
    notes.extend(not_yet_sentence(h, "en") for h in hits if h.certain and not h.status.in_effect)
    head = (
        f'<div class="kb-screen-outcome" data-outcome="{outcome}">{state_badge_html(badge)} '
        f"<b>{e(name)}</b> as of {as_of.isoformat()}: {e(OUTCOME_LABELS[outcome]['en'])}</div>"
    )
    lines = "".join(f'<p class="kb-note">{e(note)}</p>' for note in notes)
    cards = "".join(hit_card_html(hit) for hit in hits)
    return f'<div class="kb-screening">{head}{lines}{cards}</div>'


# -- the verdict card ------------------------------------------------------------------------------


def _text(value: object, limit: int = 300) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class PartyCard:
    """What the verdict card shows of one party an answer screened.

    ``match``: ``listed`` (the listed party's own name), ``possible`` (to be checked) or ``none``
    (no list held holds the name). For ``none`` only ``query`` is set.
    """

    match: Literal["listed", "possible", "none"]
    query: str
    name: str = ""
    name_zh: str | None = None
    country: str | None = None
    list: PartyList | None = None
    number: str | None = None
    number_zh: str | None = None
    document_id: str | None = None
    score: int = 0
    state: StateName | None = None
    as_of: dt.date | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def from_dict(cls, raw: object) -> PartyCard | None:
        """A card from an answer's party record (or the browser's copy of one); ``None`` when
        it is not one."""
        if not isinstance(raw, Mapping):
            return None
        if raw.get("match") == "none":
            query = _text(raw.get("name"))
            return cls("none", query) if query else None
        party, status, why = raw.get("party"), raw.get("status"), raw.get("why")
        if not (isinstance(party, Mapping) and isinstance(status, Mapping)):
            return None
        name, state, listed = _text(party.get("name")), status.get("state"), raw.get("list")
        if name is None or state not in _STATES or listed not in _LISTS:
            return None
        score = raw.get("score")
        query = _text(why.get("query")) if isinstance(why, Mapping) else None
        return cls(
            match="listed" if raw.get("match") == "listed" else "possible",
            query=query or name,
            name=name,
            name_zh=_text(party.get("name_zh")),
            country=_text(party.get("country"), 8),
            list=cast(PartyList, listed),
            number=_text(raw.get("number")),
            number_zh=_text(raw.get("number_zh")),
            document_id=_text(raw.get("document_id"), 200),
            score=score if isinstance(score, int) and 0 <= score <= 100 else 0,
            state=cast(StateName, state),
            as_of=_day(status.get("as_of")),
            since=_day(status.get("since")),
            until=_day(status.get("until")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The card in the shape :meth:`from_dict` reads (what the browser keeps of a party)."""
        if self.match == "none":
            return {"name": self.query, "match": "none"}
        return {
            "party": {"name": self.name, "name_zh": self.name_zh, "country": self.country},
            "match": self.match,
            "score": self.score,
            "why": {"query": self.query},
            "list": self.list,
            "number": self.number,
            "number_zh": self.number_zh,
            "document_id": self.document_id,
            "status": {
                "state": self.state,
                "as_of": _iso(self.as_of),
                "since": _iso(self.since),
                "until": _iso(self.until),
            },
        }

    def label(self, lang: Lang) -> str:
        """``MP Materials Corp. (芒廷帕斯材料公司, US)``; in Chinese the Chinese name leads."""
        if lang == "zh" and self.name_zh:
            extra = "，".join(x for x in (self.name, self.country or "") if x)
            return f"{self.name_zh}（{extra}）"
        inside = ", ".join(x for x in (self.name_zh or "", self.country or "") if x)
        return f"{self.name} ({inside})" if inside else self.name

    def status_line(self, lang: Lang) -> str:
        """The listing's status on the date, as the screening words it."""
        assert self.state is not None
        day = self.as_of or self.since or dt.date.today()
        return status_text(PartyStatus(self.state, day, self.since, self.until), lang)


def party_cards(parties: Sequence[object]) -> tuple[PartyCard, ...]:
    """The cards of an answer's parties (records that are not parties are left out)."""
    cards = (PartyCard.from_dict(raw) for raw in parties)
    return tuple(card for card in cards if card is not None)[:MAX_CARD_PARTIES]


def party_lines_html(parties: Sequence[object], lang: Lang, as_of: dt.date) -> str:
    """The parties of the verdict card: each with its list, announcement and status on the date
    (a badge); a possible match badged as such; a name on no list "not found", never cleared."""
    cards = party_cards(parties)
    if not cards:
        return ""
    e = html.escape
    zh = lang == "zh"
    lines = []
    for card in cards:
        if card.match == "none":
            text = (
                f"“{card.query}”：截至{as_of.isoformat()}（这并不等于可以放行）"
                if zh
                else f"‘{card.query}’ as of {as_of.isoformat()} (this is not a clearance)"
            )
            lines.append(
                f'<div class="kb-party" data-match="none">{state_badge_html("none", lang)} '
                f'<span class="kb-party-what">{e(text)}</span></div>'
            )
            continue
        assert card.list is not None and card.state is not None
        number = (card.number_zh if zh else None) or card.number or card.document_id or ""
        where = f"{LIST_NAMES[card.list][lang]} · {number}"
        key = card.state if card.match == "listed" else "possible"
        if key == "listed" and card.as_of and card.since and card.as_of < card.since:
            key = "not_yet_listed"
        if card.match == "possible":
            asked = f"“{card.query}”可能是" if zh else f"‘{card.query}’ may be "
            who = f"{asked}{card.label(lang)}（得分{card.score}）" if zh else f"{asked}{card.label(lang)}"
            who += "" if zh else f" (score {card.score})"
        else:
            who = card.label(lang)
        lines.append(
            f'<div class="kb-party" data-match="{card.match}" data-state="{e(card.state)}"'
            f' data-doc="{e(card.document_id or "")}">'
            f"{state_badge_html(key, lang)} "
            f'<span class="kb-party-what"><b>{e(who)}</b> · {e(where)} · '
            f"{e(card.status_line(lang))}</span></div>"
        )
    heading = "所涉当事方" if zh else "Parties named"
    return f'<div class="kb-parties"><div class="kb-parties-head">{heading}</div>{"".join(lines)}</div>'


def verdict_card_html(answer: Answer) -> str:
    """The card at the top of an answer: its verdict badge, date and destination, and the parties
    it screened."""
    parties = party_lines_html(answer.parties, answer.lang, answer.as_of)
    return badge_html(answer.verdict, answer.as_of.isoformat(), answer.destination, parties)
