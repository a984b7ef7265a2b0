"""`sddkit demo` runs the whole job end to end on the bundled data."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from sddkit.cli import main
from sddkit.tickets.demo import demo_fixes


def test_demo_runs_every_step_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--themes", "5"])
    assert result.exit_code == 0, result.output
    for heading in ("1. Rotation", "2. Tickets", "3. Themes", "4. Triage", "5. Report"):
        assert heading in result.output
    assert "2609 imported" in result.output
    assert (out / "calendars" / "team.ics").is_file()
    assert (out / "report" / "report.html").is_file()
    assert (out / "report" / "report.md").is_file()

    report = json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))
    fixes = {fix["ref"]: fix for fix in report["fixes"]}
    assert set(fixes) == {f"#{fix.pr_number}" for fix in demo_fixes()}
    # The demo story: complaints about each fixed subject drop sharply after its fix.
    for fix in fixes.values():
        assert fix["after_per_week"] * 4 < fix["before_per_week"], fix["ref"]
    traced = {trace["fix"]["ref"] for trace in report["traces"] if trace["fix"]}
    assert traced == set(fixes)
    # The follow-ups those fixes would send, one example in each language and script.
    told = re.search(r"6\. Follow-ups — (\d+) customers to tell", result.output)
    assert told is not None and int(told.group(1)) > 100, result.output
    for language, words in (("en", "You wrote to us about"), ("pl", "Pisali Państwo"),
                            ("ru", "Вы писали нам"), ("sr-Cyrl", "Писали сте нам"),
                            ("sr-Latn", "Pisali ste nam")):  # fmt: skip
        assert f"({language}) ---" in result.output and words in result.output


def test_demo_is_repeatable(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    first = CliRunner().invoke(main, ["demo", "--out", str(out)])
    second = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
