"""`sddkit rotation coverage` on the demo tickets and the example team."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from sddkit.cli import main
from sddkit.store import open_store, transaction
from sddkit.tickets.demo import demo_tickets
from sddkit.tickets.store import ensure_schema, upsert_tickets


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["rotation", "coverage", *args])


def test_coverage_of_the_demo_store(in_tmp: Path, repo_root: Path) -> None:
    shutil.copy(repo_root / "rotations.toml", in_tmp / "rotations.toml")
    conn = open_store(in_tmp / "sddkit.db")
    ensure_schema(conn)
    with transaction(conn):
        upsert_tickets(conn, demo_tickets())
    conn.close()
    result = run("--today", "2026-11-16")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Arrivals 2026-09-21 to 2026-11-15 (8 weeks): 822 tickets, 822 answered" in out
    assert "Uncovered (UTC): Mon, Fri 00-07, 10-24;" in out and "Sat, Sun 00-24" in out
    assert re.search(r"  emea +618 +\d+\.\d h +\d+\.\d h", out)
    assert "meets the 24 h target" in out and "no change needed" in out
    (line,) = [row for row in out.splitlines() if row.startswith("  all ") and "on the p90" in row]
    assert abs(int(re.findall(r"([+-]\d+)% on the p90", line)[0])) <= 20
    tight = run("--today", "2026-11-16", "--target", "4")
    assert "misses the 4 h target" in tight.output
    assert "No extension of one rotation's window (up to 8 h) meets the target." in tight.output


def test_coverage_needs_tickets(in_tmp: Path, repo_root: Path) -> None:
    shutil.copy(repo_root / "rotations.toml", in_tmp / "rotations.toml")
    result = run("--today", "2026-11-16")
    assert result.exit_code == 1
    assert "no tickets in the store: import some first" in result.stderr
