"""`sddkit report`: write the team report (HTML, Markdown, JSON) for a period."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import now_option
from sddkit.report.build import build_report, period
from sddkit.report.render import FORMATS, write_report
from sddkit.report.settings import load_options
from sddkit.report.sources import (
    cached_tracker,
    configured_tracker,
    live_filed,
    team,
    triage_rules,
)
from sddkit.trackers.cache import load_filed, save_filed

DEFAULT_DAYS = 28


@click.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help=f"First day of the period (default: {DEFAULT_DAYS} days before --until).",
)
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: today).")
@now_option("when the report is made")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Directory for report.html, report.md and report.json.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Write only these formats (repeat the option; default: all).",
)
@click.option(
    "--no-tracker",
    is_flag=True,
    help="Use the issues cached by the last triage/report run instead of asking the tracker.",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, 52),
    help="Weeks before/after each fix to compare complaints [default: 4; config: [report]].",
)
@click.option(
    "--frt-target",
    type=click.FloatRange(0, min_open=True),
    help="First-response target in hours [default: 24; config: [report]].",
)
@click.option(
    "--repeat-window",
    type=click.FloatRange(0, min_open=True),
    help="Days within which a second ticket is a repeat contact [default: 7; config: [report]].",
)
@click.option(
    "--surfaced-first",
    type=click.IntRange(1),
    help="A person surfaced a theme if they answered one of its first K tickets "
    "[default: 3; config: [report]].",
)
@click.option(
    "--templates",
    "template_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Directory with report.html.j2 / report.md.j2 overriding the packaged ones.",
)
@pass_app
def report(
    app: AppContext,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
    out_dir: Path,
    formats: tuple[str, ...],
    no_tracker: bool,
    weeks: int | None,
    frt_target: float | None,
    repeat_window: float | None,
    surfaced_first: int | None,
    template_dir: Path | None,
) -> None:
    """Write the team report: which complaints led to which fixes and whether they stopped,
    support health, rotation participation, and the themes that still need an issue.

    \b
    The tracker (GitHub or Jira, from the config) is read, never written; its issues are
    cached in the store so `--no-tracker` can report offline later. Defaults for the
    figures' options can be set in the config's [report] section (see docs/report.md).
    """
    last: date = until.date() if until else now.astimezone(UTC).date()
    first: date = since.date() if since else last - timedelta(days=DEFAULT_DAYS - 1)
    period(first, last)  # check the period before asking the tracker
    options = load_options(
        app.config_path,
        weeks=weeks,
        frt_target_hours=frt_target,
        repeat_window_days=repeat_window,
        surfaced_first_k=surfaced_first,
    )
    options = dataclasses.replace(options, triage=triage_rules(app.config_path))
    conn = app.store()
    people, shifts, note = team(app.config_path, first, last, conn, now.date())
    if no_tracker:
        filed = load_filed(conn, cached_tracker(app.config_path))
    else:
        name, tracker = configured_tracker(app.config_path)
        filed = live_filed(tracker)
        save_filed(conn, name, filed)
    result = build_report(
        conn,
        since=first,
        until=last,
        filed=filed,
        shifts=shifts,
        now=now,
        people=people,
        options=options,
    )
    if note:
        result = result.with_note(note)
    paths = write_report(result, out_dir, formats or FORMATS, template_dir)
    fixes, issues = len(result.fixes), len(result.fixed)
    click.echo(
        f"Report {first} .. {last}: {result.health.tickets} tickets, "
        f"{fixes} fix{'es' if fixes != 1 else ''} traced "
        f"(closing {issues} issue{'s' if issues != 1 else ''}), "
        f"{len(result.todo)} theme families need an issue."
    )
    if result.fix_next:
        top = result.fix_next[0]
        who = f"{top.customers} customer{'s' if top.customers != 1 else ''}"
        click.echo(f"Fix next: {top.label} ({top.status}, {who}).")
    for path in paths:
        click.echo(f"  {path}")
