"""A CalDAV calendar collection behind a three-method interface (the `caldav` package).

Events are written as raw iCalendar with a plain PUT, never through `caldav`'s save helpers,
which would raise SEQUENCE on every save: sddkit owns SEQUENCE (the shared ledger), so the
feed, the invitations and the server all carry the same number.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urljoin

import icalendar
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.lib.error import DAVError

from sddkit.errors import SddkitError
from sddkit.rotation.deliver.settings import CaldavSettings

_ICS = "text/calendar; charset=utf-8"


class PublishError(SddkitError):
    """The CalDAV server could not be read or refused a change."""


@dataclass(frozen=True)
class RemoteEvent:
    """One calendar object resource on the server: where it is and its main VEVENT."""

    href: str
    uid: str
    event: icalendar.Event


class CalendarCollection(Protocol):
    def events(self) -> list[RemoteEvent]:
        """Every event resource in the collection."""

    def href_for(self, uid: str) -> str:
        """Where a new resource for `uid` goes."""

    def put(self, href: str, body: bytes, *, create: bool) -> None:
        """Write one resource; with `create`, fail rather than overwrite an existing one."""

    def delete(self, href: str) -> None:
        """Remove one resource (already gone counts as done)."""


class CaldavCollection:
    """`CalendarCollection` for the collection at `settings.url`."""

    def __init__(self, settings: CaldavSettings, password: str | None = None) -> None:
        self.url = settings.url
        self._client = DAVClient(
            url=settings.url,
            username=settings.user,
            password=password,
            auth_type=None if settings.auth == "auto" else settings.auth,
            timeout=int(settings.timeout),
            ssl_verify_cert=settings.verify_tls,
        )

    def events(self) -> list[RemoteEvent]:
        try:
            objects = Calendar(client=self._client, url=self.url).events()
        except (DAVError, OSError) as error:
            raise PublishError(f"cannot read the calendar {self.url}: {_reason(error)}") from error
        assert isinstance(objects, list)  # the sync client; caldav also types an async one
        found = []
        for item in objects:
            event = _main_event(item.data)
            if event is not None:
                found.append(RemoteEvent(str(item.url), str(event.get("UID", "")), event))
        return found

    def href_for(self, uid: str) -> str:
        # Servers differ on which characters a resource name may hold (Radicale refuses an
        # encoded "/"), so keep a safe subset and disambiguate with a hash when we had to.
        name = re.sub(r"[^A-Za-z0-9@._-]", "-", uid)
        if name != uid:
            name += "-" + hashlib.sha256(uid.encode()).hexdigest()[:8]
        return urljoin(self.url, quote(name, safe="@-_.") + ".ics")

    def put(self, href: str, body: bytes, *, create: bool) -> None:
        headers = {"Content-Type": _ICS}
        if create:
            headers["If-None-Match"] = "*"
        self._check("PUT", href, lambda: self._client.put(href, body.decode("utf-8"), headers))

    def delete(self, href: str) -> None:
        self._check("DELETE", href, lambda: self._client.delete(href), also_fine=(404,))

    def _check(
        self, verb: str, href: str, call: Callable[[], Any], also_fine: tuple[int, ...] = ()
    ) -> None:
        try:
            response = call()
        except (DAVError, OSError) as error:
            raise PublishError(f"{verb} {href} failed: {_reason(error)}") from error
        status = int(response.status)
        if not (200 <= status < 300 or status in also_fine):
            raise PublishError(f"{verb} {href} refused by the server: {status} {response.reason}")


def _main_event(data: str | None) -> icalendar.Event | None:
    """The resource's VEVENT without RECURRENCE-ID (the master), if it has one."""
    if not data:
        return None
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError:
        return None
    for component in calendar.walk("VEVENT"):
        if "RECURRENCE-ID" not in component:
            assert isinstance(component, icalendar.Event)
            return component
    return None


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
