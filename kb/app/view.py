"""HTML fragments the app shows: the verdict badge, the citations panel, the source viewer.

Plain functions from our records to strings, so they are tested without a browser. Every piece of
text that comes from a document (official or the user's own) is escaped, and a URL is shown as a
link only when it is ``http(s)``; the page's Content-Security-Policy (:mod:`kb.app.security`)
forbids requests elsewhere in any case. The CSS and scripts they rely on are in
:mod:`kb.app.assets`. Citation cards carry ``data-doc``, ``data-loc`` and ``data-n``: a click on a
card asks the app for :func:`document_html` of that document with that section highlighted, and
a ``[n]`` in the chat scrolls to card ``n`` and highlights it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from kb.answering.excerpts import excerpt
from kb.answering.records import Answer, Citation, Lang
from kb.answering.wording import VERDICT_LABELS
from kb.app.assets import APP_CSS
from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.schema import STATUS_WORDS
from kb.language.stopwords import content_words
from kb.verdicts.timeline import Timeline

if TYPE_CHECKING:
    from kb.retrieval.hybrid import Hit as SearchHit

__all__ = [
    "APP_CSS",
    "badge_html",
    "citations_html",
    "defused_markdown",
    "document_html",
    "is_own",
    "pseudo_sections",
    "safe_url",
    "search_hits_html",
    "supporting_html",
    "verdict_style",
    "viewer_message",
]

#: Badge colours per verdict: strong for the verdicts that stop an export, calm for the others.
_BADGE = {
    "licence_required": ("#b45309", "#fff7ed", "⚠"),
    "prohibited": ("#b91c1c", "#fef2f2", "✖"),
    "suspended": ("#1d4ed8", "#eff6ff", "❚❚"),
    "not_listed": ("#047857", "#ecfdf5", "○"),
    "uncertain": ("#7c3aed", "#f5f3ff", "?"),
    "no_answer": ("#4b5563", "#f3f4f6", "∅"),
    "information": ("#374151", "#f9fafb", "ℹ"),
}


def badge_html(
    verdict: str | None, as_of: str | None = None, destination: str | None = None, parties: str = ""
) -> str:
    """The verdict as a coloured badge (English and Chinese labels), with the date and destination
    under it when given (the bare badge otherwise), and ``parties``, the HTML of the parties the
    answer screened (:func:`kb.app.party_view.party_lines_html`), below them."""
    key = verdict or "information"
    if key == "information":
        en, zh = "no item verdict (informational)", "信息性问题"
    else:
        labels = VERDICT_LABELS[key]
        en, zh = labels["en"], labels["zh"]
    colour, background, icon = _BADGE[key]
    badge = (
        f'<span class="kb-badge" data-verdict="{html.escape(key)}" style="color:{colour};'
        f'background:{background}">{icon} {html.escape(en.upper())} <small>{html.escape(zh)}</small></span>'
    )
    if not as_of and not destination and not parties:
        return badge
    where = []
    if as_of:
        where.append(f"as of {html.escape(as_of)}")
    if destination:
        where.append(f"destination {html.escape(destination)}")
    line = f'<div class="kb-verdict-line">{" · ".join(where)}</div>' if where else ""
    return f'<div class="kb-verdict">{badge}{line}{parties}</div>'


def defused_markdown(text: str) -> str:
    """Markdown to show in the page with any HTML in it written as text (``<`` as ``&lt;``);
    ``<http(s)://...>`` links are kept."""
    return re.sub(r"<(?!https?://)(?=[A-Za-z/!?])", "&lt;", text)


def verdict_style(verdict: str | None) -> str:
    """CSS for a table cell holding ``verdict``: the badge's colours."""
    colour, background, _ = _BADGE.get(verdict or "information", _BADGE["information"])
    return f"color:{colour};background-color:{background};font-weight:700"


def _dates(c: Citation, lang: Lang) -> str:
    return c.dates(lang) or "dates not known"


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an ``http``/``https`` address with a host; ``None`` for anything else
    (``javascript:``, ``data:``, relative paths), which is then shown as text, never as a link."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def _link(url: str | None, label: str, css: str = "kb-link") -> str:
    """A link that opens in a new tab without telling the other site where it came from."""
    checked = safe_url(url)
    if checked is None:
        return f'<span class="kb-note">{html.escape(url)} (not a web address)</span>' if url else ""
    return (
        f'<a href="{html.escape(checked)}" target="_blank" rel="noopener noreferrer" class="{css}">'
        f"{html.escape(label)}</a>"
    )


def is_own(document_id: str, corpus: Corpus | None) -> bool:
    """Whether a cited document is the user's own (not an official source of the corpus)."""
    if corpus is None:
        return False
    doc = corpus.get(document_id)
    return doc is None or doc.meta.kind == "user"


def _link_label(c: Citation, corpus: Corpus | None) -> str:
    """Say so when the link held is not the issuer's own page."""
    return "issuer's page ↗" if c.link == "official" else "secondary copy ↗ (not the issuer's page)"


OWN_LABEL = "your own document · evidence only, never changes a verdict"


def citations_html(
    answer: Answer,
    corpus: Corpus | None = None,
    turn: int | None = None,
    active: int | None = None,
) -> str:
    """One card per citation: number, titles, locator, dates, status on the date, link and text.

    With the ``corpus``, a link to a secondary copy is labelled as such rather than as official, and
    a document that is not an official source is labelled as the user's own. ``turn`` is the
    answer's place in the conversation (the chat's ``[n]`` links name it); card ``active`` is
    highlighted and scrolled to.
    """
    e = html.escape
    turn_attr = f' data-turn="{turn}"' if turn is not None else ""
    if not answer.citations:
        return (
            f'<div class="kb-cites kb-cites-empty"{turn_attr}><p class="kb-note">No sources: the knowledge '
            "base holds nothing on this question.</p></div>"
        )
    cards = []
    for c in answer.citations:
        own = is_own(c.document_id, corpus)
        title_zh = f" / {e(c.title_zh)}" if c.title_zh else ""
        number = e(c.number or c.document_id)
        if c.url:
            link = _link(c.url, _link_label(c, corpus))
        else:
            link = '<span class="kb-note">no official link held</span>' if not own else ""
        css = "kb-cite" + (" kb-cite-own" if own else "") + (" kb-cite-active" if c.n == active else "")
        label = f'<div class="kb-own-label">{e(OWN_LABEL)}</div>' if own else ""
        cards.append(
            f'<div class="{css}" id="kb-cite-{c.n}" data-n="{c.n}" data-doc="{e(c.document_id)}" '
            f'data-loc="{e(c.locator)}" tabindex="0" role="button" '
            f'aria-label="Source {c.n}: open {e(c.number or c.title)} at {e(c.locator)}">'
            f'<div class="kb-cite-head"><span class="kb-cite-n">[{c.n}]</span>'
            f'<span class="kb-cite-title">{e(c.title)}{title_zh}</span></div>{label}'
            f'<div class="kb-cite-meta">{number} · <b>{e(c.locator)}</b> · {e(_dates(c, answer.lang))} · '
            f"status on {answer.as_of.isoformat()}: <b>{e(c.status)}</b></div>"
            f'<div class="kb-cite-text">{supporting_html(c.text, answer.question)}</div>'
            f'<div class="kb-cite-actions"><button class="kb-open" type="button" '
            f'data-doc="{e(c.document_id)}" data-loc="{e(c.locator)}">'
            f"Open document at {e(c.locator)}</button>{link}</div>"
            "</div>"
        )
    heading = (
        f'<div class="kb-cites-head">Sources of answer {turn + 1}: {e(_short(answer.question))}</div>'
        if turn is not None
        else ""
    )
    active_attr = f' data-active="{active}"' if active is not None else ""
    return f'<div class="kb-cites"{turn_attr}{active_attr}>{heading}{"".join(cards)}</div>'


def search_hits_html(hits: Sequence[SearchHit], corpus: Corpus, query: str) -> str:
    """Search results over every indexed document, each labelled official or the user's own, with
    the passage that matched and a button that opens the document at it."""
    e = html.escape
    if not hits:
        return f'<p class="kb-note">Nothing indexed matches {e(query)!s}.</p>'
    cards = []
    for hit in hits:
        own = is_own(hit.document_id, corpus)
        meta = hit.chunk.metadata
        kind = (
            '<span class="kb-kind kb-kind-own">your own</span>'
            if own
            else ('<span class="kb-kind kb-kind-official">official</span>')
        )
        name = str(meta.get("number") or meta.get("title") or hit.document_id)
        title = str(meta.get("title") or "")
        cards.append(
            f'<div class="kb-hit-card" data-doc="{e(hit.document_id)}" data-loc="{e(hit.locator)}">'
            f"<div>{kind}<b>{e(name)}</b> · {e(hit.locator)}"
            + (f' <span class="kb-note">{e(title)}</span>' if title and title != name else "")
            + f'</div><div class="kb-cite-text">{e(excerpt(hit.text, query, 320))}</div>'
            f'<button class="kb-open" type="button" data-doc="{e(hit.document_id)}" '
            f'data-loc="{e(hit.locator)}">Open at {e(hit.locator)}</button></div>'
        )
    return f'<div class="kb-hits">{"".join(cards)}</div>'


def _short(text: str, limit: int = 90) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _words(text: str) -> set[str]:
    return content_words(text, min_length=3)


def supporting_html(text: str, question: str) -> str:
    """The supporting text of a citation: the sentences that bear on the question, or, for an items
    table, its header and the rows that share words with the question."""
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    if len(lines) < 3 or not all(line.startswith("|") for line in lines):
        return html.escape(excerpt(text, question, 420))
    wanted = _words(question)
    ranked = sorted(lines[2:], key=lambda line: -len(wanted & _words(line)))
    rows = [line for line in ranked if wanted & _words(line)]
    shown = rows[:4] or lines[2:4]

    def cells(line: str, tag: str) -> str:
        return "".join(f"<{tag}>{html.escape(c.strip())}</{tag}>" for c in line.strip("|").split("|"))

    more = len(lines) - 2 - len(shown)
    tail = f'<div class="kb-note">… {more} more rows in the document</div>' if more > 0 else ""
    body = "".join(f"<tr>{cells(line, 'td')}</tr>" for line in shown)
    return f'<table class="kb-rows"><tr>{cells(lines[0], "th")}</tr>{body}</table>{tail}'


def pseudo_sections(doc: SourceDocument) -> list[tuple[str, str]]:
    """(locator, text) of every part of a document a citation can point at, in reading order.

    Besides the ``##`` provisions these are the parts the index makes chunks of: the summaries,
    the items and the status history (a document's internal notes are never shown).
    """
    parts: list[tuple[str, str]] = []
    if doc.summary:
        parts.append(("Summary", doc.summary))
    if doc.meta.summary_zh:
        parts.append(("摘要", doc.meta.summary_zh))
    parts.extend((s.locator, s.text) for s in doc.sections)
    if doc.meta.status_history:
        lines = []
        for entry in doc.meta.status_history:
            when = entry.date.isoformat() if entry.date else "date unknown"
            words = STATUS_WORDS[entry.status]
            lines.append(f"{when} {words}" + (f": {entry.note}" if entry.note else ""))
        parts.append(("Status history", "\n".join(lines)))
    return parts


def _matches(locator: str, wanted: str) -> bool:
    # A long section may be indexed in pieces ("Art. 2 (2/3)"); the piece belongs to its section.
    return wanted == locator or wanted.startswith(f"{locator} (")


def document_html(
    doc: SourceDocument,
    locator: str | None,
    timeline: Timeline | None,
    as_of: dt.date,
    own: bool = False,
) -> str:
    """The source viewer: a panel at the side of the page with the document's title and dates at
    its top, the whole document below, the cited part highlighted (``kb-hit``) and scrolled to; a
    close button (and Escape) dismisses it. ``own`` marks the user's own document (no status is shown:
    it has no force and changes no verdict)."""
    e = html.escape
    meta = doc.meta
    title = meta.number or meta.title
    if own or timeline is None:
        facts = f'<div class="kb-own-label">{e(OWN_LABEL)}</div>'
    else:
        state = timeline.state(doc.id, as_of).state.replace("_", " ")
        facts = (
            f'<div class="kb-note">{e(meta.number_zh or "")} · issued {meta.issued or "?"} · effective '
            f"{meta.effective or '?'} · status on {as_of.isoformat()}: {e(state)} · "
            f"confidence {e(meta.confidence)}</div>"
        )
    links = [u for u in (meta.urls.official_zh, meta.urls.official_en) if u] or meta.urls.secondary[:1]
    head = [
        f'<h3 id="kb-viewer-title">{e(title)}</h3>',
        f"<div><b>{e(meta.title)}</b>" + (f" / {e(meta.title_zh)}" if meta.title_zh else "") + "</div>",
        facts,
        '<div class="kb-viewer-links">' + " ".join(_link(u, u) for u in links) + "</div>",
    ]
    if locator:
        head.append(f'<div class="kb-note">Cited part: <b>{e(locator)}</b></div>')
    item_refs = {item.ref for item in meta.items}
    whole_items = locator is not None and (locator == "Items" or locator.startswith("Items ("))
    found = whole_items or locator in item_refs
    body: list[str] = []
    for part_locator, text in pseudo_sections(doc):
        hit = locator is not None and _matches(part_locator, locator)
        found = found or hit
        if part_locator not in ("Summary", "摘要") and meta.items and not any("<table" in b for b in body):
            body.append(_items_table(doc, locator, whole_items))
        css = ' class="kb-hit" id="kb-hit"' if hit else ""
        content = _paragraphs(text)
        body.append(f'<section{css}><h4>{e(part_locator)}</h4><div class="kb-body">{content}</div></section>')
    if locator and not found:
        body.insert(
            0, f'<p class="kb-note">The cited part “{e(locator)}” is not a separate section here.</p>'
        )
    return (
        '<div class="kb-viewer-frame">'
        f'<div class="kb-viewer kb-doc" role="dialog" aria-modal="false" aria-labelledby="kb-viewer-title" '
        f'data-doc="{e(doc.id)}" tabindex="-1">'
        '<div class="kb-viewer-head"><div class="kb-viewer-heading">' + "".join(head) + "</div>"
        '<button class="kb-viewer-close" type="button" aria-label="Close the document">✕ Close</button></div>'
        f'<div class="kb-viewer-body">{"".join(body)}</div></div></div>'
    )


def viewer_message(text: str) -> str:
    """The viewer showing a short message (a document that cannot be opened) with its close button."""
    return (
        '<div class="kb-viewer-frame"><div class="kb-viewer kb-doc" role="dialog" aria-modal="false" '
        'tabindex="-1"><div class="kb-viewer-head"><div class="kb-viewer-heading">'
        f'<p class="kb-note">{html.escape(text)}</p></div><button class="kb-viewer-close" type="button" '
        'aria-label="Close">✕ Close</button></div></div></div>'
    )


_LIST_LINE = re.compile(r"^\s*(?:[-*] |\(\d+\) |\d{4}-\d{2}-\d{2} |date unknown )")


def _paragraphs(text: str) -> str:
    """Escaped paragraphs: source line wraps joined, list and status lines kept on their own lines,
    a Markdown table (a party announcement's list of parties) as a table."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if len(lines) >= 2 and all(line.startswith("|") for line in lines):
            out.append(_table(lines))
        elif any(_LIST_LINE.match(line) for line in lines):
            out.append("<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>")
        else:
            out.append(f"<p>{html.escape(' '.join(lines))}</p>")
    return "".join(out)


def _table(lines: list[str]) -> str:
    """A Markdown table's lines as an escaped HTML table (its ``|---|`` line left out)."""

    def cells(line: str, tag: str) -> str:
        return "".join(f"<{tag}>{html.escape(c.strip())}</{tag}>" for c in line.strip().strip("|").split("|"))

    rows = [line for line in lines[1:] if not re.fullmatch(r"[|\s:-]+", line)]
    body = "".join(f"<tr>{cells(line, 'td')}</tr>" for line in rows)
    return f"<table><tr>{cells(lines[0], 'th')}</tr>{body}</table>"


def _items_table(doc: SourceDocument, locator: str | None, whole: bool) -> str:
    e = html.escape
    rows = []
    for item in doc.meta.items:
        css = ' class="kb-hit" id="kb-hit"' if locator == item.ref else ""
        rows.append(
            f"<tr{css}><td>{e(item.ref)}</td><td>{e(item.name)}</td><td>{e(item.name_zh)}</td>"
            f"<td>{e(item.control_code or '-')}</td><td>{e(', '.join(item.hs_codes) or '-')}</td></tr>"
        )
    css = ' class="kb-hit" id="kb-hit"' if whole else ""
    return (
        f"<section{css}><h4>Items</h4><table><tr><th>Ref</th><th>Item</th><th>名称</th><th>Control code</th>"
        f"<th>HS codes</th></tr>{''.join(rows)}</table></section>"
    )
