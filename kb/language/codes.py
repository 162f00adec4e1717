"""Customs (HS) codes and control-list codes as written in text and queries."""

from __future__ import annotations

import re
from typing import Literal

from kb.errors import QueryError

__all__ = [
    "CONTROL_CODE_IN_TEXT",
    "CONTROL_CODE_TOKEN",
    "HS_CODE_TOKEN",
    "QueryKind",
    "classify_query",
    "digits",
    "hs_codes_in",
    "is_control_code",
]

QueryKind = Literal["hs_code", "control_code", "name"]

_CONTROL_CODE = re.compile(r"^\d[a-e]\d{3}(?:\.[a-z0-9]+)*$", re.IGNORECASE)
#: A control-list code standing alone in free text ("3C001.b").
CONTROL_CODE_IN_TEXT = re.compile(r"(?<![\w.])(\d[A-Ea-e]\d{3}(?:\.[a-z0-9]+)*)(?![\w])")
#: A control-list code inside any text, for the keyword index.
CONTROL_CODE_TOKEN = re.compile(r"(?<![0-9a-z])[0-9][a-e][0-9]{3}(?:\.[a-z0-9]+)*", re.IGNORECASE)
#: An HS code of 8 or 10 digits, dots allowed between digit pairs, for the keyword index.
HS_CODE_TOKEN = re.compile(r"(?<![\d.])\d{4}\.?\d{2}\.?\d{2}(?:\.?\d{2})?(?!\d)")
_HS_IN_TEXT = re.compile(r"(?<![\d.])(\d{4}(?:[.\s]?\d{2}){2}(?:[.\s]?\d{2})?)(?![\d])")


def digits(text: str) -> str:
    """``text`` without the dots and spaces people write inside codes."""
    return re.sub(r"[\s.]", "", text)


def is_control_code(text: str) -> bool:
    """True for a control-list code such as ``3C001`` or ``3C001.b``."""
    return _CONTROL_CODE.match(text.strip()) is not None


def hs_codes_in(text: str) -> list[str]:
    """HS codes of 8 or 10 digits written in free text (dots or spaces between digit pairs allowed)."""
    return [code for code in (digits(raw) for raw in _HS_IN_TEXT.findall(text)) if len(code) in (8, 10)]


def classify_query(query: str) -> QueryKind:
    """Tell an HS code, a control-list code and a name apart; reject malformed codes."""
    stripped = query.strip()
    if not stripped:
        raise QueryError("the query is empty: give an item name, an HS code or a control-list code")
    compact = digits(stripped)
    if compact.isdigit():
        if len(compact) in (8, 10):
            return "hs_code"
        raise QueryError(
            f"{stripped!r} has {len(compact)} digits; HS codes have 8 or 10 digits (e.g. 2850001901)"
        )
    if is_control_code(stripped):
        return "control_code"
    return "name"
