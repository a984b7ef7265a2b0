"""Read-only commands import only what they use: loading their modules (and the report's
build and render) must not pull in scikit-learn or scipy.optimize, a second or more of
start-up; running them on a store with a published schedule and a theme run pulls in neither
numpy nor the `holidays` package's countries (bench/startup.py measures the time itself)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sddkit.cli import main
from sddkit.store import open_store
from sddkit.themes.model import Theme
from tests.support.themes import save_themes

HEAVY = ("sklearn", "scipy.optimize", "scipy.sparse")


@pytest.mark.parametrize(
    "modules",
    [
        ("sddkit.cli.report", "sddkit.report.build", "sddkit.report.render"),
        ("sddkit.cli.rotation", "sddkit.rotation.schedule", "sddkit.rotation.render"),
        ("sddkit.cli.themes", "sddkit.themes.render", "sddkit.themes.store"),
        ("sddkit.cli.tickets", "sddkit.tickets.stats"),
    ],
)
def test_read_only_commands_do_not_import_the_heavy_libraries(modules: tuple[str, ...]) -> None:
    code = (
        f"import sys\nfor m in {list(modules)!r}: __import__(m)\n"
        f"print(__import__('json').dumps([h for h in {list(HEAVY)!r} if h in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("modules", "unused"),
    [
        # calendar delivery (Jinja, mail) and coverage load only when those commands run
        (("sddkit.cli.rotation",), ("jinja2", "sddkit.report.settings", "icalendar")),
        # an offline report builds no tracker client
        (("sddkit.cli.report", "sddkit.report.sources", "sddkit.trackers.factory"),
         ("github", "jira")),
        # `tickets stats` reads no export and calls no helpdesk
        (("sddkit.cli.tickets", "sddkit.tickets.stats"),
         ("sddkit.tickets.importers", "sddkit.tickets.pull", "http.client", "ssl")),
    ],
)  # fmt: skip
def test_commands_do_not_import_what_only_other_commands_use(
    modules: tuple[str, ...], unused: tuple[str, ...]
) -> None:
    code = (
        f"import sys\nfor m in {list(modules)!r}: __import__(m)\n"
        f"print(__import__('json').dumps([h for h in {list(unused)!r} if h in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


# numpy (0.15 s) is for a themes run's centroids; `holidays.countries` (0.15 s) for planning
# and for checking rotations.toml's holidays, which reading a published schedule skips;
# triage's workflow and the quote redactor (0.05 s of patterns) for triage and canned replies.
NOT_FOR_READING = (
    "numpy", "holidays.countries", "sklearn", "scipy", "sddkit.rotation.optimise",
    "sddkit.trackers.workflow", "sddkit.trackers.redact",
)  # fmt: skip


@pytest.fixture
def published(in_tmp: Path, repo_root: Path) -> Path:
    """The example team (holidays of four countries, a subdivision, an override) with its
    schedule published, and one theme run in the store."""
    shutil.copy(repo_root / "rotations.toml", in_tmp / "rotations.toml")
    assert CliRunner().invoke(main, ["rotation", "plan", "--today", "2026-11-23"]).exit_code == 0
    conn = open_store(in_tmp / "sddkit.db")
    at = datetime(2026, 11, 16, 9, tzinfo=UTC)
    theme = Theme(
        "T-1", "Sync fails", "bug", ("sync",), ("z:1", "z:2"), ("z:1",), 2, at, at, "stable"
    )
    save_themes(conn, [theme], at)
    conn.close()
    return in_tmp


@pytest.mark.parametrize(
    "args",
    [
        ["rotation", "who", "--today", "2026-11-23", "--at", "2026-11-24T10:00"],
        ["rotation", "mine", "ana", "--today", "2026-11-23"],
        ["report", "--no-tracker", "--now", "2026-11-23T12:00:00", "--out", "report"],
        ["themes", "show", "T-1"],
    ],
)
def test_reading_commands_run_without_numpy_or_the_holiday_calendars(
    published: Path, args: list[str]
) -> None:
    code = (
        "import json, sys\nfrom sddkit.cli import main\n"
        f"main({args!r}, prog_name='sddkit', standalone_mode=False)\n"
        f"print(json.dumps([m for m in {list(NOT_FOR_READING)!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=published
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
