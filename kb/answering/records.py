"""The records the answering stage hands out: an answer, its numbered citations, and the evidence
protocols it reads retrieved chunks through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from kb.verdicts.timeline import VerdictValue

__all__ = ["Answer", "Citation", "Evidence", "Lang", "Searcher"]

Lang = Literal["en", "zh"]


class Evidence(Protocol):
    """What the answer needs of a retrieved chunk (``kb.retrieve.Hit`` satisfies it)."""

    @property
    def document_id(self) -> str: ...
    @property
    def locator(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def dense_score(self) -> float | None: ...
    @property
    def keyword_score(self) -> float | None: ...


class Searcher(Protocol):
    """Anything that returns ranked evidence for a query (the hybrid retriever, or a stand-in).
    With ``documents``, the best evidence from those documents comes first, then the rest."""

    def evidence(self, query: str, k: int, documents: Sequence[str] = ()) -> Sequence[Evidence]: ...


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: which document, where in it, and the text relied on."""

    n: int
    document_id: str
    number: str | None
    number_zh: str | None
    title: str
    title_zh: str | None
    locator: str
    issued: dt.date | None
    effective: dt.date | None
    status: str
    url: str | None
    text: str
    #: Whether ``url`` is the issuer's own page (``official``) or a copy elsewhere (``secondary``).
    link: Literal["official", "secondary"] | None = None
    #: ``official``: a document of the corpus; ``user``: one the user added (evidence only).
    trust: Literal["official", "user"] = "official"

    def dates(self, lang: Lang = "en") -> str:
        """'issued 2023-07-03, effective 2023-08-01' (发布/施行 in Chinese); empty when none is known."""
        issued, effective = ("发布", "施行") if lang == "zh" else ("issued", "effective")
        parts = [
            f"{issued} {self.issued.isoformat()}" if self.issued else "",
            f"{effective} {self.effective.isoformat()}" if self.effective else "",
        ]
        return ", ".join(part for part in parts if part)

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "document_id": self.document_id,
            "number": self.number,
            "number_zh": self.number_zh,
            "title": self.title,
            "title_zh": self.title_zh,
            "locator": self.locator,
            "issued": self.issued.isoformat() if self.issued else None,
            "effective": self.effective.isoformat() if self.effective else None,
            "status": self.status,
            "url": self.url,
            "link": self.link,
            "trust": self.trust,
            "text": self.text,
        }


@dataclass(frozen=True)
class Answer:
    """What ``kb.answer`` returns: verdict (``None`` for procedural questions), text and sources."""

    question: str
    verdict: VerdictValue | None
    text: str
    citations: tuple[Citation, ...]
    as_of: dt.date
    lang: Lang
    destination: str | None = None
    caveats: tuple[str, ...] = ()
    #: Retrieved chunks, best first, as (document id, locator): what recall@k is measured on.
    retrieved: tuple[tuple[str, str], ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    generator: str = "extractive"
    #: For a conditional verdict: the thresholds it depends on, one phrase each.
    conditions: tuple[str, ...] = ()
    #: One entry per product the question names: its verdict and what it rests on.
    products: tuple[dict[str, object], ...] = ()
    #: The parties the question names: each listed or possible match (as ``kb screen --json`` gives
    #: it), and each name no list held (``{"name": ..., "match": "none"}``).
    parties: tuple[dict[str, object], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "verdict": self.verdict,
            "text": self.text,
            "as_of": self.as_of.isoformat(),
            "lang": self.lang,
            "destination": self.destination,
            "caveats": list(self.caveats),
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [{"document_id": d, "locator": loc} for d, loc in self.retrieved],
            "timings": dict(self.timings),
            "generator": self.generator,
            "conditions": list(self.conditions),
            "products": [dict(p) for p in self.products],
            "parties": [dict(p) for p in self.parties],
        }
