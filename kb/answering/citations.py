"""Numbering the sources of an answer, and the corpus text each verdict reason rests on."""

from __future__ import annotations

import datetime as dt

from kb.answering.records import Citation, Lang
from kb.answering.wording import status_words
from kb.corpus.documents import Corpus, SourceDocument
from kb.verdicts.catalogue import CatalogueItem
from kb.verdicts.timeline import Reason, Timeline

__all__ = ["CitationList", "item_text", "reason_text", "status_on"]


class CitationList:
    """Numbers citations in order of first use; the same (document, locator) keeps its number."""

    def __init__(self, corpus: Corpus, timeline: Timeline, as_of: dt.date, lang: Lang) -> None:
        self.corpus, self.timeline, self.as_of, self.lang = corpus, timeline, as_of, lang
        self.items: list[Citation] = []

    def cite(self, document_id: str, locator: str, text: str) -> int:
        """The number of the citation of ``locator`` in ``document_id``, added if new."""
        for citation in self.items:
            if (citation.document_id, citation.locator) == (document_id, locator):
                return citation.n
        doc = self.corpus.documents[document_id]
        meta, link = doc.meta, doc.link
        self.items.append(
            Citation(
                n=len(self.items) + 1,
                document_id=document_id,
                number=meta.number,
                number_zh=meta.number_zh,
                title=meta.title,
                title_zh=meta.title_zh,
                locator=locator,
                issued=meta.issued,
                effective=meta.effective,
                status=status_on(self.timeline, doc, self.as_of, self.lang),
                url=link.url if link else None,
                text=text.strip(),
                link=("official" if link.official else "secondary") if link else None,
                trust="user" if meta.kind == "user" else "official",
            )
        )
        return len(self.items)


def status_on(timeline: Timeline, doc: SourceDocument, day: dt.date, lang: Lang) -> str:
    """A document's force on ``day`` as a citation shows it ("in force", "suspended until ...")."""
    if doc.meta.kind in ("press", "guidance", "user") and not doc.meta.effective:
        return status_words("published", doc.meta.issued, lang)
    state = timeline.state(doc.id, day)
    when = state.effective if state.state == "not_yet_in_force" else state.until
    return status_words(state.state, when, lang)


def item_text(item: CatalogueItem, with_caveat: bool = False, lang: Lang = "en") -> str:
    """A catalogue entry as the text a citation quotes: names, codes, forms (and its caveat)."""
    if lang == "zh":
        parts = [f"{item.name_zh}（{item.name}）", f"管制编码 {item.control_code or '-'}"]
        parts.append(f"海关商品编号 {', '.join(item.hs_codes)}" if item.hs_codes else "未列海关商品编号")
        forms, caveat = item.forms_zh or item.forms, item.caveat_zh or item.caveat
        return "；".join([*parts, *(p for p in (forms, caveat if with_caveat else None) if p)])
    parts = [f"{item.name} ({item.name_zh})", f"control code {item.control_code or '-'}"]
    parts.append(f"HS {', '.join(item.hs_codes)}" if item.hs_codes else "no HS code given")
    parts += [p for p in (item.forms, item.caveat if with_caveat else None) if p]
    return "; ".join(parts)


def reason_text(reason: Reason, corpus: Corpus, with_caveat: bool = False, lang: Lang = "en") -> str:
    """The corpus text that a catalogue reason rests on (the item's entry, a provision, a summary),
    in ``lang`` where the corpus holds it."""
    if reason.kind == "listed" and reason.item is not None:
        return item_text(reason.item, with_caveat, lang)
    doc = corpus.documents[reason.document_id]
    section = doc.section(reason.locator)
    if section is not None:
        return section.in_language(lang)
    return doc.meta.summary_zh if lang == "zh" and doc.meta.summary_zh else doc.summary
