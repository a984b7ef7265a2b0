"""The ticket fingerprint an issue carries: stable, capped, and matched by overlap."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.trackers.identity import KEEP, best_match, fingerprint, fingerprint_in, share

keys = st.lists(st.from_regex(r"zendesk:[0-9]{1,7}", fullmatch=True), unique=True, max_size=400)


@settings(max_examples=50, deadline=None)
@given(keys=keys, seed=st.randoms())
def test_the_block_depends_on_the_tickets_not_their_order_and_is_capped(
    keys: list[str], seed: random.Random
) -> None:
    shuffled = list(keys)
    seed.shuffle(shuffled)
    block = fingerprint(keys)
    assert block == fingerprint(shuffled)
    hashes = fingerprint_in(f"text\n{block}\nmore")
    assert len(hashes) == min(KEEP, len(set(keys)))
    assert len(block) <= 30 + 7 * KEEP
    assert share(keys, hashes) == (1.0 if keys else 0.0)


def test_each_issue_goes_to_the_theme_holding_most_of_its_tickets() -> None:
    old_a = [f"zendesk:a{i}" for i in range(20)]
    old_b = [f"zendesk:b{i}" for i in range(20)]
    issues = {"#1": fingerprint_in(fingerprint(old_a)), "#2": fingerprint_in(fingerprint(old_b))}
    themes = [
        ("T-new-a", [*old_a[5:], "zendesk:new1"]),  # 75 % of #1's tickets
        ("T-half", old_b[:8]),  # 40 % of #2's: not enough
        ("T-new-b", old_b[6:]),  # 70 % of #2's
    ]
    assert best_match(themes, issues) == {"T-new-a": "#1", "T-new-b": "#2"}
    assert best_match([("T-x", ["zendesk:zzz"])], issues) == {}
