"""The report's team: people and shifts from the config and the published schedule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sddkit.errors import ConfigError
from sddkit.report.sources import team
from sddkit.store import open_store

NEW_YEAR = '\n[[overrides]]\nrotation = "emea"\ndate = 2027-01-01\nperson = "Dmitri Volkov"\n'


def test_team_plans_only_with_the_holidays_checked(tmp_path: Path, repo_root: Path) -> None:
    # Reading a published schedule skips the holidays check; with none published the
    # report plans one, and an override on a public holiday is then refused as by `plan`.
    config = tmp_path / "rotations.toml"
    config.write_text((repo_root / "rotations.toml").read_text("utf-8") + NEW_YEAR, "utf-8")
    conn = open_store(tmp_path / "sddkit.db")
    today = date(2026, 11, 23)
    with pytest.raises(ConfigError, match=r"2027-01-01 is a public holiday \(New Year's Day\)"):
        team(config, date(2026, 10, 27), today, conn, today)
    conn.close()
