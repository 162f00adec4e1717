"""The targets an evaluation run is measured against, and the sentences naming the ones it misses."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["LATENCY_FACTOR", "TARGETS", "metric_label", "misses", "shared_metrics"]

#: The targets of the evaluation issue, reported beside the figures (never used to pass a run).
TARGETS: dict[str, float] = {
    "verdict_accuracy": 0.95,
    "source_recall_at_5": 0.95,
    "citation_precision": 0.95,
    "fact_recall": 0.9,
    "abstention_accuracy": 1.0,
}

#: The system may take at most this many times the baseline's median latency.
LATENCY_FACTOR = 1.5

_LABELS = {
    "questions": "questions",
    "verdict_accuracy": "verdict accuracy",
    "citation_hit": "citation hit",
    "citation_precision": "citation precision",
    "fact_recall": "fact recall",
    "abstention_accuracy": "abstention accuracy",
    "latency_p50_s": "latency p50 (s)",
    "latency_p95_s": "latency p95 (s)",
}


def misses(figures: dict[str, object], theirs: dict[str, object] | None, ks: Sequence[int]) -> list[str]:
    """Sentences naming each target the system misses on a run, given its aggregate ``figures`` and
    the baseline's (``theirs``, or ``None``); empty when it meets them all."""
    misses = []
    for key, target in TARGETS.items():
        value = figures.get(key)
        if isinstance(value, float) and value < target:
            misses.append(f"{metric_label(key)} {value:.3f} < {target}")
    if theirs is not None:
        for key in shared_metrics(ks):
            mine, other = figures.get(key), theirs.get(key)
            if isinstance(mine, float) and isinstance(other, float) and mine < other:
                misses.append(f"{metric_label(key)} {mine:.3f} below the baseline's {other:.3f}")
        mine_p50, other_p50 = figures.get("latency_p50_s"), theirs.get("latency_p50_s")
        if (
            isinstance(mine_p50, float)
            and isinstance(other_p50, float)
            and mine_p50 > LATENCY_FACTOR * other_p50
        ):
            misses.append(
                f"latency p50 {mine_p50:.3f} s is over {LATENCY_FACTOR}x the baseline's {other_p50:.3f} s"
            )
    return misses


def shared_metrics(ks: Sequence[int]) -> list[str]:
    """The metrics both the system and the baseline are scored on."""
    return [*(f"source_recall_at_{k}" for k in ks), "citation_hit", "citation_precision", "fact_recall"]


def metric_label(key: str) -> str:
    found = re.fullmatch(r"source_recall_at_(\d+)", key)
    return f"source recall@{found.group(1)}" if found else _LABELS.get(key, key)
