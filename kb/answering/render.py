"""The text of an answer: verdict line and headline, key facts, caveats, numbered sources."""

from __future__ import annotations

import datetime as dt
import re

from kb.answering.excerpts import excerpt, without_repeats
from kb.answering.records import Citation, Lang
from kb.answering.wording import HEADINGS, first_line, locator_text
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
        lines.append(source_line(c, as_of, lang))
        if c.n not in quoted:
            lines.append(f"    “{excerpt(c.text, question, 300)}”")
    return "\n".join(lines).strip()


def source_line(c: Citation, as_of: dt.date, lang: Lang) -> str:
    """One numbered source: document, provision, title, dates, status on the date, and its link
    said for what it is (the issuer's page, a secondary copy, or the user's own document)."""
    if lang == "zh":
        name = c.number_zh or c.number or c.title_zh or c.title
        title = c.title_zh or c.title
        where = f"{name}{locator_text(c.locator, lang)}"
        status = f"{as_of.isoformat()}状态：{c.status}"
        return f"[{c.n}] {where} — {title} — {c.dates(lang) or '-'} — {status} — {link_text(c, lang)}"
    title_zh = f" / {c.title_zh}" if c.title_zh else ""
    status = f"status on {as_of.isoformat()}: {c.status}"
    where = f"{c.number or c.title}, {c.locator}"
    return f"[{c.n}] {where} — {c.title}{title_zh} — {c.dates(lang) or '-'} — {status} — {link_text(c, lang)}"


def link_text(c: Citation, lang: Lang) -> str:
    """A citation's link with what it is: the issuer's page or a secondary copy (or none held)."""
    zh = lang == "zh"
    if c.trust == "user":
        return (
            "用户自有文件，仅作参考，不影响结论"
            if zh
            else "your own document: evidence only, never changes a verdict"
        )
    if not c.url:
        return "未收录链接" if zh else "no link held"
    if c.link == "official":
        return f"发布机关网页：{c.url}" if zh else f"issuer's page: {c.url}"
    return f"转载副本（非发布机关网页）：{c.url}" if zh else f"secondary copy, not the issuer's page: {c.url}"
