from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sddkit.errors import InputError
from sddkit.rotation.config import load_config
from sddkit.rotation.plan import plan_rotations
from sddkit.rotation.stability import diff_plans, read_plan_file, shift_record

TODAY = date(2026, 11, 23)
END = date(2026, 12, 20)


def test_plan_file_round_trip(tmp_path: Path, repo_root: Path) -> None:
    config = load_config(repo_root / "rotations.toml")
    plan = plan_rotations(config, TODAY, END, today=TODAY)
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
