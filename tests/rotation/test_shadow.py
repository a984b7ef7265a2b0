from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from sddkit.errors import ConfigError
from sddkit.rotation.feeds import write_feeds
from sddkit.rotation.plan import plan_rotations
from sddkit.rotation.render import plan_json, plan_table
from sddkit.rotation.schedule import load, published
from sddkit.rotation.shadow import is_shadow
from sddkit.rotation.stability import Changes
from sddkit.store import open_store
from tests.rotation.test_plan import START, team

JOINER = "joined = 2027-01-04\nshadow_shifts = 2"
STAMP = datetime(2027, 1, 1, tzinfo=UTC)


def test_a_joiner_shadows_n_shifts_beside_a_regular_before_serving_alone() -> None:
    config = team(4, extra={3: JOINER})
    plan = plan_rotations(config, START, START + timedelta(weeks=4) - timedelta(days=1))
    shadows = [s for s in plan.shadows if s.person == "P3"]
    assert len(shadows) == 2 and all(is_shadow(s) for s in shadows)
    assert (shadows[1].start - shadows[0].start).days >= config.min_gap_days
    regular = {(s.rotation, s.start) for s in plan.shifts}
    assert all((s.rotation, s.start) in regular for s in shadows)  # beside someone
    own = [s for s in plan.shifts if s.person == "P3"]
    assert own and min(s.start for s in own) >= shadows[-1].end
    assert not any(s.person == "P3" and is_shadow(s) for s in plan.shifts)  # not load
    without = plan_rotations(team(4), START, START + timedelta(weeks=4) - timedelta(days=1))
    assert plan.shares["P3"] < without.shares["P3"]  # no share while shadowing
    assert "engineer (shadow)  P3" in plan_table(plan)


def test_shadows_are_published_and_in_the_feeds(tmp_path: Path) -> None:
    config = team(4, extra={3: JOINER})
    conn = open_store(":memory:")
    plan, _ = published(conn, config, START)
    saved = load(conn, config)
    assert saved is not None and saved[1].shadows == plan.shadows and plan.shadows
    write_feeds(conn, config, plan, tmp_path, STAMP)
    calendar = Calendar.from_ical((tmp_path / "p3.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries[:2] == ["Support (shadowing): support (engineer) — P3"] * 2
    assert "shadowing a regular" in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_shadow_shifts_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"people.shadow_shifts: must be at least 0, got -1"):
        team(2, extra={1: "shadow_shifts = -1"})


def test_the_json_plan_lists_shadow_shifts() -> None:
    config = team(4, extra={3: JOINER})
    plan = plan_rotations(config, START, START + timedelta(weeks=4) - timedelta(days=1))
    data = json.loads(plan_json(plan, Changes(first_plan=True)))
    assert [s["person"] for s in data["shadows"]] == ["P3", "P3"]
    assert all(s["seat"] >= 100 for s in data["shadows"])
