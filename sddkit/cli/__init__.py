"""The `sddkit` command line: a thin shell over the core packages.

Subcommands are loaded lazily so `sddkit --help` and `sddkit rotation who` stay fast (the
themes backend imports scikit-learn, which takes a second).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from sddkit import __version__
from sddkit.cli.context import AppContext
from sddkit.errors import SddkitError

# name -> "module:attribute"; each module owns one command or group.
SUBCOMMANDS = {
    "demo": "sddkit.cli.demo:demo",
    "init": "sddkit.cli.rotation_init:init",
    "rotation": "sddkit.cli.rotation:rotation",
    "tickets": "sddkit.cli.tickets:tickets",
    "themes": "sddkit.cli.themes:themes",
    "triage": "sddkit.cli.triage:triage",
    "report": "sddkit.cli.report:report",
    "followup": "sddkit.cli.followup:followup",
}

SHORT_HELP = {
    "demo": "Run the whole job on bundled demo data.",
    "init": "Write a commented starting rotations.toml.",
    "rotation": "Plan fair support rotations; who is on; calendars.",
    "tickets": "Import helpdesk exports or pull from a helpdesk; statistics.",
    "themes": "Find repeated themes in tickets.",
    "triage": "Suggest and file theme issues in GitHub or Jira.",
    "report": "Write the team report: complaints traced to fixes.",
    "followup": "Tell the customers whose complaints a fix answered.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing commands must not import them all: use the short help kept here.
        with formatter.section("Commands"):
            formatter.write_dl(sorted(SHORT_HELP.items()))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SddkitError as error:
            click.secho(f"Error: {error}", err=True, fg="red")
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sddkit")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("sddkit.db"),
    show_default=True,
    envvar="SDDKIT_DB",
    help="SQLite store of tickets, themes and history (env: SDDKIT_DB).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("rotations.toml"),
    show_default=True,
    envvar="SDDKIT_CONFIG",
    help="Team and rotation config (env: SDDKIT_CONFIG).",
)
@click.pass_context
def main(ctx: click.Context, db: Path, config_path: Path) -> None:
    """Support-driven development: put everyone who builds the product on support, and turn
    what they hear into fixes.

    \b
    Typical week:
      sddkit rotation who                  who is on support now
      sddkit tickets import export.json    load a helpdesk export
      sddkit themes                        repeated themes in the tickets
      sddkit triage                        what would be filed (add --apply to file)
      sddkit report                        complaints traced to fixes
      sddkit followup                      replies to the customers a fix answered
    """
    ctx.obj = AppContext(db_path=db, config_path=config_path)
