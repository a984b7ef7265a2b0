"""Options shared by several commands, so they read and behave the same everywhere."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
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


class LazySubcommands(click.Group):
    """A group whose subcommands named in `lazy` ("name" -> "module:attribute") are imported
    only when used: their modules pull in what the group's everyday commands do not need
    (calendar delivery imports Jinja and the mail stack; coverage the report's settings), and
    `rotation who` should start fast."""

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command
