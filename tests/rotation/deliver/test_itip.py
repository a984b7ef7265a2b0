from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from sddkit.rotation.deliver.itip import CANCEL, REQUEST, Invitation, compose, span
from sddkit.rotation.model import Person, Shift

GOLDEN = Path(__file__).parent / "golden"
NINA = Person("Nina Kovač", "nina@example.com", "engineer", "Europe/Belgrade")
SAM = Person("Sam Carter", "sam@example.com", "engineer", "America/New_York")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BELGRADE = ZoneInfo("Europe/Belgrade")
SHIFT = Shift(
    rotation="emea",
    start=datetime(2026, 11, 2, 9, tzinfo=BELGRADE),
    end=datetime(2026, 11, 2, 12, tzinfo=BELGRADE),
    role="engineer",
    seat=0,
    person="Sam Carter",
)


def received(method: str, *, update: bool = False, sequence: int = 2) -> EmailMessage:
    """Compose, serialise as on the wire, and parse back as a mail client would."""
    message = compose(Invitation(method, SHIFT, SAM, sequence, update=update), NINA, NOW)
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize("method", [REQUEST, CANCEL])
def test_mime_structure_and_method_agree(method: str) -> None:
    message = received(method)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()  # type: ignore[misc]
    assert alternative.get_content_type() == "multipart/alternative"
    text, calendar_part = alternative.get_payload()
    assert text.get_content_type() == "text/plain"
    assert calendar_part.get_content_type() == "text/calendar"
    assert calendar_part.get_param("method") == method
    assert calendar_part.get_content_charset() == "utf-8"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    inline = icalendar.Calendar.from_ical(calendar_part.get_content())
    attached = icalendar.Calendar.from_ical(attachment.get_content())
    assert inline.to_ical() == attached.to_ical()
    assert inline["METHOD"] == method


def test_request_carries_organizer_attendee_uid_sequence() -> None:
    message = received(REQUEST)
    assert message["From"] == "Nina Kovač <nina@example.com>"
    assert message["To"] == "Sam Carter <sam@example.com>"
    assert message["Message-ID"].endswith("@example.com>")
    assert message["Date"] == "Sun, 01 Nov 2026 12:00:00 +0000"
    assert message["Subject"] == "Support shift: emea, Mon 2 Nov 2026, 03:00–06:00 EST"
    calendar = icalendar.Calendar.from_ical(message.get_payload()[0].get_payload()[1].get_content())  # type: ignore[index]
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == SHIFT.uid
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["ORGANIZER"]) == "mailto:nina@example.com"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:sam@example.com"
    assert dict(attendee.params) == {
        "CN": "Sam Carter",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert event.decoded("DTSTART") == SHIFT.start
    assert calendar.walk("VTIMEZONE"), "clients need the VTIMEZONE of the TZID used"


def test_cancel_is_cancelled_without_rsvp() -> None:
    message = received(CANCEL, sequence=3)
    assert message["Subject"].startswith("Cancelled support shift: emea")
    calendar = icalendar.Calendar.from_ical(message.get_payload()[1].get_content())  # type: ignore[index]
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 3
    assert "RSVP" not in event["ATTENDEE"].params


@pytest.mark.parametrize(
    ("method", "update", "golden"),
    [(REQUEST, False, "request.txt"), (REQUEST, True, "update.txt"), (CANCEL, False, "cancel.txt")],
)
def test_text_part_matches_golden(method: str, update: bool, golden: str) -> None:
    text = received(method, update=update).get_payload()[0].get_payload()[0].get_content()  # type: ignore[index]
    assert text.replace("\r\n", "\n") == (GOLDEN / golden).read_text(encoding="utf-8")


def test_span_in_the_readers_zone_and_across_midnight() -> None:
    assert span(SHIFT, "Europe/Belgrade") == "Mon 2 Nov 2026, 09:00–12:00 CET"
    night = Shift(
        "apac",
        SHIFT.start.replace(hour=22),
        SHIFT.end.replace(day=3, hour=2),
        "engineer",
        0,
        "Sam Carter",
    )
    assert span(night, "Europe/Belgrade") == "Mon 2 Nov 2026 22:00 – Tue 3 Nov 2026 02:00 CET"


def test_a_request_carries_the_reminder_and_a_cancel_none() -> None:
    def alarms(method: str) -> list[icalendar.cal.Component]:
        invitation = Invitation(method, SHIFT, SAM, 1, reminder_minutes=60)
        message = message_from_bytes(
            compose(invitation, NINA, NOW).as_bytes(), policy=policy.default
        )
        part = message.get_payload()[0].get_payload()[1]  # type: ignore[index,union-attr]
        return list(icalendar.Calendar.from_ical(part.get_content()).walk("VALARM"))

    (alarm,) = alarms(REQUEST)
    assert alarm.decoded("TRIGGER") == -timedelta(hours=1)
    assert alarms(CANCEL) == []
