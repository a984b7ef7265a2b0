"""`sddkit rotation invite`, `publish`, `remind` and `handoff`: shifts into people's calendars,
reminders into their chat and mail."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import now_option
from sddkit.errors import SddkitError
from sddkit.rotation.config import TeamConfig, load_config
from sddkit.rotation.deliver.chat import WEBHOOK_ENV, WebhookSender
from sddkit.rotation.deliver.invites import (
    DEFAULT_WEEKS,
    pending_invitations,
    send_invitations,
)
from sddkit.rotation.deliver.itip import CANCEL, Invitation, span
from sddkit.rotation.deliver.settings import load_caldav_settings, load_smtp_settings
from sddkit.rotation.deliver.smtp import SmtpSender
from sddkit.rotation.plan import Plan
from sddkit.rotation.remind import record_handoff, record_sent, reminder_email, reminders
from sddkit.rotation.schedule import published

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


@click.command()
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Take this as today (the time of day comes from --now).",
)
@click.option(
    "--via",
    type=click.Choice(["webhook", "email"]),
    multiple=True,
    default=("webhook",),
    show_default=True,
    help="Where to send: a Slack-compatible webhook ($SDDKIT_REMIND_WEBHOOK), e-mail ([smtp]).",
)
@now_option("the clock")
@click.option("--send", is_flag=True, help="Send; without it, only show what would be sent.")
@pass_app
def remind(
    app: AppContext, today: datetime | None, via: tuple[str, ...], now: datetime, send: bool
) -> None:
    """Tell people on support today or tomorrow (in their own time zone) that they are,
    with the last shift's handoff notes.

    Meant for a daily CI or cron job: `sddkit rotation remind --send`. Each reminder is sent
    once per channel: what was sent is kept in the store, so running it twice sends nothing
    new. The webhook URL is a secret read from $SDDKIT_REMIND_WEBHOOK; e-mail uses the
    [smtp] section and $SDDKIT_SMTP_PASSWORD.
    """
    config = load_config(app.config_path)
    moment = now.astimezone(UTC)
    if today is not None:
        moment = datetime.combine(today.date(), moment.timetz())
    channels = list(dict.fromkeys(via))
    with closing(app.store()) as conn:
        plan, _ = published(conn, config, moment.date())
        if not send:
            due = {
                (r.shift.uid, r.person.name): r
                for channel in channels
                for r in reminders(conn, config, plan, moment, via=channel)
            }
            found = sorted(due.values(), key=lambda r: (r.shift.start, r.person.name))
            for reminder in found:
                click.echo(f"Would send ({', '.join(channels)}) to {reminder.person.email}:")
                click.echo("  " + reminder.text().replace("\n", "\n  "))
            if not found:
                click.echo("Nothing to send: nobody on support today or tomorrow not yet reminded.")
            else:
                click.echo(f"Would send {len(found)} reminder(s). Run again with --send to send.")
            return
        sent = sum(_send(app, config, conn, plan, moment, channel) for channel in channels)
    if not sent:
        click.echo("Nothing to send: every reminder due was sent already.")
        return
    click.echo(f"Sent {sent} reminder(s) via {', '.join(channels)} at {moment:%Y-%m-%d %H:%M}.")


def _send(
    app: AppContext,
    config: TeamConfig,
    conn: sqlite3.Connection,
    plan: Plan,
    moment: datetime,
    channel: str,
) -> int:
    """Send the reminders due and not yet sent on `channel`, each kept in the ledger once
    sent; the number sent."""
    found = reminders(conn, config, plan, moment, via=channel)
    if not found:
        return 0
    if channel == "webhook":
        url = os.environ.get(WEBHOOK_ENV)
        if not url:
            raise SddkitError(f"set ${WEBHOOK_ENV} to the incoming webhook URL to post reminders")
        chat = WebhookSender(url)
        for reminder in found:
            chat.post(reminder.text())
            record_sent(conn, reminder, channel, moment)
        return len(found)
    settings = load_smtp_settings(app.config_path)
    with SmtpSender(settings, settings.password()) as sender:
        for reminder in found:
            sender.send(reminder_email(reminder, config.organizer))
            record_sent(conn, reminder, channel, moment)
    return len(found)


@click.command()
@click.argument("note")
@click.option("--rotation", "rotation_name", required=True, help="Rotation of the shift.")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Date of the shift (default: today)."
)
@now_option("stamped on the note")
@pass_app
def handoff(
    app: AppContext, note: str, rotation_name: str, day: datetime | None, now: datetime
) -> None:
    """Leave handoff notes for the next shift (`remind` sends them with its reminder)."""
    config = load_config(app.config_path)
    config.rotation(rotation_name)
    first_day, moment = _clock(config, day, now)
    with closing(app.store()) as conn:
        plan, _ = published(conn, config, first_day)
        shift = record_handoff(conn, plan, rotation_name, first_day, note, moment)
    click.echo(f"Handoff kept for the shift after {shift.rotation} {first_day}.")
