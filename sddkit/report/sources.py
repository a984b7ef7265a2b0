"""Where the report's inputs come from besides the store: the tracker (live) and the team
config (people and the rotation plan)."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date
from pathlib import Path

from sddkit.report.model import TriageRules
from sddkit.rotation.model import Person, Shift
from sddkit.trackers.base import FiledIssue, Tracker
from sddkit.trackers.verdicts import with_verdicts


def live_filed(tracker: Tracker) -> list[FiledIssue]:
    """Every sddkit issue in the tracker, each closed one with its fix looked up afresh
    (the PR or commit that closed it on GitHub, the resolution on Jira) and the issue a
    person closed it as a duplicate of, if any (`verdicts.with_verdicts`)."""
    issues = [
        dataclasses.replace(issue, fix=tracker.fix_of(issue)) if issue.state == "closed" else issue
        for issue in tracker.filed_issues()
    ]
    return with_verdicts(tracker, issues)


def team(
    config_path: Path, since: date, until: date, conn: sqlite3.Connection, today: date
) -> tuple[list[Person], list[Shift], str | None]:
    """(people, shifts in [since, until] of the published rotation schedule, note) from the
    config and the store: the schedule every rotation command reads. Without a config file
    the report still runs, with helpdesk assignees as written and no rotation section."""
    if not config_path.exists():
        return (
            [],
            [],
            (
                f"No team config at {config_path}: no shifts are known, so the rotation section "
                "lists the helpdesk assignees as written."
            ),
        )
    from sddkit.rotation.config import load_config
    from sddkit.rotation.schedule import plans, published, window

    config = load_config(config_path, check_holidays=False)  # reading needs no calendar
    if plans(conn, config, today, extend=True):
        config = load_config(config_path)  # planning does: every holiday checked
    plan, _ = published(conn, config, today)
    return list(config.people), list(window(plan, since, until).shifts), None


def configured_tracker(config_path: Path) -> tuple[str, Tracker]:
    """The tracker named by the config's [triage]/[github]/[jira] sections, with the name
    its issues are cached under (triage's: "github:acme/app", one cache per tracker)."""
    from sddkit.errors import SddkitError
    from sddkit.trackers.factory import tracker_from_settings
    from sddkit.trackers.settings import load_settings

    settings = load_settings(config_path)
    if settings.github is None and settings.jira is None:
        raise SddkitError(
            f"no tracker configured in {config_path} ([github] or [jira]); "
            "use --no-tracker to report from the issues cached by the last triage run"
        )
    tracker = tracker_from_settings(settings)
    return tracker.name, tracker


def cached_tracker(config_path: Path) -> str | None:
    """The cache name of the configured tracker ("github:acme/app"), None when the config
    names none: `--no-tracker` then reads every cached issue."""
    from sddkit.trackers.factory import cache_name, tracker_name
    from sddkit.trackers.settings import load_settings

    settings = load_settings(config_path)
    if settings.github is None and settings.jira is None:
        return None
    return cache_name(tracker_name(settings), settings)


def triage_rules(config_path: Path) -> TriageRules:
    """What triage files and which close reasons mean "no fix", from the config's [triage]
    (the defaults without a config): the report reads issues as triage does."""
    from sddkit.trackers.settings import load_settings

    settings = load_settings(config_path)
    return TriageRules(
        kinds=settings.kinds,
        min_tickets=settings.min_tickets,
        min_customers=settings.min_customers,
        not_planned=settings.not_planned,
    )
