"""iTIP (RFC 5546) invitations for one shift seat, wrapped in a MIME message (RFC 6047).

The message shape is the one Google Calendar, Outlook and Apple Mail all recognise and show
accept/decline buttons for::

    multipart/mixed
      multipart/alternative
        text/plain                                  (templates/invite.txt.j2)
        text/calendar; method=REQUEST; charset=UTF-8
      application/ics; name=invite.ics              (the same calendar, as an attachment)

The MIME `method` parameter always equals the METHOD inside the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from zoneinfo import ZoneInfo

import icalendar

from sddkit.rotation.calendar import build_calendar, shift_event
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.spec import DEFAULT_DUTIES
from sddkit.templating import environment

REQUEST = "REQUEST"
CANCEL = "CANCEL"
TEMPLATE = "invite.txt.j2"


@dataclass(frozen=True)
class Invitation:
    """One iTIP message to send: a REQUEST (new or updated seat) or a CANCEL."""

    method: str  # REQUEST | CANCEL
    shift: Shift
    recipient: Person
    sequence: int
    update: bool = False  # a REQUEST replacing one sent earlier
    duties: str = DEFAULT_DUTIES  # the rotation's, for the event description
    reminder_minutes: int = 0  # VALARM lead time on a REQUEST

    @property
    def uid(self) -> str:
        return self.shift.uid


def itip_event(invitation: Invitation, organizer: Person, dtstamp: datetime) -> icalendar.Event:
    """The shift's feed event (same UID, SEQUENCE, wording), as an iTIP REQUEST or CANCEL."""
    event = shift_event(
        invitation.shift,
        invitation.recipient,
        invitation.sequence,
        dtstamp,
        organizer=organizer,
        duties=invitation.duties,
        reminder_minutes=invitation.reminder_minutes if invitation.method != CANCEL else 0,
    )
    if invitation.method == CANCEL:
        event.pop("STATUS")
        event.add("status", "CANCELLED")
        attendee = event["ATTENDEE"]
        for name in ("RSVP", "PARTSTAT"):
            attendee.params.pop(name, None)
    return event


def itip_calendar(
    invitation: Invitation, organizer: Person, dtstamp: datetime
) -> icalendar.Calendar:
    return build_calendar([itip_event(invitation, organizer, dtstamp)], method=invitation.method)


def compose(invitation: Invitation, organizer: Person, now: datetime) -> EmailMessage:
    """The complete e-mail for `invitation`, From the organizer, To the recipient."""
    calendar = itip_calendar(invitation, organizer, now).to_ical().decode("utf-8")
    recipient = invitation.recipient
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(invitation)
    message["From"] = formataddr((organizer.name, organizer.email))
    message["To"] = formataddr((recipient.name, recipient.email))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("sddkit", domain=organizer.email.rpartition("@")[2])
    message.set_content(text_part(invitation, organizer))
    message.add_alternative(
        calendar, subtype="calendar", params={"method": invitation.method}, charset="utf-8"
    )
    message.add_attachment(
        calendar.encode("utf-8"), maintype="application", subtype="ics", filename="invite.ics"
    )
    return message


def subject(invitation: Invitation) -> str:
    prefix = {
        (REQUEST, False): "Support shift",
        (REQUEST, True): "Updated support shift",
        (CANCEL, False): "Cancelled support shift",
        (CANCEL, True): "Cancelled support shift",
    }[invitation.method, invitation.update]
    shift = invitation.shift
    return f"{prefix}: {shift.rotation}, {span(shift, invitation.recipient.timezone)}"


def span(shift: Shift, timezone: str) -> str:
    """The shift's time in the reader's zone: "Mon 3 Mar 2025, 09:00–17:00 CET"."""
    zone = ZoneInfo(timezone)
    start, end = shift.start.astimezone(zone), shift.end.astimezone(zone)
    day = f"{start:%a} {start.day} {start:%b %Y}"
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M} {end:%Z}"
    return f"{day} {start:%H:%M} – {end:%a} {end.day} {end:%b %Y} {end:%H:%M} {end:%Z}"


def text_part(invitation: Invitation, organizer: Person) -> str:
    template = environment().get_template(TEMPLATE)
    return template.render(
        invitation=invitation,
        shift=invitation.shift,
        recipient=invitation.recipient,
        organizer=organizer,
        when=span(invitation.shift, invitation.recipient.timezone),
        cancelled=invitation.method == CANCEL,
    )
