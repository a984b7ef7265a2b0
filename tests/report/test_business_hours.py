"""Business hours for response targets, worked out by hand on a calendar with weekends and
Serbian public holidays (in 2024 RS is off on 05-01 and 05-02, Labour Day, and from the
Orthodox Good Friday 05-03 to Easter Monday 05-06)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from sddkit.errors import ConfigError
from sddkit.report.business_hours import BusinessHours
from sddkit.report.metrics import support_health
from sddkit.report.model import ReportOptions
from sddkit.report.render import render_markdown
from sddkit.report.settings import load_options
from sddkit.rotation.spec import HolidaySpec
from sddkit.tickets.model import Ticket

# 09:00-17:00 Belgrade (UTC+2 in May), Monday to Friday, Serbian holidays off.
OFFICE = BusinessHours("Europe/Belgrade", time(9), time(17), (0, 1, 2, 3, 4), HolidaySpec("RS"))


def utc(day: int, hour: float) -> datetime:
    return datetime(2024, 5, day, tzinfo=UTC) + timedelta(hours=hour)


def test_hours_between_skip_nights_weekends_and_holidays() -> None:
    # Thursday 2024-05-09 16:00 local (14:00 UTC) -> Friday 10:00 local: 1 h + 1 h = 2 h.
    assert OFFICE.hours_between(utc(9, 14), utc(10, 8)) == 2.0
    # Friday 2024-05-10 16:30 local -> Monday 2024-05-13 09:30 local: 0.5 h + 0.5 h.
    assert OFFICE.hours_between(utc(10, 14.5), utc(13, 7.5)) == 1.0
    # Tuesday 2024-04-30 16:00 local -> Tuesday 2024-05-07 10:00 local: 1 h on the 30th,
    # May 1-6 holidays and a weekend, 1 h on the 7th.
    assert OFFICE.hours_between(datetime(2024, 4, 30, 14, tzinfo=UTC), utc(7, 8)) == 2.0
    # Saturday to Sunday: none; backwards: none.
    assert OFFICE.hours_between(utc(11, 8), utc(12, 20)) == 0.0
    assert OFFICE.hours_between(utc(10, 8), utc(9, 8)) == 0.0
    assert OFFICE.describe() == "Mon–Fri 09:00–17:00 Europe/Belgrade, RS holidays off"


def test_response_target_in_business_hours() -> None:
    # Created Friday 2024-05-10 15:00 local (13:00 UTC), target 4 business hours.
    created = utc(10, 13)
    tickets = [
        # Answered Monday 10:00 local: 2 h Friday + 1 h Monday = 3 h: on target (62 calendar h).
        Ticket("t", "a", created, first_response_at=utc(13, 8)),
        # Answered Monday 12:00 local: 2 + 3 = 5 h: late.
        Ticket("t", "b", created, first_response_at=utc(13, 10)),
        # Unanswered; at `now` Monday 11:30 local it has waited 2 + 2.5 = 4.5 h: late.
        Ticket("t", "c", created),
        # Unanswered; created Monday 10:00 local, 1.5 h at `now`: not judged yet.
        Ticket("t", "d", utc(13, 8)),
    ]
    options = ReportOptions(frt_target_hours=4, business_hours=OFFICE)
    health = support_health(
        tickets, {}, since=utc(6, 0), until=utc(20, 0), now=utc(13, 9.5), options=options
    )
    assert health.first_response.count == 2
    assert (health.first_response.median, health.first_response.p90) == (4.0, 5.0)
    assert (health.over_target_count, health.over_target) == (2, 2 / 3)
    assert (health.unanswered, health.unanswered_late) == (2, 1)
    # In calendar hours all three judged tickets are far past 4 h.
    calendar = support_health(
        tickets,
        {},
        since=utc(6, 0),
        until=utc(20, 0),
        now=utc(13, 9.5),
        options=ReportOptions(frt_target_hours=4),
    )
    assert calendar.over_target == 1.0


def test_answers_given_while_closed_are_counted_not_read_as_no_wait() -> None:
    """A weekend ticket answered the same weekend waited no business hour: it is on target,
    counted apart and left out of the median, which would otherwise read 0 min."""
    tickets = [
        # Saturday 2024-05-11 10:00 local, answered 11:00 local: closed throughout.
        Ticket("t", "sat", utc(11, 8), first_response_at=utc(11, 9)),
        # Sunday night, answered Sunday night.
        Ticket("t", "sun", utc(12, 19), first_response_at=utc(12, 20)),
        # Monday 10:00 local, answered 12:00 local: 2 h.
        Ticket("t", "mon", utc(13, 8), first_response_at=utc(13, 10)),
        # Monday 10:00, answered the same second (an instant reply while open): 0 h, counted.
        Ticket("t", "now", utc(13, 8), first_response_at=utc(13, 8)),
    ]
    options = ReportOptions(frt_target_hours=4, business_hours=OFFICE)
    health = support_health(
        tickets, {}, since=utc(6, 0), until=utc(20, 0), now=utc(14, 9), options=options
    )
    assert health.answered_off_hours == 2
    assert health.first_response.count == 2 and health.first_response.median == 1.0
    assert (health.over_target_count, health.over_target) == (0, 0.0)
    assert OFFICE.is_open_at(utc(13, 8)) and not OFFICE.is_open_at(utc(11, 8))


def test_business_hours_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "rotations.toml"
    config.write_text(
        "[report]\nweeks = 2\n\n[report.business_hours]\n"
        'timezone = "Europe/Belgrade"\nhours = "08:30-16:30"\ndays = ["mon", "wed"]\n'
        'holidays = {country = "de", subdivision = "BY"}\n'
    )
    hours = load_options(config).business_hours
    assert hours == BusinessHours(
        "Europe/Belgrade", time(8, 30), time(16, 30), (0, 2), HolidaySpec("DE", "BY")
    )
    assert load_options(tmp_path / "missing.toml").business_hours is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('timezone = "Mars/Olympus"', r":5: report\.business_hours\.timezone: must be a time zone"),
        ('timezone = "UTC"\nhours = "17:00-09:00"', r":6: report\.business_hours\.hours: must be"),
        ('timezone = "UTC"\ndays = ["monday"]', r":6: report\.business_hours\.days: must be"),
        ('timezone = "UTC"\nholidays = "XX"', r":6: report\.business_hours\.holidays: no public"),
        ('timezone = "UTC"\nstart = "09:00"', r"unknown key"),
    ],
)
def test_bad_business_hours_name_file_line_and_field(
    tmp_path: Path, body: str, message: str
) -> None:
    config = tmp_path / "rotations.toml"
    config.write_text(f"[report]\nweeks = 2\n\n[report.business_hours]\n{body}\n")
    with pytest.raises(ConfigError, match=message):
        load_options(config)


def test_the_report_says_which_hours_count(sample: object) -> None:
    report = sample.report(options=ReportOptions(business_hours=OFFICE))  # type: ignore[attr-defined]
    assert (
        "First responses and the target count business hours: "
        "Mon–Fri 09:00–17:00 Europe/Belgrade, RS holidays off." in render_markdown(report)
    )
