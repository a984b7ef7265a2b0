"""The real `sddkit triage --apply` as its own process, for bench/triage_faults.py to kill -9.

A run writes its tickets and themes into a SQLite store file (as `sddkit tickets import` and
`sddkit themes` would), a config pointing at the local fake tracker, and starts the CLI with
the tracker's token in its environment. The fake server sends SIGKILL to that process at a
chosen request (see `Killer`); the next attempt is a new process on the same store.

Starting a fresh interpreter costs seconds here (the themes store imports scikit-learn), so
by default processes are forked from a *zygote*: one helper process that imported the CLI
once, has no threads, and forks a child per attempt that runs `sddkit.cli.main` with the
attempt's arguments (a real process, a real SIGKILL; only the interpreter start is shared).
`--spawn` runs the installed `sddkit` executable instead.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sddkit.store import open_store
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import upsert_tickets
from tests.support import trackers as fakes
from tests.support.themes import save_themes

NOT_DONE_RE = re.compile(r"not done: (.*?)\. Run again")


def write_store(db: Path, tickets: dict[str, Ticket], themes: Sequence[Theme]) -> None:
    """The tickets, and a themes run holding `themes` (their ids and memberships)."""
    conn: sqlite3.Connection = open_store(db)
    upsert_tickets(conn, tickets.values())
    save_themes(conn, themes, fakes.NOW)
    conn.close()


def drop_store(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def write_config(path: Path, kind: str, fake: Any) -> dict[str, str]:
    """The config for `kind` ("github", "jira-cloud", "jira-server"); returns the env."""
    tracker = kind.split("-")[0]
    text = (
        f'[triage]\ntracker = "{tracker}"\nmin_tickets = 3\nmin_customers = 2\n'
        "max_ticket_refs = 5000\n\n[triage.ticket_urls]\n"
        'zendesk = "https://acme.zendesk.example/agent/tickets/{id}"\n\n'
    )
    if tracker == "github":
        text += f'[github]\nrepo = "acme/app"\nurl = "{fake.api}"\nwrite_interval_s = 0\n'
        env = {"GITHUB_TOKEN": fakes.GH_TOKEN}
    else:
        deployment = kind.removeprefix("jira-")
        text += f'[jira]\nurl = "{fake.base}"\nproject = "SUP"\ndeployment = "{deployment}"\n'
        env = (
            {"JIRA_EMAIL": "nina@example.com", "JIRA_API_TOKEN": fakes.JIRA_TOKEN}
            if deployment == "cloud"
            else {"JIRA_PAT": fakes.JIRA_TOKEN}
        )
    path.write_text(text, encoding="utf-8")
    return env


@dataclass
class Attempt:
    returncode: int  # -9: killed
    output: str

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def not_done(self) -> set[str] | None:
        """The theme ids left undone by a finished run; None if it did not get to the end."""
        if self.returncode == 0:
            return set()
        match = NOT_DONE_RE.search(self.output)
        if self.returncode != 1 or match is None:
            return None
        return {item.split()[-1] for item in match.group(1).split(", ")}


class Zygote:
    """A helper process that imported the CLI once and forks one child per attempt."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        self._in, self._out = self.process.stdin, self.process.stdout
        if self._out.readline().strip() != "ready":
            raise RuntimeError("the zygote did not start")

    def start(self, argv: list[str], env: dict[str, str], log: Path) -> int:
        return self.start_all([(argv, env, log)])[0]

    def wait(self) -> int:
        return self.wait_all()[0]

    def start_all(self, runs: Sequence[tuple[list[str], dict[str, str], Path]]) -> list[int]:
        """Fork one child per run, all at once (overlapping runs); their pids."""
        request = [{"argv": argv, "env": env, "log": str(log)} for argv, env, log in runs]
        self._in.write(json.dumps({"runs": request}) + "\n")
        return [int(pid) for pid in self._out.readline().split()]

    def wait_all(self) -> list[int]:
        return [int(code) for code in self._out.readline().split()]

    def close(self) -> None:
        self._in.close()
        self.process.wait(timeout=30)


class Spawner:
    """A fresh `sddkit` process per attempt (slow: the interpreter starts each time)."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, argv: list[str], env: dict[str, str], log: Path) -> int:
        return self.start_all([(argv, env, log)])[0]

    def wait(self) -> int:
        return self.wait_all()[0]

    def start_all(self, runs: Sequence[tuple[list[str], dict[str, str], Path]]) -> list[int]:
        self.processes = []
        for argv, env, log in runs:
            with log.open("wb") as out:
                self.processes.append(
                    subprocess.Popen(
                        ["sddkit", *argv], env={**os.environ, **env}, stdout=out, stderr=out
                    )
                )
        return [process.pid for process in self.processes]

    def wait_all(self) -> list[int]:
        return [process.wait() for process in self.processes]

    def close(self) -> None:
        pass


def run_cli(
    launcher: Zygote | Spawner,
    killer: Any,
    workdir: Path,
    env: dict[str, str],
    *,
    now: datetime = fakes.NOW,
    at_once: int = 1,
) -> list[Attempt]:
    """`at_once` `sddkit triage --apply` processes started together over the store and
    config in `workdir` (the killer, when it fires, kills the first)."""
    argv = ["--db", str(workdir / "sddkit.db"), "--config", str(workdir / "sddkit.toml")]
    argv += ["triage", "--apply", "--now", now.isoformat()]
    logs = [workdir / f"output{n}.txt" for n in range(at_once)]
    killer.pid = launcher.start_all([(argv, env, log) for log in logs])[0]
    try:
        codes = launcher.wait_all()
    finally:
        killer.pid = None
    return [
        Attempt(code, log.read_text(encoding="utf-8", errors="replace"))
        for code, log in zip(codes, logs, strict=True)
    ]


@dataclass
class Killer:
    """Sends SIGKILL to the CLI process from the fake server's request handler."""

    pid: int | None = None

    def kill(self) -> bool:
        if self.pid is None:
            return False
        os.kill(self.pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(self.pid):
            time.sleep(0.002)  # dead before any answer can reach it
        return True


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False


def zygote() -> None:
    """Serve fork requests on stdin: answer each with the child's pid, then its status."""
    from sddkit.cli import main

    for module in ("sddkit.cli.triage", "github", "jira"):
        __import__(module)
    print("ready", flush=True)
    for line in sys.stdin:
        pids = [_fork(main, run) for run in json.loads(line)["runs"]]
        print(" ".join(map(str, pids)), flush=True)
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
        print(" ".join(map(str, codes)), flush=True)


def _fork(main: Any, request: dict[str, Any]) -> int:
    """A child running `sddkit` with the request's arguments; its pid."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.environ.update(request["env"])
            main(request["argv"], prog_name="sddkit")
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return pid


if __name__ == "__main__" and sys.argv[1:] == ["--zygote"]:
    zygote()
