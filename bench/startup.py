"""Start-up time of the read-only commands against `sddkit --version`, on the demo store.

    python bench/startup.py [--store DIR] [--rounds 7]

Builds the demo (`sddkit demo`'s store, calendars and report; about a minute, not timed)
in DIR (default: a temporary folder; an existing DIR/demo.db is reused), then runs each
command below in a fresh process, round after round in turn (so a busy machine slows all of
them alike), and prints the median wall time of each and its ratio to `sddkit --version`,
and the same for CPU time (user + system of the process): on a machine shared with other
work the wall times swing with the load, the CPU times much less.
Target: every ratio at most 3 (issue 25): a read-only command imports only what it uses
(no scikit-learn, no scipy.optimize), so what it adds to Python's start is its own work.

It also lists, per command, the heavy modules the process imported (from
`python -X importtime`), so a ratio that grows says why.

Each command runs once untimed first, with Python's bytecode cache on (in DIR/pycache, via
PYTHONPYCACHEPREFIX, whatever PYTHONDONTWRITEBYTECODE says): an installed sddkit has its
modules compiled by pip, so recompiling them on every run would time the checkout, not the
command.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("sklearn", "scipy.optimize", "scipy.sparse", "github", "jira", "numpy", "jinja2")
TARGET = 3.0


def commands(store: Path, config: Path) -> dict[str, list[str]]:
    """The timed commands, each as sddkit's arguments (the largest theme for `themes show`)."""
    from sddkit.store import open_store
    from sddkit.themes.store import load_themes

    conn = open_store(store / "demo.db")
    try:
        theme = max(load_themes(conn), key=lambda t: (t.size, t.id)).id
    finally:
        conn.close()
    base = ["--db", str(store / "demo.db"), "--config", str(config)]
    return {
        "--version": ["--version"],
        "report --no-tracker": [*base, "report", "--no-tracker", "--out", str(store / "r")],
        "rotation who": [*base, "rotation", "who"],
        f"themes show {theme}": [*base, "themes", "show", theme],
        "tickets stats": [*base, "tickets", "stats"],
    }


def run(args: list[str], env: dict[str, str], importtime: bool = False) -> tuple[float, float, str]:
    """Wall and CPU seconds of `sddkit ARGS` in a fresh interpreter, and its stderr. It runs in the
    temp dir, so the sddkit imported is the one on PYTHONPATH (another checkout's, to
    compare: `PYTHONPATH=../old python bench/startup.py`)."""
    flags = ["-X", "importtime"] if importtime else []
    code = "import sys; from sddkit.cli import main; sys.argv[0] = 'sddkit'; main()"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *flags, "-c", code, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tempfile.gettempdir(),
        env=env,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        raise SystemExit(f"sddkit {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return elapsed, cpu, done.stderr


def heavy_imports(stderr: str) -> list[str]:
    seen = set()
    for line in stderr.splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[-1].strip()
            seen.add(name)
    return [name for name in HEAVY if name in seen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="folder for the demo store (kept)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = args.store or Path(scratch)
        if not (store / "demo.db").exists():
            print(f"Building the demo store in {store} (not timed)...", flush=True)
            from sddkit.demo import run_demo

            run_demo(store)
        from sddkit.demo import example_config_path

        timed = commands(store, example_config_path())
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(store / "pycache")
        walls: dict[str, list[float]] = {name: [] for name in timed}
        cpus: dict[str, list[float]] = {name: [] for name in timed}
        for argv in timed.values():  # compile the modules once, warm the file cache
            run(argv, env)
        for _ in range(args.rounds):
            for name, argv in timed.items():
                wall, cpu, _ = run(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        base_wall = statistics.median(walls["--version"])
        base_cpu = statistics.median(cpus["--version"])
        print(f"median of {args.rounds} rounds; target: each ratio <= {TARGET:g}")
        print(f"{'command':28} {'wall s':>7} {'ratio':>6} {'CPU s':>7} {'ratio':>6}  heavy imports")
        worst = {"wall": 0.0, "CPU": 0.0}
        for name, argv in timed.items():
            wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
            worst["wall"] = max(worst["wall"], wall / base_wall)
            worst["CPU"] = max(worst["CPU"], cpu / base_cpu)
            modules = ", ".join(heavy_imports(run(argv, env, importtime=True)[2])) or "-"
            print(
                f"{name:28} {wall:7.3f} {wall / base_wall:6.2f} {cpu:7.3f} {cpu / base_cpu:6.2f}"
                f"  {modules}"
            )
        for kind, ratio in worst.items():
            verdict = "within" if ratio <= TARGET else "over"
            print(f"worst {kind} ratio {ratio:.2f} ({verdict} target)")


if __name__ == "__main__":
    main()
