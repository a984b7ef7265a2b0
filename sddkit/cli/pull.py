"""`sddkit tickets pull`: fetch tickets from a helpdesk's API into the store, resumably."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import MOMENT, now_option
from sddkit.tickets.language import DEFAULT_LANGUAGES
from sddkit.tickets.pull.http import RetryPolicy
from sddkit.tickets.pull.pacing import Limits, Pacer
from sddkit.tickets.pull.run import PullResult, PullSettings, pull
from sddkit.tickets.pull.sources import SOURCES, source_from_env

FIRST_PULL_DAYS = 30


@click.command("pull")
@click.option(
    "--source", "source_name", type=click.Choice(list(SOURCES)), required=True,
    help="The helpdesk (credentials from its SDDKIT_<HELPDESK>_* variables, see docs/ci.md).",
)  # fmt: skip
@click.option(
    "--since",
    type=MOMENT,
    help=f"Start at this time instead of where the last pull stopped, and read every ticket "
    f"from then again (first pull: {FIRST_PULL_DAYS} days ago).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after about this many tickets.")
@click.option("--dry-run", is_flag=True, help="Fetch and show what would be stored; store nothing.")
@click.option(
    "--languages",
    default=",".join(DEFAULT_LANGUAGES),
    show_default=True,
    help="Languages to detect among, comma-separated.",
)
@click.option("--no-detect-language", is_flag=True, help="Do not detect missing languages.")
@click.option(
    "--rate-limit", type=click.FloatRange(min=1), metavar="PER_MINUTE",
    help="Requests a minute (default: the helpdesk's documented limit; its rate-limit headers "
    "narrow it): higher for a plan with more, lower to leave other integrations a share.",
)  # fmt: skip
@click.option(
    "--sweep-every", type=click.FloatRange(min=0), default=0.0, show_default=True,
    metavar="HOURS", help="Hours between looks for tickets deleted in the helpdesk (Help "
    "Scout and Intercom: a list of every id; 0: each complete pull).",
)  # fmt: skip
@now_option("the first pull starts 30 days before it")
@pass_app
def pull_command(
    app: AppContext,
    source_name: str,
    since: datetime | None,
    limit: int | None,
    dry_run: bool,
    languages: str,
    no_detect_language: bool,
    rate_limit: float | None,
    sweep_every: float,
    now: datetime,
) -> None:
    """Pull new and changed tickets, with their conversations, from a helpdesk's API.

    The position is saved in the store after every page, so a killed or failed pull resumes
    where it stopped and a skipped week loses nothing; pulling again is safe.
    """
    retry = RetryPolicy()
    pacers: list[Pacer] = []

    def pacer(limits: Limits) -> Pacer:
        pacers.append(Pacer(limits, rate_limit))
        return pacers[-1]

    source = source_from_env(
        source_name, os.environ, since or now - timedelta(days=FIRST_PULL_DAYS), retry, pacer
    )
    settings = PullSettings(
        now=now,
        limit=limit,
        dry_run=dry_run,
        restart=since is not None,
        languages=tuple(code.strip() for code in languages.split(",") if code.strip()),
        detect_languages=not no_detect_language,
        sweep_every=timedelta(hours=sweep_every),
    )
    result = pull(app.store(), source, settings, _progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        click.echo("", err=True)
    if dry_run:
        for ticket in result.would_store:
            status = f" [{ticket.status}]" if ticket.status else ""
            click.echo(f"would store {ticket.key}{status}: {ticket.subject[:60]}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    paced = sum(p.waited_s for p in pacers)
    if paced >= 1:
        slowest = min(p.per_minute for p in pacers)
        click.echo(f"paced to {slowest:,.0f} requests a minute: {paced:.0f} s", err=True)
    if retry.waited_s:
        limited = f" ({retry.rate_limited} rate limited)" if retry.rate_limited else ""
        click.echo(f"waited {retry.waited_s:.0f} s for retries{limited}", err=True)
    click.echo(_summary(source_name, source.account, result, dry_run))


def _progress(result: PullResult) -> None:
    click.echo(f"\rPulling: {_counts(result)}", err=True, nl=False)


def _summary(name: str, account: str, result: PullResult, dry_run: bool) -> str:
    head = f"{name} ({account}): {_counts(result)}"
    if dry_run:
        return f"{head} (dry run: nothing stored)"
    summary = result.summary
    line = f"{head}: {summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged"
    if result.gone:
        line += f"; {result.gone} deleted in the helpdesk, hidden"
    if result.cut:
        line += f"; {result.cut} conversations only in part (the API's limit, see the notes)"
    if result.warnings:
        line += f"; {len(result.warnings)} fields cut to the length limit"
    return line if result.complete else f"{line}; more to pull: run again"


def _counts(result: PullResult) -> str:
    tickets = "1 ticket" if result.tickets == 1 else f"{result.tickets} tickets"
    pages = "1 page" if result.pages == 1 else f"{result.pages} pages"
    return f"{tickets} in {pages}"
