"""Question analysis: what a question asks about, in which language, for which date and destination.

Only structure is read here (item names and codes through the catalogue, country names, dates,
military end users, the kind of question); nothing in a question can change a verdict's rules,
so "ignore your sources" is just more words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from kb.errors import QueryError
from kb.language.codes import hs_codes_in
from kb.language.countries import check_country, find_destination
from kb.language.dates import date_in_text
from kb.language.script import has_chinese
from kb.verdicts.catalogue import Catalogue, Match

__all__ = ["MAX_QUESTION_CHARS", "Analysis", "Intent", "analyse"]

Intent = Literal["verdict", "information"]

#: Longest question accepted; longer input is an error, not silently cut.
MAX_QUESTION_CHARS = 4000

_MILITARY = re.compile(
    r"\b(military|militar(y|ies)|defen[cs]e (contractor|compan|industr|user|end)|armed forces|army|weapons?)"
    r"|军工|军事|军方|国防|武器",
    re.IGNORECASE,
)
_VERDICT_ASK = re.compile(
    r"\b(need|needs|needed|require|requires|required)\b.{0,60}\blicen[cs]e"
    r"|\blicen[cs]e (required|needed)"
    r"|\b(controlled|subject to (export )?control|export[- ]controlled|a controlled item)"
    r"|\bon the (control )?list"
    r"|^\s*(can|may|could)\b.{0,120}\b((export|sell|ship|supply)|(send|go|be sent)\b)"
    r"|\b(allowed|permitted|banned|prohibited) to\b|\bis (it|there) a ban"
    r"|需要.{0,20}许可|须.{0,10}许可|是否.{0,20}管制|受.{0,10}管制|属于.{0,10}管制|管制物项"
    r"|(可以|能否|能不能|是否可以|可否).{0,30}(出口|销售|卖)",
    re.IGNORECASE,
)
_INFORMATION_START = re.compile(
    r"^\s*(how|what|which|when|who|why|where|list|describe|explain|summari[sz]e)\b"
    r"|多少|多久|多长|几年|几天|哪些|什么|怎么|如何|怎样|为什么|期限|流程|程序",
    re.IGNORECASE,
)
_TECHNOLOGY = re.compile(r"\btechnolog|\bknow-how|技术", re.IGNORECASE)
_EQUIPMENT = re.compile(r"\bequipment|\bmachine|\bpress(es)?\b|\bfurnace|\bkiln|设备|压机|炉", re.IGNORECASE)


@dataclass(frozen=True)
class Analysis:
    """What a question is about."""

    question: str
    lang: Literal["en", "zh"]
    intent: Intent
    as_of: dt.date
    date_from_text: bool
    destination: str | None
    military: bool
    items: tuple[Match, ...]
    families: tuple[str, ...]
    kinds: tuple[str, ...]
    #: HS codes (8 or 10 digits) written in the question, listed or not.
    hs_codes: tuple[str, ...] = ()
    #: Documents of the corpus the question names by number ("No. 46 of 2024").
    documents: tuple[str, ...] = ()

    @property
    def names_something(self) -> bool:
        """True when the question names an item, family, customs code or one of the corpus's
        documents: it is about export control."""
        return bool(self.items or self.families or self.hs_codes or self.documents)


def analyse(
    question: str,
    catalogue: Catalogue,
    as_of: dt.date | None = None,
    destination: str | None = None,
    lang: str | None = None,
    today: dt.date | None = None,
) -> Analysis:
    """Read a question. ``as_of``/``destination``/``lang`` given by the caller win over the text."""
    text = question.strip()
    if not text:
        raise QueryError("the question is empty: ask about an item, an HS code or a procedure")
    if len(text) > MAX_QUESTION_CHARS:
        raise QueryError(f"the question has {len(text)} characters; the limit is {MAX_QUESTION_CHARS}")
    if lang is not None and lang not in ("en", "zh"):
        raise QueryError(f"language {lang!r} is not supported; use en or zh")
    today = today or dt.date.today()
    found_date = date_in_text(text, today)
    day = as_of or found_date or today
    country = check_country(destination) if destination else find_destination(text)
    items, families = catalogue.mentions(text)
    kinds = tuple(
        kind
        for kind, pattern in (("technology", _TECHNOLOGY), ("equipment", _EQUIPMENT))
        if pattern.search(text)
    )
    # A question that names an item and is not a how/what/when question asks about that item.
    asks_verdict = not _INFORMATION_START.search(text) and bool(_VERDICT_ASK.search(text) or items)
    return Analysis(
        question=text,
        lang=("zh" if has_chinese(text) else "en") if lang is None else lang,  # type: ignore[arg-type]
        intent="verdict" if asks_verdict else "information",
        as_of=day,
        date_from_text=as_of is None and found_date is not None,
        destination=country,
        military=bool(_MILITARY.search(text)),
        items=tuple(items),
        families=tuple(families),
        kinds=kinds,
        hs_codes=tuple(hs_codes_in(text)),
        documents=catalogue.documents_named(text),
    )
