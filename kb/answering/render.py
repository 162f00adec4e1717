"""The text of an answer: verdict line and headline, key facts, caveats, numbered sources."""

from __future__ import annotations

import datetime as dt
import re

from kb.answering.excerpts import excerpt, without_repeats
from kb.answering.records import Citation, Lang
from kb.answering.wording import HEADINGS, first_line
from kb.verdicts.timeline import VerdictValue

__all__ = ["render_answer"]


def render_answer(
    question: str,
    as_of: dt.date,
    lang: Lang,
    value: VerdictValue | None,
    headline: str,
    facts: list[str],
    caveats: list[str],
    citations: list[Citation],
) -> str:
    """The answer as text. Facts that quote a provision are not quoted again under its source; the
    sources list quotes the others' supporting text."""
    key, cav, src = HEADINGS[lang]
    first = first_line(value, as_of, lang)
    if headline:
        first_cite = re.search(r"\[(\d+)\]", facts[0]) if facts else None
        cited = re.search(r"\[\d+\]\s*$", headline)
        first = f"{first} {headline}" + (f" [{first_cite.group(1)}]" if first_cite and not cited else "")
    lines = [first, "", key]
    facts = without_repeats(facts)
    quoted = {
        int(n) for fact in facts if ": " in fact or "：" in fact for n in re.findall(r"\[(\d+)\]$", fact)
    }
    lines.extend(f"- {fact}" for fact in facts)
    lines += ["", cav]
    lines.extend(f"- {c}" for c in caveats)
    lines += ["", src]
    for c in citations:
        name = c.number or c.title
        title_zh = f" / {c.title_zh}" if c.title_zh else ""
        dates = c.dates(lang)
        status = f"{'状态' if lang == 'zh' else 'status on'} {as_of.isoformat()}: {c.status}"
        url = c.url or ("无官方链接" if lang == "zh" else "no official link held")
        lines.append(f"[{c.n}] {name}, {c.locator} — {c.title}{title_zh} — {dates or '-'} — {status} — {url}")
        if c.n not in quoted:
            lines.append(f"    “{excerpt(c.text, question, 300)}”")
    return "\n".join(lines).strip()
