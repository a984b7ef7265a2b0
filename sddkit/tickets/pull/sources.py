"""The helpdesks `sddkit tickets pull` knows, each built from its environment variables."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sddkit.tickets.pull import Source, freshdesk, helpscout, intercom, zendesk
from sddkit.tickets.pull.http import RetryPolicy
from sddkit.tickets.pull.pacing import PacerFor

FromEnv = Callable[[Mapping[str, str], datetime, RetryPolicy | None, PacerFor | None], Source]

SOURCES: dict[str, FromEnv] = {
    "zendesk": zendesk.from_env,
    "freshdesk": freshdesk.from_env,
    "helpscout": helpscout.from_env,
    "intercom": intercom.from_env,
}


def source_from_env(
    name: str,
    env: Mapping[str, str],
    since: datetime,
    retry: RetryPolicy | None = None,
    pacer: PacerFor | None = None,
) -> Source:
    return SOURCES[name](env, since, retry, pacer)
