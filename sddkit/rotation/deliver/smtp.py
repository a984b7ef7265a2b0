"""Sending e-mail: a one-method interface and its SMTP implementation (smtplib).

One connection serves a whole run (opened on the first message, closed by `close`), so a run
of fifty invitations is one TLS handshake and one login, not fifty.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType
from typing import Protocol

from sddkit.errors import SddkitError
from sddkit.rotation.deliver.settings import SmtpSettings


class DeliveryError(SddkitError):
    """The mail server did not accept a message (or could not be reached)."""


class MailSender(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; return only once it has been accepted."""


class SmtpSender:
    """`MailSender` over SMTP with STARTTLS, implicit TLS (ssl) or none (loopback relays)."""

    def __init__(self, settings: SmtpSettings, password: str | None = None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        to = message["To"]
        try:
            smtp = self._connection()
            smtp.send_message(message)
        except smtplib.SMTPResponseException as error:
            reply = _text(error.smtp_error)
            raise DeliveryError(
                f"SMTP server refused the message to {to}: {error.smtp_code} {reply}".rstrip()
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
            raise DeliveryError(f"SMTP server refused the recipient {to}: {codes}") from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(
                f"cannot send through {self.settings.host}:{self.settings.port}: {error}"
            ) from error

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        settings = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                smtp.starttls(context=context)
        try:
            if settings.user is not None:
                smtp.login(settings.user, self._password or "")
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            raise DeliveryError(
                f"SMTP login as {settings.user!r} failed: {error.smtp_code}"
            ) from error
        self._smtp = smtp
        return smtp


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
