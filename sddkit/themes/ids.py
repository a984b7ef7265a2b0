"""Stable theme ids: a new cluster inherits the id of the previous theme it continues.

A new cluster continues a previous theme when their tickets substantially overlap (Jaccard
≥ `min_jaccard`, or at least `min_share` of the previous theme's tickets that are still in
scope went to it) or when their centroids are close (cosine ≥ `min_cosine`). Pairs are
matched one to one, best first, so when a theme splits the larger part keeps the id and
when two merge the one with the larger overlap survives. Unmatched clusters get a new id
derived from their founding tickets, so re-running on the same data mints the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from sddkit.themes.embed import Vectors


@dataclass(frozen=True)
class MatchSettings:
    min_jaccard: float = 0.3
    min_share: float = 0.5
    min_cosine: float = 0.85


@dataclass(frozen=True)
class Match:
    theme_id: str
    origin: str  # "kept" or "new"
    overlap: float | None = None  # share of the previous theme's tickets in this cluster
    cosine: float | None = None


def mint_id(founding_keys: Collection[str], taken: Collection[str]) -> str:
    """A deterministic id from the founding tickets ("T-" + hex), longer on a collision."""
    digest = hashlib.sha1("\n".join(sorted(founding_keys)).encode()).hexdigest()
    for length in range(6, len(digest) + 1):
        candidate = f"T-{digest[:length]}"
        if candidate not in taken:
            return candidate
    raise RuntimeError("theme id collision")  # pragma: no cover - 160-bit hash exhausted


def match_clusters(
    new_members: Sequence[frozenset[str]],
    new_centroids: Vectors,
    old_ids: Sequence[str],
    old_members: Sequence[frozenset[str]],
    old_centroids: Vectors,
    settings: MatchSettings | None = None,
) -> list[Match]:
    """One `Match` per new cluster; `old_centroids` must be in the new clusters' space."""
    settings = settings or MatchSettings()
    candidates: list[tuple[float, int, int, float, float]] = []
    cosines = (
        new_centroids @ old_centroids.T
        if len(new_centroids) and len(old_centroids)
        else np.zeros((len(new_members), len(old_ids)))
    )
    for j, old in enumerate(old_members):
        for i, new in enumerate(new_members):
            common = len(old & new)
            jaccard = common / max(len(old | new), 1)
            share = common / max(len(old), 1)
            cosine = float(cosines[i, j])
            if (
                jaccard >= settings.min_jaccard
                or share >= settings.min_share
                or cosine >= settings.min_cosine
            ):
                candidates.append((jaccard + share + cosine, i, j, share, cosine))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    matches: dict[int, Match] = {}
    used: set[int] = set()
    for _, i, j, share, cosine in candidates:
        if i in matches or j in used:
            continue
        matches[i] = Match(old_ids[j], "kept", round(share, 4), round(cosine, 4))
        used.add(j)
    taken = set(old_ids)
    result: list[Match] = []
    for i, members in enumerate(new_members):
        if i not in matches:
            matches[i] = Match(mint_id(members, taken), "new")
        taken.add(matches[i].theme_id)
        result.append(matches[i])
    return result
