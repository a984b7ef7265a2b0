"""A real `sddkit followup --apply` process killed while a write is on its way, then run
again: every note arrives exactly once (the re-run finds the one the killed run wrote)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sddkit.followup import ledger
from sddkit.store import open_store
from tests.followup.conftest import EXPECTED, PERIOD, Desks

COMMAND = "from sddkit.cli import main; main()"


@pytest.mark.parametrize("helpdesk", ["zendesk", "freshdesk", "helpscout", "intercom"])
def test_killed_mid_write_then_rerun_writes_each_note_once(
    workspace: Path, desks: Desks, helpdesk: str
) -> None:
    held = desks.held[helpdesk]
    held.nth = 2 if helpdesk == "zendesk" else 1  # that note is written, its answer held
    args = [sys.executable, "-c", COMMAND, "followup", "--no-tracker", *PERIOD, "--apply"]
    env = {**os.environ, **desks.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        args, cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert held.reached.wait(timeout=60), process.communicate(timeout=5)[0]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        held.release.set()
    assert process.returncode == -signal.SIGKILL
    conn = open_store(workspace / "sddkit.db")
    states = dict(conn.execute("SELECT ticket_key, state FROM followup_ledger").fetchall())
    conn.close()
    killed = [key for key, state in states.items() if state == ledger.PENDING]
    assert len(killed) == 1 and killed[0].startswith(f"{helpdesk}:")
    assert len(desks.notes()[killed[0]]) == 1  # it did arrive

    rerun = subprocess.run(args, cwd=workspace, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"found {killed[0]} (already on the ticket)" in rerun.stdout
    notes = desks.notes()
    assert sorted(notes) == sorted(EXPECTED)
    assert {key: len(bodies) for key, bodies in notes.items()} == dict.fromkeys(EXPECTED, 1)
