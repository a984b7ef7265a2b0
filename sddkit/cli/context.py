"""What every subcommand gets from the root command: where the store and config live."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click

from sddkit.store import open_store


@dataclass
class AppContext:
    db_path: Path
    config_path: Path

    def store(self) -> sqlite3.Connection:
        return open_store(self.db_path)


pass_app = click.make_pass_decorator(AppContext)
