"""Integer allocation that hits totals exactly."""

from __future__ import annotations

import numpy as np


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` that sum to exactly ``total``."""
    w = np.asarray(weights, dtype=np.float64)
    if total < 0 or (w < 0).any() or w.sum() <= 0:
        raise ValueError("total must be ≥0 and weights non-negative with a positive sum")
    quotas = w / w.sum() * total
    base = np.floor(quotas).astype(np.int64)
    short = total - int(base.sum())
    if short:
        order = np.lexsort((np.arange(len(w)), -(quotas - base)))  # ties broken by position: deterministic
        base[order[:short]] += 1
    return base


def sizes_to_total(rng: np.random.Generator, total: int, p: tuple[float, ...]) -> np.ndarray:
    """Household sizes drawn from ``p`` (sizes 1..len(p)) whose sum is exactly ``total``."""
    if total <= 0:
        return np.zeros(0, dtype=np.int64)
    mean = float(np.dot(np.arange(1, len(p) + 1), p))
    n = int(total / mean * 1.2) + 8
    sizes = rng.choice(np.arange(1, len(p) + 1), size=n, p=p)
    while sizes.sum() < total:
        sizes = np.concatenate([sizes, rng.choice(np.arange(1, len(p) + 1), size=n, p=p)])
    csum = np.cumsum(sizes)
    k = int(np.searchsorted(csum, total))  # first index where the running sum reaches total
    out = sizes[: k + 1].copy()
    out[-1] = total - (int(csum[k - 1]) if k > 0 else 0)
    return out.astype(np.int64)
