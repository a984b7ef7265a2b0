"""`sddkit followup`: tell the customers whose complaints a fix answered (dry run by default)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import now_option
from sddkit.followup.apply import apply
from sddkit.followup.helpdesks import open_helpdesks
from sddkit.followup.model import Draft
from sddkit.followup.plan import plan_followups
from sddkit.followup.render import plan_text
from sddkit.followup.settings import load_followup_settings
from sddkit.report.build import period
from sddkit.report.settings import load_options
from sddkit.report.sources import configured_tracker, live_filed
from sddkit.trackers.cache import load_filed, save_filed

DEFAULT_DAYS = 7


@click.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help=f"First day of the fixes' period (default: {DEFAULT_DAYS} days before --until).",
)
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: today).")
@now_option("when the follow-ups are written")
@click.option(
    "--no-tracker",
    is_flag=True,
    help="Use the issues cached by the last triage/report run instead of asking the tracker.",
)
@click.option("--show", is_flag=True, help="Print every draft in full.")
@click.option(
    "--apply",
    "do_apply",
    is_flag=True,
    help="Write the drafts to the helpdesks (credentials from SDDKIT_<HELPDESK>_* variables).",
)
@click.option(
    "--templates",
    "template_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Directory with followup/<language>.txt.j2 overriding [followup] templates.",
)
@pass_app
def followup(
    app: AppContext,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
    no_tracker: bool,
    show: bool,
    do_apply: bool,
    template_dir: Path | None,
) -> None:
    """Draft a reply to every customer whose complaint a fix of the period answered, in
    their language, and with --apply write it to their ticket (an internal note unless
    [followup] says public = true).

    \b
    Left out: hidden (spam, deleted, merged) tickets, customers answered after the fix,
    those already told, and tickets or customers [followup] says to leave alone. A ledger
    in the store and a marker in each note make re-runs and killed runs write each note
    once. See docs/followup.md.
    """
    last: date = until.date() if until else now.astimezone(UTC).date()
    first: date = since.date() if since else last - timedelta(days=DEFAULT_DAYS - 1)
    period(first, last)
    settings = load_followup_settings(app.config_path)
    conn = app.store()
    if no_tracker:
        filed = load_filed(conn)
    else:
        name, tracker = configured_tracker(app.config_path)
        filed = live_filed(tracker)
        save_filed(conn, name, filed)
    plan = plan_followups(
        conn,
        filed=filed,
        since=first,
        until=last,
        now=now,
        settings=settings,
        options=load_options(app.config_path),
        template_dir=template_dir,
    )
    click.echo(f"Follow-ups for the fixes made {first} .. {last}")
    click.echo(plan_text(plan, show=show), nl=False)
    if not do_apply:
        click.echo("(dry run: nothing written; --show prints every draft, --apply writes them)")
        return
    needed = sorted({d.helpdesk for d in plan.drafts})
    desks, pacers = open_helpdesks(needed, os.environ, settings.per_minute_for)
    result = apply(conn, plan.drafts, desks, pacers, clock=lambda: now, progress=_progress)
    for _, why in result.refused:
        click.echo(f"  failed: {why}", err=True)
    waited = sum(p.waited_s for p in pacers.values())
    click.echo(
        f"Wrote {len(result.written)} follow-up{'s' if len(result.written) != 1 else ''}; "
        f"{len(result.found)} already on their ticket, {result.already} already told"
        + (f"; {len(result.refused)} refused by the helpdesk" if result.refused else "")
        + (f"; paced {waited:.0f} s" if waited >= 1 else "")
        + "."
    )
    if result.refused:
        sys.exit(1)


def _progress(state: str, draft: Draft) -> None:
    where = {"found": "already on the ticket", "refused": "see below"}.get(state, draft.language)
    click.echo(f"  {state} {draft.recipient.ticket.key} ({where})")
