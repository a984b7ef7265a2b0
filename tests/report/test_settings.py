from __future__ import annotations

from pathlib import Path

import pytest

from sddkit.errors import ConfigError
from sddkit.report.model import ReportOptions
from sddkit.report.settings import load_options

TEAM = '[team]\nname = "Acme"\n\n'


def _config(tmp_path: Path, report: str) -> Path:
    path = tmp_path / "rotations.toml"
    path.write_text(TEAM + "[report]\n" + report + '\n[github]\nrepo = "a/b"\n', encoding="utf-8")
    return path


def test_missing_file_or_section_gives_defaults(tmp_path: Path) -> None:
    assert load_options(tmp_path / "nope.toml") == ReportOptions()
    (tmp_path / "plain.toml").write_text(TEAM, encoding="utf-8")
    assert load_options(tmp_path / "plain.toml") == ReportOptions()


def test_file_values_then_overrides(tmp_path: Path) -> None:
    path = _config(tmp_path, "weeks = 6\nfrt_target_hours = 8\nsurfaced_first_k = 5")
    assert load_options(path) == ReportOptions(6, 8.0, 7.0, 5)
    assert load_options(path, weeks=2, repeat_window_days=3) == ReportOptions(2, 8.0, 3.0, 5)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("week = 3", r"rotations\.toml:5: report\.week: unknown key \(did you mean 'weeks'\?\)"),
        ("weeks = 2.5", r":5: report\.weeks: must be a whole number, not 2\.5"),
        ('frt_target_hours = "24"', r":5: report\.frt_target_hours: must be a number"),
        ("repeat_window_days = 0", r":5: report\.repeat_window_days: must be > 0, not 0"),
        ("surfaced_first_k = 0", r":5: report\.surfaced_first_k: must be >= 1, not 0"),
        ("weeks = true", r"must be a whole number, not True"),
    ],
)
def test_bad_values_name_file_line_and_field(tmp_path: Path, body: str, message: str) -> None:
    path = _config(tmp_path, body)
    with pytest.raises(ConfigError, match=message):
        load_options(path)


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[report\nweeks = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_options(path)


def test_segment_field(tmp_path: Path) -> None:
    path = _config(tmp_path, 'segment_field = "plan"')
    assert load_options(path) == ReportOptions(segment_field="plan")
    with pytest.raises(ConfigError, match=r":5: report\.segment_field: must be a custom field"):
        load_options(_config(tmp_path, "segment_field = 3"))


def test_triage_rules_come_from_the_triage_section(tmp_path: Path) -> None:
    """The report reads issues and offers `triage --apply` as the config's triage works."""
    from sddkit.report.model import TriageRules
    from sddkit.report.sources import triage_rules

    config = tmp_path / "rotations.toml"
    assert triage_rules(config) == TriageRules()
    config.write_text(
        '[triage]\nkinds = ["bug", "feature"]\nmin_tickets = 3\nnot_planned = ["wontfix"]\n'
    )
    rules = triage_rules(config)
    assert (rules.kinds, rules.min_tickets, rules.not_planned) == (
        ("bug", "feature"),
        3,
        ("wontfix",),
    )
