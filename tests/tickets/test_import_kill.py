"""A large import killed mid-way (kill -9, the reading process still running) leaves the store
as it was: the batches written, the indexes dropped for the load, all rolled back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sddkit.store import open_store, transaction
from sddkit.tickets.imports import PARALLEL_BYTES, import_file
from sddkit.tickets.store import count_tickets

SCRIPT = """
import sys, time
from pathlib import Path
from sddkit.store import open_store
from sddkit.tickets.imports import ImportSettings, import_file

calls = []

def progress(path, position, size):
    calls.append(position)
    if len(calls) == 3:  # two batches are written by now
        print("written", flush=True)
        time.sleep(60)

import_file(open_store(sys.argv[1]), Path(sys.argv[2]), ImportSettings(parallel=True),
            progress)
"""
INDEXES = "SELECT name, sql FROM sqlite_master ORDER BY name"


def _export(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"tickets": [\n')
        for number in range(1, count + 1):
            ticket = {"id": number, "created_at": "2026-09-01T08:00:00Z", "via": {},
                      "subject": f"Export fails {number}", "description": "x" * 400}  # fmt: skip
            out.write(json.dumps(ticket) + (",\n" if number < count else "\n"))
        out.write("]}\n")
    return path


def test_kill_during_a_parallel_import_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    conn = open_store(db)
    import_file(conn, _export(tmp_path / "first.json", 5))
    before = [tuple(row) for row in conn.execute(INDEXES)]
    conn.close()
    big = _export(tmp_path / "big.json", 12_000)
    assert big.stat().st_size >= PARALLEL_BYTES
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(db), str(big)], stdout=subprocess.PIPE, text=True,
        env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "written\n"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    conn = open_store(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert count_tickets(conn) == 5
    assert [tuple(row) for row in conn.execute(INDEXES)] == before
    with transaction(conn):  # the write lock is free again
        pass
