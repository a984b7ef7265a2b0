"""The command reference and the README stay true to the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sddkit.cli import SUBCOMMANDS, main


def _command_paths() -> list[str]:
    paths: list[str] = []
    ctx = click.Context(main)
    for name in SUBCOMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None
        if not isinstance(command, click.Group) or command.invoke_without_command:
            paths.append(name)  # a plain group is documented through its subcommands
        if isinstance(command, click.Group):
            paths += [f"{name} {sub}" for sub in command.list_commands(ctx)]
    return paths


@pytest.mark.parametrize("path", _command_paths())
def test_every_command_is_documented_and_has_help(path: str, repo_root: Path) -> None:
    reference = (repo_root / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"### `sddkit {path}`" in reference or f"## `sddkit {path}`" in reference
    result = CliRunner().invoke(main, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.split("\n\n")[1].strip(), "the command has no help text"


def test_every_linked_guide_exists(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    for link in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (repo_root / link).is_file(), link


def test_shell_completion_script_is_generated() -> None:
    result = CliRunner().invoke(
        main, [], env={"_SDDKIT_COMPLETE": "bash_source"}, prog_name="sddkit"
    )
    assert "_SDDKIT_COMPLETE=bash_complete" in result.output
