"""`sddkit rotation invite` and `sddkit rotation publish`: shifts into people's calendars."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import now_option
from sddkit.rotation.config import TeamConfig, load_config
from sddkit.rotation.deliver.invites import (
    DEFAULT_WEEKS,
    pending_invitations,
    send_invitations,
)
from sddkit.rotation.deliver.itip import CANCEL, Invitation, span
from sddkit.rotation.deliver.settings import load_caldav_settings, load_smtp_settings
from sddkit.rotation.deliver.smtp import SmtpSender

F = TypeVar("F", bound=Callable[..., Any])


def _horizon_options(command: F) -> F:
    decorators = [
        click.option(
            "--weeks",
            type=click.IntRange(1, 104),
            default=DEFAULT_WEEKS,
            show_default=True,
            help="How far ahead to plan, from --today.",
        ),
        click.option(
            "--today",
            type=click.DateTime(["%Y-%m-%d"]),
            help="First day to plan (default: today in the organizer's time zone).",
        ),
        now_option("stamps DTSTAMP"),
        click.option(
            "--apply", is_flag=True, help="Act; without it, only show what would be done."
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _clock(config: TeamConfig, today: datetime | None, now: datetime) -> tuple[date, datetime]:
    moment = now.astimezone(UTC)
    if today is not None:
        return today.date(), moment
    return moment.astimezone(ZoneInfo(config.organizer.timezone)).date(), moment


@click.command()
@_horizon_options
@pass_app
def invite(app: AppContext, weeks: int, today: datetime | None, now: datetime, apply: bool) -> None:
    """E-mail each person calendar invitations (iTIP) for their upcoming shifts.

    New and changed shifts get a REQUEST (accept/decline in Google Calendar, Outlook, Apple
    Calendar); shifts removed or moved to someone else get a CANCEL. What was sent is kept in
    the store, so a second run sends nothing unless the plan changed. SMTP settings come
    from the [smtp] section of the config, the password from $SDDKIT_SMTP_PASSWORD.
    """
    config = load_config(app.config_path)
    first_day, moment = _clock(config, today, now)
    settings = load_smtp_settings(app.config_path) if apply else None
    conn = app.store()
    invitations = pending_invitations(conn, config, today=first_day, weeks=weeks, now=moment)
    organizer = config.organizer
    last_day = first_day + timedelta(weeks=weeks, days=-1)
    click.echo(f"Invitations from {organizer.name} <{organizer.email}>, {first_day} to {last_day}:")
    if not invitations:
        click.echo("Every calendar is up to date: nothing to send.")
        return
    for invitation in invitations:
        click.echo(_invitation_line(invitation))
    if settings is None:
        click.echo(f"Would send {_count(invitations)}. Run again with --apply to send.")
        return
    with SmtpSender(settings, settings.password()) as sender:
        send_invitations(conn, invitations, organizer, sender, now=moment)
    click.echo(f"Sent {_count(invitations)}.")


@click.command()
@_horizon_options
@pass_app
def publish(
    app: AppContext, weeks: int, today: datetime | None, now: datetime, apply: bool
) -> None:
    """Make a CalDAV calendar show the planned shifts: create, update, delete events.

    Only sddkit's own events for this team are touched; other events in the calendar are
    left alone. Idempotent: a second run changes nothing. Settings come from the [caldav]
    section of the config, the password from $SDDKIT_CALDAV_PASSWORD.
    """
    # Imported here: the CalDAV client stack takes a third of a second to load, which every
    # other `sddkit rotation` command would otherwise pay.
    from sddkit.rotation.deliver.caldav import CaldavCollection
    from sddkit.rotation.deliver.publish import apply_publication, pending_publication

    config = load_config(app.config_path)
    first_day, moment = _clock(config, today, now)
    settings = load_caldav_settings(app.config_path)
    collection = CaldavCollection(settings, settings.password())
    changes = pending_publication(
        app.store(), config, collection, today=first_day, weeks=weeks, now=moment
    )
    last_day = first_day + timedelta(weeks=weeks, days=-1)
    click.echo(f"Calendar {settings.url}, {first_day} to {last_day}:")
    for change in changes:
        if change.action != "unchanged":
            click.echo(f"  {change.action:<7}  {change.start:%Y-%m-%d %H:%M %Z}  {change.summary}")
    counts = Counter(change.action for change in changes)
    created, updated, deleted = counts["create"], counts["update"], counts["delete"]
    if created + updated + deleted == 0:
        click.echo(f"The calendar is up to date ({counts['unchanged']} events).")
    elif not apply:
        click.echo(
            f"Would create {created}, update {updated}, delete {deleted}"
            f" ({counts['unchanged']} unchanged). Run again with --apply to write."
        )
    else:
        apply_publication(collection, changes)
        click.echo(
            f"Created {created}, updated {updated}, deleted {deleted}"
            f" ({counts['unchanged']} unchanged)."
        )


def _invitation_line(invitation: Invitation) -> str:
    shift = invitation.shift
    return (
        f"  {invitation.method:<7}  {invitation.recipient.email:<20}  {shift.rotation} {shift.role}"
        f"  {span(shift, invitation.recipient.timezone)}  SEQUENCE {invitation.sequence}"
        + ("  (update)" if invitation.update else "")
    )


def _count(invitations: Sequence[Invitation]) -> str:
    cancels = sum(1 for i in invitations if i.method == CANCEL)
    people = len({i.recipient.email.lower() for i in invitations})
    noun = "message" if len(invitations) == 1 else "messages"
    return (
        f"{len(invitations)} {noun} ({len(invitations) - cancels} invitations, {cancels}"
        f" cancellations) to {people} {'person' if people == 1 else 'people'}"
    )
