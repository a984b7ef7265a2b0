"""Plan 200 people x 52 weeks and print the time and the fairness figures.

    python bench/rotation.py

Two runs: a uniform team (the max-min spread per role must be <= 1) and the same team with
random leave and weights (each count must be within 1 of its fair share). Target: well under 2 s.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path

from sddkit.rotation.config import TeamConfig, parse_config
from sddkit.rotation.fairness import fairness
from sddkit.rotation.plan import plan_rotations

START = date(2027, 1, 4)
END = START + timedelta(weeks=52) - timedelta(days=1)
ZONES = ("Europe/Belgrade", "Europe/Warsaw", "Europe/Berlin")


def team(people: int, designers: int, *, leave: bool) -> TeamConfig:
    rng = random.Random(7)
    lines = [
        "[team]\nmin_gap_days = 2",
        '[[rotations]]\nname = "daily"\ntimezone = "Europe/Belgrade"\nwindow = "09:00-12:00"',
        f'days = "weekdays"\nstart = {START}\nengineers = 2\ndesigners = 1\nholidays = "RS"',
        '[[rotations]]\nname = "weekly"\ntimezone = "Europe/Berlin"\nwindow = "14:00-17:00"',
        f'days = ["wed"]\nstart = {START}\nengineers = 1',
    ]
    for index in range(people):
        role = "designer" if index < designers else "engineer"
        lines.append(
            f'[[people]]\nname = "Person {index}"\nemail = "p{index}@example.com"\n'
            f'role = "{role}"\ntimezone = "{ZONES[index % 3]}"'
        )
        if leave and rng.random() < 0.4:
            first = START + timedelta(days=rng.randrange(364))
            lines.append(f'leave = ["{first}..{first + timedelta(days=rng.randrange(3, 21))}"]')
        if leave and rng.random() < 0.1:
            lines.append("weight = 0.5")
    return parse_config("\n".join(lines) + "\n", Path("bench.toml"))


def run(label: str, config: TeamConfig) -> None:
    timings = []
    for _ in range(3):  # the first run also loads holiday tables and time zones
        began = time.perf_counter()
        plan = plan_rotations(config, START, END)
        timings.append(time.perf_counter() - began)
    figures = fairness(plan, config.people)
    print(f"{label}: {len(config.people)} people, {len(plan.shifts)} shifts over 52 weeks")
    print(f"  planning time      {timings[0]:.3f} s first run, {min(timings[1:]):.3f} s warm")
    for role in figures.roles:
        print(
            f"  {role.role + 's':<10} spread {role.spread_shifts} shifts,"
            f" balance {role.balance:.1%} raw, {role.share_balance:.1%} against fair shares"
        )
    print(f"  max |shifts - fair share|  {figures.max_deviation:.2f}  (limit 1)")
    print(f"  unstaffed seats    {len(plan.unstaffed)}; notes {len(plan.notes)}")
    gaps = [p.min_gap_days for p in figures.people if p.min_gap_days is not None]
    print(f"  smallest gap between one person's shifts  {min(gaps):g} days")


if __name__ == "__main__":
    run("uniform team", team(200, 30, leave=False))
    run("with leave and weights", team(200, 30, leave=True))
