"""Build the configured tracker; tokens come from the environment only.

GitHub: ``GITHUB_TOKEN``. Jira Cloud: ``JIRA_EMAIL`` + ``JIRA_API_TOKEN``; Jira Server/Data
Center: ``JIRA_PAT`` (a personal access token; ``JIRA_API_TOKEN`` is accepted too). Each is
read without surrounding whitespace (`retry.secret_from`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping

from sddkit.errors import ConfigError, SddkitError
from sddkit.trackers.base import Tracker
from sddkit.trackers.settings import TriageSettings


def tracker_name(settings: TriageSettings) -> str:
    """Which tracker the settings select: `[triage] tracker`, else the one configured."""
    if settings.tracker:
        return settings.tracker
    configured = [name for name in ("github", "jira") if getattr(settings, name) is not None]
    if len(configured) != 1:
        what = "both [github] and [jira]" if configured else "neither [github] nor [jira]"
        raise ConfigError(
            settings.path or "config", f"{what} configured: set it", field="triage.tracker"
        )
    return configured[0]


def cache_name(kind: str, settings: TriageSettings) -> str:
    """The tracker's `name` without building it (for --offline): the store caches its
    issues under this name. Here, not in `workflow`, so the offline report need not import
    triage's machinery to compute it."""
    if kind == "github" and settings.github is not None:
        return f"github:{settings.github.repo}"
    if kind == "jira" and settings.jira is not None:
        return f"jira:{settings.jira.project}"
    return kind


def tracker_from_settings(
    settings: TriageSettings,
    env: Mapping[str, str] | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> Tracker:
    """The tracker the settings name, authenticated from `env` (default: os.environ)."""
    # Here, not at the top: the offline report imports this module for `cache_name` only.
    from sddkit.trackers.retry import RetryPolicy, secret_from

    env = os.environ if env is None else env
    policy = RetryPolicy(
        retries=settings.retries, max_wait_s=settings.max_wait_s, sleep=sleep, clock=clock
    )
    name = tracker_name(settings)
    where = settings.path or "config"
    if name == "github":
        if settings.github is None:
            raise ConfigError(where, "missing [github] section with repo", field="github.repo")
        token = secret_from(env.get("GITHUB_TOKEN"))
        if not token:
            raise SddkitError("GITHUB_TOKEN is not set (a token that can write issues)")
        from sddkit.trackers.github import GitHubTracker  # PyGithub: only when one is built

        return GitHubTracker(
            settings.github,
            token,
            policy=policy,
            timeout_s=settings.timeout_s,
            write_interval_s=settings.github.write_interval_s,
            not_planned=settings.not_planned,
        )
    if settings.jira is None:
        raise ConfigError(where, "missing [jira] section with url and project", field="jira")
    cloud = settings.jira.deployment == "cloud"
    token = secret_from(
        env.get("JIRA_API_TOKEN")
        if cloud
        else secret_from(env.get("JIRA_PAT")) or env.get("JIRA_API_TOKEN")
    )
    if not token:
        needed = "JIRA_API_TOKEN" if cloud else "JIRA_PAT"
        raise SddkitError(f"{needed} is not set")
    from sddkit.trackers.jira import JiraTracker  # the jira client: only when one is built

    return JiraTracker(
        settings.jira,
        token,
        email=secret_from(env.get("JIRA_EMAIL")),
        policy=policy,
        timeout_s=settings.timeout_s,
        not_planned=settings.not_planned,
    )
