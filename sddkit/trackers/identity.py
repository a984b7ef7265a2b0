"""A theme's identity that lives in its issue: a fingerprint of the theme's tickets.

Theme ids are stable only while the store keeps its history; a lost store (an evicted CI
cache) re-clusters the same tickets under new ids. So each issue body carries, hidden, short
hashes of its tickets' keys (``source:external_id``): ``<!-- sddkit:tickets 0a1b2c … -->``.
Before filing, triage gives an issue that no marker or lineage names to the theme whose
tickets cover its fingerprint (`subjects.pair_subjects`): a rebuilt store costs history, never
a duplicate.

The block keeps the `KEEP` smallest hashes (a bottom-k sketch): the same tickets always give
the same block, whatever their order, its size is capped, and the share of an issue's hashes
found among a theme's tickets estimates how much of the issue's ticket set the theme holds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence

KEEP = 128  # hashes kept per issue: ~900 characters
MIN_SHARE = 0.5  # at least half of an issue's sampled tickets must be in the theme
_BLOCK_RE = re.compile(r"<!--\s*sddkit:tickets((?:\s+[0-9a-f]{6})*)\s*-->")


def ticket_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:6]


def fingerprint(keys: Iterable[str]) -> str:
    """The hidden block for an issue about these tickets."""
    kept = sorted({ticket_hash(k) for k in keys})[:KEEP]
    return f"<!-- sddkit:tickets {' '.join(kept)} -->"


def fingerprint_in(body: str | None) -> frozenset[str]:
    """The ticket hashes an issue body carries (empty when it has no block)."""
    match = _BLOCK_RE.search(body or "")
    return frozenset(match.group(1).split()) if match else frozenset()


def share(keys: Iterable[str], hashes: frozenset[str]) -> float:
    """The fraction of an issue's sampled tickets that are among `keys`."""
    if not hashes:
        return 0.0
    mine = {ticket_hash(k) for k in keys}
    return len(hashes & mine) / len(hashes)


def best_match(
    themes: Sequence[tuple[str, Iterable[str]]], issues: Mapping[str, frozenset[str]]
) -> dict[str, str]:
    """Theme id → issue key, each issue to at most one theme: pairs with the largest shares
    first, each at least `MIN_SHARE`."""
    candidates = []
    for theme_id, keys in themes:
        mine = {ticket_hash(k) for k in keys}
        for issue_key, hashes in issues.items():
            if hashes:
                value = len(hashes & mine) / len(hashes)
                if value >= MIN_SHARE:
                    candidates.append((value, theme_id, issue_key))
    paired: dict[str, str] = {}
    taken: set[str] = set()
    for _, theme_id, issue_key in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if theme_id not in paired and issue_key not in taken:
            paired[theme_id] = issue_key
            taken.add(issue_key)
    return paired
