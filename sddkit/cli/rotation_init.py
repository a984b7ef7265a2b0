"""`sddkit init`: write a commented starting rotations.toml."""

from __future__ import annotations

from datetime import date, datetime
from email.utils import parseaddr

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.errors import SddkitError
from sddkit.rotation.starter import Starter, next_monday, starter_text


def _person(text: str) -> tuple[str, str]:
    name, email = parseaddr(text)
    if "@" not in email:
        raise click.BadParameter(f"expected 'Name <email>', got {text!r}", param_hint="--person")
    return name or email.split("@")[0], email


@click.command()
@click.option("--team", default="Our team", show_default=True, help="The team's name.")
@click.option(
    "--timezone",
    "zone",
    default="Europe/Belgrade",
    show_default=True,
    help="IANA time zone of the rotation (and of everyone, until edited).",
)
@click.option("--holidays", help="Public holidays: ISO country code (default: the zone's).")
@click.option(
    "--person",
    "people",
    multiple=True,
    help="'Name <email>', once per person; the first is the organizer (default: two examples).",
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Take this as today.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_app
def init(
    app: AppContext,
    team: str,
    zone: str,
    holidays: str | None,
    people: tuple[str, ...],
    today: datetime | None,
    force: bool,
) -> None:
    """Write a commented starting rotations.toml (or --config FILE) for the team.

    It asks nothing: edit the file it writes, then `sddkit rotation check` and `sddkit
    rotation plan`. An existing file is kept unless --force.
    """
    path = app.config_path
    if path.exists() and not force:
        raise SddkitError(f"{path} exists; edit it, or pass --force to replace it")
    starter = Starter(
        team=team,
        timezone=zone,
        people=[_person(p) for p in people],
        start=next_monday(today.date() if today else date.today()),
        holidays=holidays.upper() if holidays else None,
    )
    text = starter_text(starter, path)
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {path}: one rotation, {text.count('[[people]]')} people. Next:")
    click.echo(
        "  edit it (people, window, days), then: sddkit rotation check; sddkit rotation plan"
    )
