"""Options shared by several commands, so they read and behave the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class Moment(click.ParamType[datetime]):
    """An ISO 8601 date or date-time; with no offset it is taken as UTC."""

    name = "ISO-TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(f"expected an ISO 8601 date or date-time, got {value!r}", param, ctx)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


MOMENT = Moment()


def now_option(purpose: str) -> Callable[[F], F]:
    """`--now`: the clock, overridable so runs are reproducible; always timezone-aware."""

    def default_now() -> datetime:
        return datetime.now(UTC)

    return click.option(
        "--now",
        type=MOMENT,
        default=default_now,
        show_default="the clock",
        help=f"The current time, ISO 8601, naive = UTC ({purpose}).",
    )
