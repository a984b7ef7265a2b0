"""Chat messages: a one-method interface and its Slack-compatible incoming-webhook sender.

The URL is a secret (anyone holding it can post): it comes from the environment, is never
printed, and errors name only its host. Text is escaped as Slack asks (`&`, `<`, `>`), so a
handoff note cannot mention `<!channel>`, a user or a disguised link.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Protocol
from urllib.parse import urlsplit

from sddkit.rotation.deliver.smtp import DeliveryError

WEBHOOK_ENV = "SDDKIT_REMIND_WEBHOOK"


class ChatSender(Protocol):
    def post(self, text: str) -> None:
        """Post one message; return only once the service accepted it."""


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WebhookSender:
    """`ChatSender` for Slack (and Mattermost, Rocket.Chat, ...) incoming webhooks."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise DeliveryError(f"${WEBHOOK_ENV} is not an http(s) URL")
        self._url = url
        self._host = parts.netloc.rsplit("@", 1)[-1]
        self._timeout = timeout

    def post(self, text: str) -> None:
        body = json.dumps({"text": escape(text)}).encode()
        request = urllib.request.Request(
            self._url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"the webhook at {self._host} refused: HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise DeliveryError(f"cannot reach the webhook at {self._host}: {reason}") from None
