"""Real servers on loopback: aiosmtpd for SMTP, Radicale (a subprocess) for CalDAV."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import caldav
import pytest
from aiosmtpd.controller import Controller

from sddkit.rotation.deliver.settings import CaldavSettings, SmtpSettings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """Collects what the SMTP server accepted; refuses the message numbered `refuse_at`."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_at: int | None = None  # 1-based count of DATA commands
    attempts: int = 0
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.attempts == self.refuse_at:
            return "550 5.7.1 Message rejected by policy"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(mailbox: Mailbox) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=mailbox.port, security="none", timeout=5)


@dataclass
class Radicale:
    url: str

    def client(self, user: str = "nina") -> caldav.DAVClient:
        return caldav.DAVClient(url=self.url, username=user, password="x", auth_type="basic")

    def new_calendar(self, user: str = "nina") -> str:
        """A fresh, empty collection (one per test, on the shared server)."""
        principal = self.client(user).principal()
        name = f"team-{uuid.uuid4().hex[:8]}"
        return str(principal.make_calendar(name=name, cal_id=name).url)


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    storage: Path = tmp_path_factory.mktemp("radicale")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--rights-type",
            "owner_only",
            "--storage-filesystem-folder",
            str(storage),
            "--logging-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield Radicale(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"radicale exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("radicale did not start within 20 s")


@pytest.fixture
def caldav_settings(radicale: Radicale) -> CaldavSettings:
    return CaldavSettings(url=radicale.new_calendar(), user="nina", auth="basic", timeout=10)


TEAM = """
[team]
name = "Acme"
organizer = "Nina Kovač"

[[rotations]]
name = "emea"
timezone = "Europe/Belgrade"
window = "09:00-12:00"
days = "weekdays"
start = 2026-11-02
engineers = 1
{rotation_extra}

[[people]]
name = "Nina Kovač"
email = "nina@example.com"
role = "engineer"
timezone = "Europe/Belgrade"

[[people]]
name = "Ana Petrović"
email = "ana@example.com"
role = "engineer"
timezone = "Europe/Belgrade"
{ana_leave}

[[people]]
name = "Marko Jovanović"
email = "marko@example.com"
role = "engineer"
timezone = "Europe/Belgrade"

[[people]]
name = "Piotr Nowak"
email = "piotr@example.com"
role = "engineer"
timezone = "Europe/Warsaw"
{extra}
"""


def write_team(
    path: Path,
    *,
    ana_leave: str = "",
    extra: str = "",
    rotation_extra: str = "",
    smtp_port: int | None = None,
    caldav_url: str | None = None,
) -> Path:
    """The example team on one weekday rotation, plus [smtp]/[caldav] when given."""
    text = TEAM.format(ana_leave=ana_leave, extra=extra, rotation_extra=rotation_extra)
    if smtp_port is not None:
        text += f'\n[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
    if caldav_url is not None:
        text += f'\n[caldav]\nurl = "{caldav_url}"\nuser = "nina"\nauth = "basic"\n'
    path.write_text(text, encoding="utf-8")
    return path
