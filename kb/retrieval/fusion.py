"""Fusion of rankings: reciprocal rank fusion behind a small protocol, and the discount that keeps one
long document from filling every place."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

__all__ = ["RRF_K", "SAME_DOCUMENT_DECAY", "Fuser", "ReciprocalRankFusion", "spread"]

#: The fusion settings below were measured on the development questions and on probes built
#: from the corpus (every item's English and Chinese name, every title, every code), never on
#: particular questions. Reciprocal-rank-fusion constant: smaller than the usual 60 so that a
#: ranking's first places count (k=10 finds more items than k=60 and loses no question).
RRF_K = 10

#: Each further chunk of a document already ranked has its fused score multiplied by this, so a
#: second document that answers too is not pushed out of the first places by one long one.
SAME_DOCUMENT_DECAY = 0.7


class Fuser(Protocol):
    """Combines named rankings (best first) of chunk ids into one scored ranking; ``weights``
    (per ranking name, default 1) say how much the retriever trusts each ranking for this query."""

    def fuse(
        self, rankings: Mapping[str, Sequence[str]], weights: Mapping[str, float] | None = None
    ) -> list[tuple[str, float]]: ...


class ReciprocalRankFusion:
    """score(d) = sum over rankings r of weight_r / (k + rank_r(d)), ranks counted from 1."""

    def __init__(self, k: int = RRF_K) -> None:
        self.k = k

    def fuse(
        self, rankings: Mapping[str, Sequence[str]], weights: Mapping[str, float] | None = None
    ) -> list[tuple[str, float]]:
        scores: dict[str, float] = {}
        for name, ranking in rankings.items():
            weight = (weights or {}).get(name, 1.0)
            for rank, chunk_id in enumerate(ranking, start=1):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (self.k + rank)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def spread(
    fused: list[tuple[str, float]], document_of: Callable[[str], str | None], decay: float
) -> list[tuple[str, float]]:
    """Lower each further chunk of an already-ranked document by ``decay`` (1 = no change), so
    that one long document does not fill every place while another answers too."""
    if decay >= 1.0:
        return fused
    seen: dict[str, int] = {}
    spread = []
    for cid, score in fused:
        document = document_of(cid)
        if document is None:
            continue
        spread.append((cid, score * decay ** seen.get(document, 0)))
        seen[document] = seen.get(document, 0) + 1
    return sorted(spread, key=lambda item: (-item[1], item[0]))
