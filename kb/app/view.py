"""HTML and Markdown fragments the app shows: the verdict badge, the citations panel, a source document.

Plain functions from our records to strings, so they are tested without a browser; every piece of
corpus or user text is escaped. The CSS they rely on is :data:`APP_CSS` (``app.py`` passes it to
Gradio). Citation cards carry ``data-doc`` and ``data-loc`` attributes: a click on "Open document"
asks the app for :func:`document_html` of that document with that section highlighted.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from kb.answering.excerpts import excerpt
from kb.answering.records import Answer, Citation, Lang
from kb.answering.wording import VERDICT_LABELS
from kb.corpus.documents import Corpus, SourceDocument
from kb.language.stopwords import content_words
from kb.verdicts.timeline import Timeline

__all__ = [
    "APP_CSS",
    "answer_markdown",
    "badge_html",
    "citations_html",
    "document_html",
    "pseudo_sections",
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

APP_CSS = """
.kb-badge{display:inline-flex;align-items:center;gap:.45rem;padding:.35rem .8rem;border-radius:999px;
 font-weight:700;font-size:1rem;border:2px solid currentColor;letter-spacing:.02em}
.kb-badge small{font-weight:500;opacity:.85}
.kb-verdict-line{margin:.2rem 0 .4rem 0;color:var(--body-text-color-subdued);font-size:.9rem}
.kb-cites{display:flex;flex-direction:column;gap:.6rem}
.kb-cite{border:1px solid var(--border-color-primary);border-radius:8px;padding:.55rem .7rem;font-size:.88rem}
.kb-cite-head{display:flex;gap:.5rem;align-items:baseline}
.kb-cite-n{font-weight:700;background:var(--color-accent-soft);border-radius:4px;padding:0 .35rem}
.kb-cite-title{font-weight:600}
.kb-cite-meta{color:var(--body-text-color-subdued);font-size:.8rem;margin:.15rem 0}
.kb-cite-text{border-left:3px solid var(--border-color-primary);padding-left:.5rem;margin:.3rem 0}
.kb-cite-actions{display:flex;gap:.8rem;align-items:center}
.kb-cites button.kb-open{cursor:pointer;border:1px solid var(--border-color-primary);border-radius:6px;
 padding:.1rem .5rem;background:var(--button-secondary-background-fill);font-size:.8rem;font-weight:500}
.kb-doc{font-size:.9rem;max-height:36rem;overflow-y:auto;padding-right:.4rem}
.kb-doc section{padding:.3rem .5rem;border-radius:6px;margin:.3rem 0}
.kb-doc h4{margin:.2rem 0}
.kb-doc .kb-body p{margin:.2rem 0}
.kb-doc .kb-hit{background:#fef9c3;outline:2px solid #facc15}
.kb-doc table{font-size:.8rem;border-collapse:collapse}
.kb-doc td,.kb-doc th{border:1px solid #ddd;padding:.15rem .3rem}
.kb-rows{font-size:.75rem;border-collapse:collapse}
.kb-rows td,.kb-rows th{border:1px solid #ddd;padding:.1rem .25rem}
.kb-note{font-size:.85rem;color:var(--body-text-color-subdued)}
"""


def badge_html(verdict: str | None, as_of: str | None = None, destination: str | None = None) -> str:
    """The verdict as a coloured badge (English and Chinese labels), with the date and destination
    under it when given (the bare badge otherwise, as the chat shows it on each answer)."""
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
    if not as_of and not destination:
        return badge
    where = []
    if as_of:
        where.append(f"as of {html.escape(as_of)}")
    if destination:
        where.append(f"destination {html.escape(destination)}")
    line = f'<div class="kb-verdict-line">{" · ".join(where)}</div>' if where else ""
    return f'<div class="kb-verdict">{badge}{line}</div>'


def _dates(c: Citation, lang: Lang) -> str:
    return c.dates(lang) or "dates not known"


def _link_label(c: Citation, corpus: Corpus | None) -> str:
    """Say so when the only link held is not the issuer's own page."""
    doc = corpus.get(c.document_id) if corpus is not None else None
    if doc is None or c.url in (doc.meta.urls.official_zh, doc.meta.urls.official_en):
        return "official page ↗"
    return "reference copy ↗ (not MOFCOM's page)"


def citations_html(answer: Answer, corpus: Corpus | None = None) -> str:
    """One card per citation: number, titles, locator, dates, status on the date, link and text.

    With the ``corpus``, a link to a secondary copy is labelled as such rather than as official.
    """
    if not answer.citations:
        return '<p class="kb-note">No sources: the knowledge base holds nothing on this question.</p>'
    e = html.escape
    cards = []
    for c in answer.citations:
        title_zh = f" / {e(c.title_zh)}" if c.title_zh else ""
        number = e(c.number or c.document_id)
        link = (
            f'<a href="{e(c.url)}" target="_blank" rel="noopener noreferrer" class="kb-link">'
            f"{e(_link_label(c, corpus))}</a>"
            if c.url
            else '<span class="kb-note">no official link held</span>'
        )
        cards.append(
            f'<div class="kb-cite" data-doc="{e(c.document_id)}" data-loc="{e(c.locator)}">'
            f'<div class="kb-cite-head"><span class="kb-cite-n">[{c.n}]</span>'
            f'<span class="kb-cite-title">{e(c.title)}{title_zh}</span></div>'
            f'<div class="kb-cite-meta">{number} · <b>{e(c.locator)}</b> · {e(_dates(c, answer.lang))} · '
            f"status on {answer.as_of.isoformat()}: <b>{e(c.status)}</b></div>"
            f'<div class="kb-cite-text">{supporting_html(c.text, answer.question)}</div>'
            f'<div class="kb-cite-actions"><button class="kb-open" type="button" '
            f'data-doc="{e(c.document_id)}" data-loc="{e(c.locator)}">'
            f"Open document at {e(c.locator)}</button>{link}</div>"
            "</div>"
        )
    return f'<div class="kb-cites">{"".join(cards)}</div>'


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
            by = f" (by {entry.by})" if entry.by else ""
            lines.append(f"{when} {entry.status}{by}" + (f": {entry.note}" if entry.note else ""))
        parts.append(("Status history", "\n".join(lines)))
    return parts


def _matches(locator: str, wanted: str) -> bool:
    # A long section may be indexed in pieces ("Art. 2 (2/3)"); the piece belongs to its section.
    return wanted == locator or wanted.startswith(f"{locator} (")


def document_html(doc: SourceDocument, locator: str | None, timeline: Timeline, as_of: dt.date) -> str:
    """The whole document, the cited part highlighted (``kb-hit``) and scrolled to by the page."""
    e = html.escape
    meta = doc.meta
    state = timeline.state(doc.id, as_of).state.replace("_", " ")
    links = [u for u in (meta.urls.official_zh, meta.urls.official_en) if u] or meta.urls.secondary[:1]
    head = [
        f"<h3>{e(meta.number or meta.title)}</h3>",
        f"<div><b>{e(meta.title)}</b>" + (f" / {e(meta.title_zh)}" if meta.title_zh else "") + "</div>",
        f'<div class="kb-note">{e(meta.number_zh or "")} · issued {meta.issued or "?"} · effective '
        f"{meta.effective or '?'} · status on {as_of.isoformat()}: {e(state)} · "
        f"confidence {e(meta.confidence)}</div>",
        "<div>"
        + " ".join(f'<a href="{e(u)}" target="_blank" rel="noopener noreferrer">{e(u)}</a>' for u in links)
        + "</div>",
    ]
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
    return f'<div class="kb-doc" data-doc="{e(doc.id)}">{"".join(head)}{"".join(body)}</div>'


_LIST_LINE = re.compile(r"^\s*(?:[-*] |\(\d+\) |\d{4}-\d{2}-\d{2} |date unknown )")


def _paragraphs(text: str) -> str:
    """Escaped paragraphs: source line wraps joined, list and status lines kept on their own lines."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if any(_LIST_LINE.match(line) for line in lines):
            out.append("<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>")
        else:
            out.append(f"<p>{html.escape(' '.join(lines))}</p>")
    return "".join(out)


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


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: its text up to the sources, then a short list of them.

    The citations panel beside the chat shows each source in full; the list here keeps the
    numbers readable in the transcript.
    """
    lines = answer.text.split("\n")
    cut = next((i for i, line in enumerate(lines) if line.strip() in ("Sources:", "来源：")), len(lines))
    body = "\n".join(lines[:cut]).rstrip()
    if not answer.citations:
        return body
    heading = "来源：" if answer.lang == "zh" else "Sources:"
    sources = [f"[{c.n}] {c.number or c.title}, {c.locator}" for c in answer.citations]
    return f"{body}\n\n**{heading}**\n" + "\n".join(sources)
