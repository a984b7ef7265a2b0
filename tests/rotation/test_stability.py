from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from sddkit.errors import InputError
from sddkit.rotation.config import load_config
from sddkit.rotation.stability import diff_plans, load_saved, read_plan_file, replan, shift_record
from sddkit.store import open_store

TODAY = date(2026, 11, 23)
END = date(2026, 12, 20)


def test_saved_plan_is_kept_and_changes_reported(tmp_path: Path, repo_root: Path) -> None:
    path = tmp_path / "rotations.toml"
    shutil.copy(repo_root / "rotations.toml", path)
    conn = open_store(tmp_path / "s.db")
    first, changes = replan(conn, load_config(path), TODAY, END, today=TODAY, save=True)
    assert changes.first_plan and load_saved(conn) == first.shifts
    # Whoever is on the emea shift of 7 December leaves the team on the 6th.
    (leaver,) = [s.person for s in first.shifts if s.rotation == "emea" and s.start.day == 7]
    text = path.read_text(encoding="utf-8").replace(
        f'name = "{leaver}"', f'name = "{leaver}"\nleft = 2026-12-06'
    )
    path.write_text(text, encoding="utf-8")
    second, changes = replan(
        conn, load_config(path), TODAY, END, today=date(2026, 12, 1), save=True
    )
    gone = [s for s in first.shifts if s.person == leaver and s.start.date() >= date(2026, 12, 7)]
    assert gone and not any(
        s.person == leaver for s in second.shifts if s.start.date() >= date(2026, 12, 7)
    )
    moved = {c.uid for c in changes.items}
    assert {s.uid for s in gone} <= moved
    assert len(moved) <= 3 * len(gone)
    assert all(
        c.before is not None and c.before.start.date() >= date(2026, 12, 1) for c in changes.items
    )
    again, changes = replan(conn, load_config(path), TODAY, END, today=date(2026, 12, 1))
    assert not changes.items and again.shifts == second.shifts


def test_plan_file_round_trip(tmp_path: Path, repo_root: Path) -> None:
    config = load_config(repo_root / "rotations.toml")
    plan, _ = replan(open_store(":memory:"), config, TODAY, END, today=TODAY)
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps({"shifts": [shift_record(s) for s in plan.shifts]}), encoding="utf-8"
    )
    assert read_plan_file(path) == plan.shifts
    assert not diff_plans(read_plan_file(path), plan).items


def test_bad_plan_file_names_the_item(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"shifts": [{"rotation": "x", "start": "soon"}]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"plan.json: item 1: shifts: bad shift"):
        read_plan_file(path)


def test_a_longer_horizon_keeps_the_saved_shifts(repo_root: Path) -> None:
    """`who` and `ics` plan further ahead than `plan`: they must agree on the saved weeks."""
    conn = open_store(":memory:")
    config = load_config(repo_root / "rotations.toml")
    saved, _ = replan(conn, config, TODAY, END, today=TODAY, save=True)
    longer, changes = replan(conn, config, TODAY, date(2027, 2, 21), today=TODAY)
    assert not changes.items
    assert [s for s in longer.shifts if s.start.date() <= END] == saved.shifts
