"""Incremental runs: new clusters join old themes as a full run would join them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import sddkit.themes.cluster as cluster
import sddkit.themes.incremental as incremental
from sddkit.themes.pipeline import update_themes
from sddkit.tickets.store import upsert_tickets
from tests.themes.conftest import NOW, make_ticket, themed_tickets


def test_new_clusters_join_old_themes_with_the_full_runs_reach(
    store_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new wording that a full run would link to its subject (within 1.5 x the cut, 2 x
    in another language) is linked to it in an incremental run too: with the tighter reach
    the demo's later Serbian and Russian dark-mode tickets became themes of their own."""
    calls: dict[str, dict[str, Any]] = {}

    def spy(name: str, real: Any) -> Any:
        def join(*args: Any, **kwargs: Any) -> Any:
            calls[name] = kwargs
            return real(*args, **kwargs)

        return join

    monkeypatch.setattr(cluster, "join_connected", spy("full", cluster.join_connected))
    monkeypatch.setattr(incremental, "join_connected", spy("new", incremental.join_connected))
    conn = store_with(list(themed_tickets()))
    update_themes(conn, now=NOW)
    sso = ["SAML single sign-on login loop with Okta. SSO keeps redirecting"] * 6
    upsert_tickets(conn, [make_ticket(f"sso-{i}", t, NOW + timedelta(hours=i))
                          for i, t in enumerate(sso)])  # fmt: skip
    update_themes(conn, now=NOW + timedelta(days=1))
    assert "new" in calls  # the incremental run looked for old themes to join
    # the incremental run reuses the full run's cut, so the same reach means the same floors
    assert calls["new"]["floors"] == pytest.approx(calls["full"]["floors"])
