"""Document numbers written in text: "No. 46 of 2024", "2024年第46号", "Decree No. 792"."""

from __future__ import annotations

import re

__all__ = ["document_numbers"]

_NUMBER_OF_YEAR = re.compile(
    r"\bNo\.?\s*(\d{1,4})\s*(?:of|/)\s*((?:19|20)\d{2})\b"  # No. 46 of 2024
    r"|(?<!\d)((?:19|20)\d{2})\s*年\s*第\s*(\d{1,4})\s*号"  # 2024年第46号
    r"|[\[〔]\s*((?:19|20)\d{2})\s*[\]〕]\s*(?:No\.?\s*)?(\d{1,4})",  # [2021] No. 209, 〔2021〕209号
    re.IGNORECASE,
)
_NUMBER_ONLY = re.compile(
    r"\b(?:Decree|Order)\s+No\.?\s*(\d{1,4})\b(?!\s*(?:of|/))|令第\s*(\d{1,4})\s*号", re.IGNORECASE
)


def document_numbers(text: str) -> set[tuple[int | None, int]]:
    """The document numbers written in ``text`` as (year, number): 'No. 46 of 2024' and
    '2024年第46号' give (2024, 46); 'Decree No. 792' and '国务院令第792号' give (None, 792)."""
    found: set[tuple[int | None, int]] = set()
    for match in _NUMBER_OF_YEAR.finditer(text):
        g = match.groups()
        if g[0]:
            found.add((int(g[1]), int(g[0])))
        elif g[2]:
            found.add((int(g[2]), int(g[3])))
        else:
            found.add((int(g[4]), int(g[5])))
    for match in _NUMBER_ONLY.finditer(text):
        found.add((None, int(match.group(1) or match.group(2))))
    return found
