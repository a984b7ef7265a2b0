from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest

from sddkit.rotation.config import load_config
from sddkit.rotation.deliver.caldav import CaldavCollection, PublishError, RemoteEvent
from sddkit.rotation.deliver.invites import Window
from sddkit.rotation.deliver.publish import (
    CREATE,
    DELETE,
    UNCHANGED,
    UPDATE,
    apply_publication,
    pending_publication,
    plan_publication,
)
from sddkit.rotation.deliver.settings import CaldavSettings
from sddkit.rotation.model import Shift
from sddkit.rotation.schedule import published, window
from sddkit.rotation.sequence import assign_sequences
from sddkit.store import open_store
from tests.support.servers import Radicale, write_team

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LEAVE = 'leave = ["2026-11-04..2026-11-06"]'
FOREIGN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//app//EN\r\nBEGIN:VEVENT\r\n"
    "UID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261104T080000Z\r\n"
    "DTEND:20261104T090000Z\r\nSUMMARY:Team lunch\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def publish(
    conn: sqlite3.Connection, path: Path, collection: CaldavCollection, *, apply: bool = True
) -> Counter[str]:
    config = load_config(path)
    changes = pending_publication(conn, config, collection, today=TODAY, weeks=2, now=NOW)
    if apply:
        apply_publication(collection, changes)
    return Counter(change.action for change in changes)


def server_events(radicale: Radicale, url: str) -> dict[str, icalendar.Event]:
    """Read the collection back with a separate caldav client, as a user's app would."""
    calendar = radicale.client().calendar(url=url)
    found: dict[str, icalendar.Event] = {}
    for item in calendar.events():
        (event,) = icalendar.Calendar.from_ical(item.data).walk("VEVENT")
        uid = str(event["UID"])
        assert uid not in found, f"duplicate event {uid}"
        found[uid] = event
    return found


def planned(conn: sqlite3.Connection, path: Path) -> dict[str, tuple[Shift, int]]:
    plan = window(published(conn, load_config(path), TODAY)[0], TODAY, date(2026, 11, 15))
    sequences = assign_sequences(conn, plan.shifts)
    return {shift.uid: (shift, sequences[shift.uid]) for shift in plan.shifts}


def assert_matches(
    conn: sqlite3.Connection, path: Path, events: dict[str, icalendar.Event]
) -> None:
    emails = {p.name: p.email for p in load_config(path).people}
    plan = planned(conn, path)
    ours = {uid: event for uid, event in events.items() if uid.endswith("@sddkit")}
    assert set(ours) == set(plan)
    for uid, (shift, sequence) in plan.items():
        event = ours[uid]
        assert event.decoded("DTSTART") == shift.start
        assert event.decoded("DTEND") == shift.end
        assert event["SEQUENCE"] == sequence  # sddkit's, not bumped by the caldav package
        assert str(event["ATTENDEE"]) == f"mailto:{emails[shift.person or '']}"
        assert event["ATTENDEE"].params["SCHEDULE-AGENT"] == "CLIENT"
        assert str(event["X-SDDKIT-TEAM"]) == "Acme"


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return open_store(tmp_path / "sddkit.db")


def test_publish_is_idempotent_and_follows_plan_changes(
    tmp_path: Path, conn: sqlite3.Connection, radicale: Radicale, caldav_settings: CaldavSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    collection = CaldavCollection(caldav_settings, "x")
    other = caldav_settings.url + "lunch.ics"
    collection.put(other, FOREIGN.format(uid="lunch-1@example.com", extra="").encode(), create=True)
    neighbour = FOREIGN.format(
        uid="apac-20261104T080000Z-engineer-0@sddkit", extra="X-SDDKIT-TEAM:Globex\r\n"
    )
    collection.put(caldav_settings.url + "globex.ics", neighbour.encode(), create=True)

    assert publish(conn, path, collection, apply=False) == {CREATE: 10}
    assert len(server_events(radicale, caldav_settings.url)) == 2  # the dry run wrote nothing
    assert publish(conn, path, collection) == {CREATE: 10}
    assert publish(conn, path, collection) == {UNCHANGED: 10}

    write_team(path, ana_leave=LEAVE, rotation_extra="end = 2026-11-10")
    counts = publish(conn, path, collection)
    assert counts[DELETE] == 3 and counts[UPDATE] >= 1 and CREATE not in counts
    events = [
        icalendar.Calendar.from_ical(item.data).walk("VEVENT")[0]
        for item in radicale.client().calendar(url=caldav_settings.url).events()
    ]
    assert sum(1 for e in events if str(e["UID"]) == "lunch-1@example.com") == 1
    globex = [e for e in events if str(e.get("X-SDDKIT-TEAM")) == "Globex"]
    assert len(globex) == 1 and str(globex[0]["SUMMARY"]) == "Team lunch"
    mine = {str(e["UID"]): e for e in events if str(e.get("X-SDDKIT-TEAM")) == "Acme"}
    assert_matches(conn, path, mine)
    assert publish(conn, path, collection) == {UNCHANGED: 7}


class Flaky(CaldavCollection):
    """Fails the `fail_at`-th write, as a dropped connection would."""

    def __init__(self, settings: CaldavSettings, fail_at: int) -> None:
        super().__init__(settings, "x")
        self.writes = 0
        self.fail_at = fail_at

    def put(self, href: str, body: bytes, *, create: bool) -> None:
        self.writes += 1
        if self.writes == self.fail_at:
            raise PublishError("connection reset")
        super().put(href, body, create=create)


def test_interrupted_publish_then_rerun_leaves_no_duplicates(
    tmp_path: Path, conn: sqlite3.Connection, radicale: Radicale, caldav_settings: CaldavSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    with pytest.raises(PublishError, match="connection reset"):
        publish(conn, path, Flaky(caldav_settings, fail_at=4))
    assert len(server_events(radicale, caldav_settings.url)) == 3
    collection = CaldavCollection(caldav_settings, "x")
    assert publish(conn, path, collection) == {UNCHANGED: 3, CREATE: 7}
    assert_matches(conn, path, server_events(radicale, caldav_settings.url))


def test_duplicate_resources_for_one_uid_are_collapsed(
    tmp_path: Path, conn: sqlite3.Connection, caldav_settings: CaldavSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    collection = CaldavCollection(caldav_settings, "x")
    publish(conn, path, collection)
    remote = collection.events()
    # Radicale refuses a second resource with the same UID, so the stale copy another server
    # might hold is added to the listing the diff works on.
    stale = RemoteEvent(caldav_settings.url + "stale-copy.ics", remote[0].uid, remote[0].event)
    changes = plan_publication(
        {item.uid: item.event for item in remote},
        [*remote, stale],
        collection,
        team="Acme",
        window=Window.weeks_from(load_config(path), TODAY, 2),
    )
    assert [(c.action, c.href) for c in changes if c.action != UNCHANGED] == [(DELETE, stale.href)]


def test_a_uid_held_by_another_team_is_a_clear_error(
    tmp_path: Path, conn: sqlite3.Connection, caldav_settings: CaldavSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    collection = CaldavCollection(caldav_settings, "x")
    clash = FOREIGN.format(
        uid="emea-20261104T080000Z-engineer-0@sddkit", extra="X-SDDKIT-TEAM:Globex\r\n"
    )
    collection.put(caldav_settings.url + "globex.ics", clash.encode(), create=True)
    with pytest.raises(
        PublishError,
        match=r"not team Acme's \(.*globex\.ics\); publish each team to its own calendar",
    ):
        publish(conn, path, collection, apply=False)
