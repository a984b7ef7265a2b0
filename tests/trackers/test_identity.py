"""The ticket fingerprint an issue carries: stable, capped, and matched by overlap."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.trackers.identity import KEEP, fingerprint, fingerprint_in, share

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
