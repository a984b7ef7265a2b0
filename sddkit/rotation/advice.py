"""Warnings about a config that is valid but probably not what the team meant."""

from __future__ import annotations

from sddkit.rotation.config import TeamConfig


def advise(config: TeamConfig) -> list[str]:
    """One line per likely mistake; empty when none is seen."""
    return []
