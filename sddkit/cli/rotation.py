"""`sddkit rotation ...`: plan, who, mine, check, swap, ics. A thin shell over sddkit.rotation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import LazySubcommands, now_option
from sddkit.errors import SddkitError
from sddkit.rotation import render
from sddkit.rotation.advice import advise
from sddkit.rotation.audit import violations
from sddkit.rotation.config import TeamConfig, load_config
from sddkit.rotation.fairness import fairness
from sddkit.rotation.plan import Plan
from sddkit.rotation.schedule import current, plans, published, record_swap, replan, window
from sddkit.rotation.specparse import did_you_mean
from sddkit.rotation.stability import Changes, read_plan_file
from sddkit.rotation.swap import plan_swap, write_overrides

DATE = click.DateTime(formats=["%Y-%m-%d"])
MOMENT = click.DateTime(formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


def horizon(default_weeks: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--today, --from, --to / --weeks, shared by the commands that plan a date range."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option("--today", type=DATE, help="Take this as today (default: the real date)."),
            click.option("--from", "first", type=DATE, help="First day to show (default: today)."),
            click.option("--to", "last", type=DATE, help="Last day to show (inclusive)."),
            click.option(
                "--weeks",
                type=click.IntRange(1, 520),
                default=default_weeks,
                show_default=True,
                help="Length of the range when --to is not given.",
            ),
        ]
        return functools.reduce(lambda f, option: option(f), reversed(options), command)

    return decorate


def _range(
    today: datetime | None, first: datetime | None, last: datetime | None, weeks: int
) -> tuple[date, date, date]:
    day = today.date() if today else date.today()
    start = first.date() if first else day
    end = last.date() if last else start + timedelta(weeks=weeks) - timedelta(days=1)
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    return day, start, end


@click.group(
    cls=LazySubcommands,
    lazy={
        "invite": "sddkit.cli.rotation_deliver:invite",
        "publish": "sddkit.cli.rotation_deliver:publish",
        "remind": "sddkit.cli.rotation_deliver:remind",
        "handoff": "sddkit.cli.rotation_deliver:handoff",
        "coverage": "sddkit.cli.rotation_coverage:coverage",
    },
)
def rotation() -> None:
    """Plan fair support rotations from rotations.toml; who is on; calendars.

    \b
    The planner never books anyone on leave, a public holiday or two shifts at once, keeps
    everyone within one shift of their fair share, spreads shifts out, and keeps past and
    still-valid shifts when re-planning. See docs/rotations.md.
    """


def _schedule(
    app: AppContext, today: date, first: date, last: date
) -> tuple[TeamConfig, Plan, Changes, Plan]:
    """The published schedule (brought up to date) and the part of it from `first` to `last`."""
    config = load_config(app.config_path)
    with closing(app.store()) as conn:
        plan, changes = published(conn, config, today)
    return config, window(plan, first, last), changes, plan


def _view(
    app: AppContext,
    config: TeamConfig,
    today: date,
    first: date,
    last: date,
    *,
    holidays_checked: bool = False,
) -> tuple[Plan, Plan]:
    """For read-only commands: the published schedule as saved (never extended or re-planned
    here) and the part of it from `first` to `last`. A config loaded with its holidays
    unchecked (`load_config`) is loaded again, checked, when there is no schedule yet or it
    changed since: `current` then plans."""
    with closing(app.store()) as conn:
        if not holidays_checked and plans(conn, config, today, extend=False):
            config = load_config(app.config_path)
        plan, note = current(conn, config, today)
    if note:
        click.echo(f"Note: {note}.", err=True)
    return window(plan, first, last), plan


@rotation.command("plan", short_help="Who is on support each day, and what changed.")
@horizon(default_weeks=4)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--replan",
    "replan_it",
    is_flag=True,
    help="Re-plan the published schedule (fairest in hours, fewest changes, freeze window kept).",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Re-plan against this earlier plan (a --format json file) instead of the published one.",
)
@click.option(
    "--save/--no-save",
    default=True,
    show_default=True,
    help="With --replan/--previous: publish the re-plan (--no-save: only show it).",
)
@pass_app
def plan_command(
    app: AppContext,
    today: datetime | None,
    first: datetime | None,
    last: datetime | None,
    weeks: int,
    fmt: str,
    replan_it: bool,
    previous: Path | None,
    save: bool,
) -> None:
    """Show the published schedule (who is on support each day) and what changed in it.

    Every rotation command reads the same published schedule; it changes only through
    --replan, a swap or a config change, and those never move a shift inside the freeze
    window unless its person can no longer do it. The range shown changes nothing.
    """
    day, start, end = _range(today, first, last, weeks)
    if replan_it or previous:
        config = load_config(app.config_path)
        before = read_plan_file(previous) if previous else None
        with closing(app.store()) as conn:
            published(conn, config, day)
            whole, changes = replan(conn, config, day, previous=before, save_it=save)
        plan = window(whole, start, end)
    else:
        config, plan, changes, whole = _schedule(app, day, start, end)
    for problem in violations(config, whole, start, end):
        click.echo(f"Warning: {problem}", err=True)
    if fmt == "json":
        click.echo(render.plan_json(plan, changes), nl=False)
    elif fmt == "csv":
        click.echo(render.plan_csv(plan), nl=False)
        click.echo(render.changes_text(changes), err=True)
    else:
        click.echo(render.plan_table(plan))
        click.echo("\n" + render.fairness_summary(fairness(whole, config.people), whole))
        click.echo(render.changes_text(changes))


@rotation.command()
@click.option("--at", "at", type=MOMENT, help="Local date and time to ask about (default: now).")
@click.option("--tz", "zone", help="Time zone of --at (default: the organizer's).")
@click.option("--today", type=DATE, hidden=True)
@pass_app
def who(app: AppContext, at: datetime | None, zone: str | None, today: datetime | None) -> None:
    """Who is on support now (or --at a moment), and who is next.

    Reads the published schedule only: asking about a moment past its end extends nothing
    (`sddkit rotation plan` does, up to horizon_weeks ahead)."""
    config = load_config(app.config_path, check_holidays=False)  # see load_config
    tz = _zone(zone or config.organizer.timezone)
    moment = at.replace(tzinfo=tz) if at else datetime.now(UTC).astimezone(tz)
    day = moment.date()
    real_today = today.date() if today else datetime.now(tz).date()
    plan, whole = _view(app, config, real_today, day - timedelta(days=1), day + timedelta(days=42))
    click.echo(render.who_text(moment, plan, [r.name for r in config.rotations]))
    if day > whole.end:
        click.echo(
            f"{day} is past the published schedule, which ends {whole.end}; it reaches"
            f" {config.horizon_weeks} weeks ahead (horizon_weeks) as `sddkit rotation plan`"
            " extends it week by week."
        )


@rotation.command()
@click.argument("name")
@horizon(default_weeks=8)
@pass_app
def mine(
    app: AppContext,
    name: str,
    today: datetime | None,
    first: datetime | None,
    last: datetime | None,
    weeks: int,
) -> None:
    """NAME's shifts (name or e-mail), in their own time zone."""
    day, start, end = _range(today, first, last, weeks)
    config = load_config(app.config_path, check_holidays=False)  # see load_config
    plan, _ = _view(app, config, day, start, end)
    person = config.person(name)
    click.echo(render.person_shifts(person, [s for s in plan.shifts if s.person == person.name]))


@rotation.command(short_help="Validate the config and print fairness figures.")
@horizon(default_weeks=13)
@pass_app
def check(
    app: AppContext,
    today: datetime | None,
    first: datetime | None,
    last: datetime | None,
    weeks: int,
) -> None:
    """Validate rotations.toml and print fairness figures; exit 1 if a shift has nobody,
    someone is booked against the hard rules (an override onto their leave or day off, a
    forced swap that double-books them), or someone is further from their fair share in
    hours than the longest shift. Reads the published schedule; changes nothing."""
    day, start, end = _range(today, first, last, weeks)
    config = load_config(app.config_path)  # the holidays' countries checked in full
    plan, whole = _view(app, config, day, start, end, holidays_checked=True)
    figures = fairness(whole, config.people)
    click.echo(
        f"{app.config_path}: valid; {len(plan.shifts)} shifts from {start} to {end}; fairness"
        f" over the published schedule, {whole.start} to {whole.end}.\n"
    )
    click.echo(render.fairness_text(figures))
    problems = [
        f"unstaffed {u.shift.rotation} {u.shift.start:%Y-%m-%d}: {u.reason}" for u in plan.unstaffed
    ]
    problems += violations(config, whole, start, end)
    if not figures.fair:
        worst = max(figures.people, key=lambda p: abs(p.hours_deviation))
        problems.append(
            f"{worst.name} is {abs(worst.hours_deviation):.2f} hours from their fair share"
            f" (limit: the longest shift, {figures.hours_limit:g} hours)"
        )
    for note in plan.notes:
        click.echo(f"Note: {note}")
    for warning in advise(config, start):
        click.echo(f"Warning: {warning}")
    if problems:
        raise SddkitError("; ".join(problems))


@rotation.command(short_help="Hand a shift to someone else (an override).")
@click.option("--rotation", "rotation_name", required=True, help="Rotation name.")
@click.option("--date", "day", type=DATE, required=True, help="Date of the shift to hand over.")
@click.option("--from", "giver", required=True, help="Who is on that shift now.")
@click.option("--to", "taker", required=True, help="Who takes it.")
@click.option(
    "--back", type=DATE, help="A shift of --to's (same rotation) that --from takes in return."
)
@click.option(
    "--force", is_flag=True, help="Swap even if it double-books someone or breaks min_gap_days."
)
@click.option("--today", type=DATE, help="Take this as today (default: the real date).")
@pass_app
def swap(
    app: AppContext,
    rotation_name: str,
    day: datetime,
    giver: str,
    taker: str,
    back: datetime | None,
    force: bool,
    today: datetime | None,
) -> None:
    """Hand a shift to someone else, as an override in rotations.toml (comments are kept).

    Only the seats swapped change in the published schedule. A swap that would put someone
    on two shifts at once or closer than min_gap_days (in any rotation) is refused unless
    --force."""
    config = load_config(app.config_path)
    with closing(app.store()) as conn:
        plan, _ = published(conn, config, today.date() if today else date.today())
        swapped = plan_swap(
            config,
            plan,
            rotation_name,
            day.date(),
            giver,
            taker,
            back.date() if back else None,
            force=force,
        )
        updated = write_overrides(app.config_path, swapped.covers)
        record_swap(conn, updated, [(cover.shift, cover.person) for cover in swapped.covers])
    for warning in swapped.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for cover in swapped.covers:
        click.echo(f"Override added to {app.config_path}: {cover.describe()}")


@rotation.command()
@horizon(default_weeks=13)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("calendars"),
    show_default=True,
    help="Directory for team.ics and one <name>.ics per person.",
)
@now_option("stamped on the events as DTSTAMP")
@pass_app
def ics(
    app: AppContext,
    today: datetime | None,
    first: datetime | None,
    last: datetime | None,
    weeks: int,
    out_dir: Path,
    now: datetime,
) -> None:
    """Write RFC 5545 calendars: a team feed and one per person."""
    from sddkit.rotation.feeds import write_feeds  # icalendar: only this command needs it

    day, start, end = _range(today, first, last, weeks)
    stamp = now.astimezone(UTC)
    config = load_config(app.config_path)
    with closing(app.store()) as conn:
        whole, note = current(conn, config, day)
        plan = window(whole, start, end)
        paths = write_feeds(conn, config, plan, out_dir, stamp)
    if note:
        click.echo(f"Note: {note}.", err=True)
    click.echo(f"Wrote {len(paths)} calendars ({len(plan.shifts)} shifts) to {out_dir}/")
    if plan.unstaffed:
        click.echo(
            f"Warning: {len(plan.unstaffed)} unstaffed shifts; see `sddkit rotation plan`.",
            err=True,
        )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError) as error:
        hint = did_you_mean(name, available_timezones())
        raise click.BadParameter(f"unknown time zone {name!r}{hint}", param_hint="--tz") from error
