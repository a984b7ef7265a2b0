"""Read-only commands import only what they use: loading their modules (and the report's
build and render) must not pull in scikit-learn or scipy.optimize, a second or more of
start-up (bench/startup.py measures the time itself)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
