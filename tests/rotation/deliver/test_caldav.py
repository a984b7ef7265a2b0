from __future__ import annotations

from urllib.parse import unquote

import pytest

from sddkit.rotation.deliver.caldav import CaldavCollection, PublishError
from sddkit.rotation.deliver.settings import CaldavSettings
from tests.support.servers import free_port

EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261102T080000Z\r\n"
    "DTEND:20261102T110000Z\r\nSEQUENCE:{sequence}\r\nSUMMARY:Ana, emea\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def body(uid: str, sequence: int = 0) -> bytes:
    return EVENT.format(uid=uid, sequence=sequence).encode()


def test_put_list_delete_round_trip(caldav_settings: CaldavSettings) -> None:
    collection = CaldavCollection(caldav_settings, "x")
    href = collection.href_for("emea-20261102T080000Z-engineer-0@sddkit")
    assert href == caldav_settings.url + "emea-20261102T080000Z-engineer-0@sddkit.ics"
    collection.put(href, body("emea-20261102T080000Z-engineer-0@sddkit"), create=True)
    (event,) = collection.events()
    assert (unquote(event.href), event.uid, event.event["SEQUENCE"]) == (
        href,
        "emea-20261102T080000Z-engineer-0@sddkit",
        0,
    )
    collection.put(href, body("emea-20261102T080000Z-engineer-0@sddkit", 4), create=False)
    assert collection.events()[0].event["SEQUENCE"] == 4  # the server keeps our SEQUENCE
    collection.delete(href)
    assert collection.events() == []
    collection.delete(href)  # already gone is fine: a re-run may repeat a delete


def test_create_never_overwrites(caldav_settings: CaldavSettings) -> None:
    collection = CaldavCollection(caldav_settings, "x")
    href = collection.href_for("a b/c@sddkit")
    assert href.startswith(caldav_settings.url + "a-b-c@sddkit-")
    assert href != collection.href_for("a-b-c@sddkit")
    collection.put(href, body("a b/c@sddkit"), create=True)
    with pytest.raises(PublishError, match=r"PUT .* refused by the server: 412"):
        collection.put(href, body("a b/c@sddkit", 1), create=True)


def test_unreachable_server_is_a_publish_error() -> None:
    settings = CaldavSettings(url=f"http://127.0.0.1:{free_port()}/nina/team/", timeout=2)
    with pytest.raises(PublishError, match="cannot read the calendar"):
        CaldavCollection(settings).events()
