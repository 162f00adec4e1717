"""Stop words, defined once: English and Chinese function words, and the domain words that nearly
every question here uses and that therefore say nothing about which provision answers it."""

from __future__ import annotations

import re

from kb.language.script import HAN

__all__ = ["CHINESE", "DOMAIN", "ENGLISH", "content_words"]

#: English function words.
ENGLISH = frozenset(
    """a about an and any are as at be been but by can could did do does for from had has have how
    i if in into is it its may me must my no not of on or our shall should so such than that the
    their them then there these they this those to too under was we were what when where which who
    whom why will with would you your""".split()
)
#: Chinese function words and question words.
CHINESE = frozenset(
    "的 了 吗 呢 吧 是 在 和 与 及 或 等 对 于 为 之 其 该 这 那 有 也 就 都 而 被 把 么".split()
    + "什么 哪些 多少 怎么 如何 是否 可以".split()
)
#: Words of this domain that nearly every question holds ("do I need a licence to export ...").
DOMAIN = frozenset(
    "need needs export exports exporting exported china chinese licence license item items".split()
)

_WORD = re.compile(r"[a-z0-9]+")


def content_words(text: str, min_length: int = 1) -> set[str]:
    """The words of ``text`` that carry meaning: English words (of at least ``min_length`` letters)
    and single Chinese characters, without stop words or domain words."""
    folded = text.casefold()
    words = {w for w in _WORD.findall(folded) if len(w) >= min_length}
    words.update(HAN.findall(folded))
    return words - ENGLISH - DOMAIN
