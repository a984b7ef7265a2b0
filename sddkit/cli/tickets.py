"""`sddkit tickets`: import helpdesk exports into the store; statistics."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime, time
from typing import Any

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import LazySubcommands
from sddkit.tickets.stats import ticket_stats


@click.group(
    cls=LazySubcommands,
    # Loaded when run: the export readers and the helpdesk clients (HTTP, TLS) take longer
    # to import than `tickets stats` takes to run.
    lazy={
        "import": "sddkit.cli.tickets_import:import_command",
        "pull": "sddkit.cli.pull:pull_command",
    },
)
def tickets() -> None:
    """Import helpdesk exports or pull from a helpdesk into the store; statistics."""


def _day(value: date | None, zone: Any = UTC) -> datetime | None:
    return datetime.combine(value, time(), zone) if value else None


@tickets.command("stats")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (UTC), inclusive.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (UTC), exclusive.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def stats(app: AppContext, since: datetime | None, until: datetime | None, as_json: bool) -> None:
    """Ticket counts by ISO week, channel and language; first-response median and p90."""
    figures = ticket_stats(
        app.store(), _day(since.date() if since else None), _day(until.date() if until else None)
    )
    if as_json:
        click.echo(json.dumps(asdict(figures), indent=2, ensure_ascii=False))
        return
    click.echo(f"Tickets: {figures.total}")
    for title, counts in (
        ("By ISO week", figures.by_week),
        ("By channel", figures.by_channel),
        ("By language", figures.by_language),
    ):
        click.echo(f"\n{title}:")
        width = max((len(key) for key in counts), default=0)
        for key, count in counts.items():
            click.echo(f"  {key:<{width}}  {count:>7}")
    click.echo("\nFirst response:")
    if figures.first_response_median_h is None:
        click.echo("  no first-response times")
    else:
        click.echo(f"  median  {_hours(figures.first_response_median_h)}")
        click.echo(f"  p90     {_hours(figures.first_response_p90_h)}")
        click.echo(f"  ({figures.responded} of {figures.total} tickets answered)")


def _hours(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 60:.0f} min" if value < 1 else f"{value:.1f} h"
