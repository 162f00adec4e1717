"""The smallest record of a briefing pack, shared by the modules that build its sections."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Fact"]


@dataclass(frozen=True)
class Fact:
    """One statement of the pack and the citations that support it."""

    text: str
    cites: tuple[int, ...]
