from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from sddkit.rotation.deliver.settings import SmtpSettings
from sddkit.rotation.deliver.smtp import DeliveryError, SmtpSender
from tests.support.servers import Mailbox, free_port


def note(number: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Nina Kovač <nina@example.com>"
    message["To"] = "Ana Petrović <ana@example.com>"
    message["Subject"] = f"note {number}"
    message.set_content(f"body {number}")
    return message


def test_sends_over_one_connection(mailbox: Mailbox, smtp_settings: SmtpSettings) -> None:
    with SmtpSender(smtp_settings) as sender:
        for number in range(3):
            sender.send(note(number))
    assert [m["Subject"] for m in mailbox.messages] == ["note 0", "note 1", "note 2"]
    assert mailbox.envelopes[0] == ("nina@example.com", ["ana@example.com"])


def test_refusal_is_a_delivery_error(mailbox: Mailbox, smtp_settings: SmtpSettings) -> None:
    mailbox.refuse_at = 2
    with SmtpSender(smtp_settings) as sender:
        sender.send(note(1))
        with pytest.raises(DeliveryError, match=r"refused the message to Ana .*550 5\.7\.1"):
            sender.send(note(2))
        sender.send(note(3))  # the connection stays usable after a refusal
    assert [m["Subject"] for m in mailbox.messages] == ["note 1", "note 3"]


def test_unreachable_server_is_a_delivery_error() -> None:
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), security="none", timeout=2)
    with SmtpSender(settings) as sender, pytest.raises(DeliveryError, match="cannot send"):
        sender.send(note(1))


class Accounts:
    def __init__(self) -> None:
        self.logins: list[tuple[str, str]] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login = (data.login.decode(), data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == ("nina", "right"), handled=False)


@pytest.fixture
def authenticating(mailbox: Mailbox) -> Iterator[tuple[Accounts, int]]:
    accounts = Accounts()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=accounts,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield accounts, controller.port
    finally:
        controller.stop()


def test_logs_in_with_the_password(authenticating: tuple[Accounts, int], mailbox: Mailbox) -> None:
    accounts, port = authenticating
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", user="nina", timeout=5)
    with SmtpSender(settings, password="right") as sender:
        sender.send(note(1))
    assert accounts.logins == [("nina", "right")]
    assert len(mailbox.messages) == 1
    with (
        SmtpSender(settings, password="wrong") as sender,
        pytest.raises(DeliveryError, match="login as 'nina' failed: 535") as caught,
    ):
        sender.send(note(2))
    assert "wrong" not in str(caught.value)
