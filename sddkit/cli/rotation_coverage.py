"""`sddkit rotation coverage`: is the rotation staffed for the tickets it serves?"""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.errors import SddkitError
from sddkit.report.settings import load_options
from sddkit.rotation.advice import hour_ranges
from sddkit.rotation.config import load_config
from sddkit.rotation.coverage import (
    Arrival,
    Cover,
    Pace,
    Prediction,
    arrivals_by_hour,
    backtest,
    fit,
    percentile,
    predict,
    smallest_change,
    spans_of,
    uncovered_hours,
)
from sddkit.rotation.schedule import current
from sddkit.tickets.store import iter_tickets

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@click.command()
@click.option(
    "--weeks",
    type=click.IntRange(1, 52),
    default=8,
    show_default=True,
    help="Recent weeks of arrivals to replay against the schedule.",
)
@click.option(
    "--history",
    type=click.IntRange(1, 52),
    default=8,
    show_default=True,
    help="Weeks before each past week whose pace predicts it (the check against actuals).",
)
@click.option("--target", type=float, help="First-response target, hours ([report]; default 24).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Take this as today.")
@pass_app
def coverage(
    app: AppContext, weeks: int, history: int, target: float | None, today: datetime | None
) -> None:
    """Arrivals by hour of week, the hours no shift covers, the reply pace on shift, the
    first response each rotation's schedule gives (p50/p90, replaying recent weeks) against
    the target, the smallest window change that meets it, and predicted against actual for
    past weeks. Reads the store and the published schedule; changes nothing."""
    config = load_config(app.config_path)
    goal = target if target is not None else load_options(app.config_path).frt_target_hours
    day = today.date() if today else date.today()
    with closing(app.store()) as conn:
        plan, note = current(conn, config, day)
        arrivals = [
            Arrival(t.created_at, t.first_response_at)
            for t in iter_tickets(conn, until=_midnight(day))
        ]
    if note:
        click.echo(f"Note: {note}.", err=True)
    if not arrivals:
        raise SddkitError("no tickets in the store: import some first (sddkit tickets import)")
    last = _monday_after(max(a.at for a in arrivals))
    first = last - timedelta(weeks=weeks)
    recent = [a for a in arrivals if first <= a.at < last]
    spans = spans_of(plan.shifts)
    cover = Cover(spans)
    pace = fit(recent, cover)
    overall, per_rotation = predict(recent, cover, pace)
    answered = sum(1 for a in recent if a.hours is not None)
    click.echo(
        f"Arrivals {first:%Y-%m-%d} to {last - timedelta(days=1):%Y-%m-%d} ({weeks} weeks):"
        f" {len(recent)} tickets, {answered} answered; target: first response within {goal:g} h"
        " (p90)."
    )
    _hour_table(recent, uncovered_hours(cover, first, last))
    _pace(pace)
    _rotations(per_rotation, overall, goal)
    if overall.p90 is not None and overall.p90 <= goal:
        click.echo("The schedule meets the target as it is: no change needed.")
    elif overall.p90 is not None:
        near = [
            s for s in spans if first - timedelta(days=1) <= s.start < last + timedelta(weeks=1)
        ]
        change = smallest_change(recent, near, pace, goal, (first, last))
        if change is None:
            click.echo("No extension of one rotation's window (up to 8 h) meets the target.")
        else:
            click.echo(
                f"Smallest change meeting the target: {change.describe()}"
                f" (+{change.person_hours:g} person-hours a week): predicted p90"
                f" {_h(change.predicted.p90)}."
            )
    _backtest(arrivals, cover, last, weeks, history)


def _hour_table(recent: list[Arrival], uncovered: list[list[bool]]) -> None:
    table = arrivals_by_hour(recent)
    click.echo("\nArrivals by hour of week (UTC; '.' marks hours no shift covers):")
    click.echo("     " + "".join(f"{h:>4}" for h in range(24)))
    for number, name in enumerate(DAYS):
        cells = [
            f"{count:>3}{'.' if uncovered[number][hour] else ' '}"
            for hour, count in enumerate(table[number])
        ]
        click.echo(f"{name}  " + "".join(cells))
    total = sum(map(sum, table)) or 1
    out = sum(table[d][h] for d in range(7) for h in range(24) if uncovered[d][h])
    rows: dict[str, list[str]] = {}
    for number, name in enumerate(DAYS):
        gaps = hour_ranges([h for h in range(24) if uncovered[number][h]])
        rows.setdefault(gaps, []).append(name)
    click.echo(
        "Uncovered (UTC): "
        + "; ".join(f"{', '.join(days)} {gaps}" for gaps, days in rows.items() if gaps)
        + f": {out / total:.0%} of arrivals."
    )


def _pace(pace: Pace) -> None:
    click.echo(
        f"\nReply pace: on shift p50 {_h(percentile(pace.on_shift, 0.5))}, p90"
        f" {_h(percentile(pace.on_shift, 0.9))} ({len(pace.on_shift)} tickets); off shift"
        f" {pace.all_off_shift()} tickets, {pace.share_before_next:.0%} answered before the"
        " next shift began."
    )


def _rotations(per_rotation: dict[str, Prediction], overall: Prediction, goal: float) -> None:
    click.echo("\nPredicted first response, replaying those weeks against the schedule:")
    click.echo(f"  {'rotation':<14}{'tickets':>8}{'p50':>9}{'p90':>9}")
    for name, found in per_rotation.items():
        click.echo(f"  {name:<14}{found.tickets:>8}{_h(found.p50):>9}{_h(found.p90):>9}")
    verdict = "meets" if overall.p90 is not None and overall.p90 <= goal else "misses"
    click.echo(
        f"  {'all':<14}{overall.tickets:>8}{_h(overall.p50):>9}{_h(overall.p90):>9}"
        f"  {verdict} the {goal:g} h target"
    )


def _backtest(
    arrivals: list[Arrival], cover: Cover, last: datetime, weeks: int, history: int
) -> None:
    found = backtest(arrivals, cover, last, weeks, history)
    if not found.weeks:
        return
    click.echo(f"\nPredicted against actual, each week from the {history} weeks before it:")
    click.echo(
        f"  {'week of':<12}{'tickets':>8}{'pred p50':>10}{'p50':>8}{'pred p90':>10}{'p90':>8}"
    )
    for week in found.weeks:
        click.echo(
            f"  {week.start:%Y-%m-%d}  {week.tickets:>8}{_h(week.predicted.p50):>10}"
            f"{_h(week.actual_p50):>8}{_h(week.predicted.p90):>10}{_h(week.actual_p90):>8}"
        )
    error = "" if found.error is None else f" ({found.error:+.0%} on the p90)"
    click.echo(
        f"  {'all':<12}{found.predicted.tickets:>8}{_h(found.predicted.p50):>10}"
        f"{_h(found.actual_p50):>8}{_h(found.predicted.p90):>10}{_h(found.actual_p90):>8}{error}"
    )


def _h(hours: float | None) -> str:
    return "-" if hours is None else f"{hours:.1f} h"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _monday_after(moment: datetime) -> datetime:
    day = moment.astimezone(UTC).date()
    return _midnight(day + timedelta(days=7 - day.weekday()))
