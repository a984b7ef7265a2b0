"""`sddkit triage`: show (and with --apply, perform) what to file in GitHub or Jira."""

from __future__ import annotations

import sqlite3
import textwrap
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import now_option
from sddkit.errors import SddkitError
from sddkit.store import store_lock
from sddkit.themes.model import KINDS
from sddkit.trackers.cache import ensure_schema, last_applied, record_applied
from sddkit.trackers.factory import cache_name, tracker_from_settings, tracker_name
from sddkit.trackers.settings import GitHubSettings, JiraSettings, TriageSettings, load_settings
from sddkit.trackers.triage import Action
from sddkit.trackers.workflow import TriageRun, apply_run, plan_run


def _kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    kinds = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise click.BadParameter(f"unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
    return kinds


@click.command()
@click.option("--apply", "apply_", is_flag=True, help="Perform the plan (default: dry run).")
@click.option("--show-body", is_flag=True, help="Print the body of each issue to be written.")
@click.option("--tracker", type=click.Choice(["github", "jira"]), help="Override [triage] tracker.")
@click.option("--repo", help='GitHub repository "owner/name" (overrides [github] repo).')
@click.option("--github-url", help="GitHub API URL, e.g. https://ghe.example.com/api/v3.")
@click.option("--jira-url", help="Jira site URL (overrides [jira] url).")
@click.option("--jira-project", help="Jira project key (overrides [jira] project).")
@click.option("--min-tickets", type=click.IntRange(min=0), help="Override [triage] min_tickets.")
@click.option(
    "--min-customers", type=click.IntRange(min=0), help="Override [triage] min_customers."
)
@click.option("--kinds", callback=_kinds, help="Kinds to file, comma-separated (e.g. bug,ux).")
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Directory with your own github.md.j2 / jira.j2.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Plan against the store's cache of filed issues instead of the tracker (no token).",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="With --apply: seconds to wait while another run holds the store, then stop.",
)
@click.option(
    "--force", is_flag=True, help="Apply even with a --now earlier than the last applied run."
)
@now_option("growth and regressions are judged at this time")
@pass_app
def triage(
    app: AppContext,
    apply_: bool,
    show_body: bool,
    tracker: str | None,
    repo: str | None,
    github_url: str | None,
    jira_url: str | None,
    jira_project: str | None,
    min_tickets: int | None,
    min_customers: int | None,
    kinds: tuple[str, ...] | None,
    templates: Path | None,
    offline: bool,
    lock_wait: float,
    force: bool,
    now: datetime,
) -> None:
    """Suggest issues for the store's themes and file them in GitHub or Jira.

    Prints, per theme, what would be done (create / update / comment / regression / nothing)
    and why; writes only with --apply. The tracker is the ledger: earlier issues are found by
    their sddkit label and hidden marker, so re-running never files a duplicate.

    Settings come from the [triage], [github] and [jira] sections of the config file; tokens
    only from the environment: GITHUB_TOKEN, or JIRA_EMAIL + JIRA_API_TOKEN (Cloud) / JIRA_PAT
    (Server/Data Center).

    One --apply at a time per store: a second one waits for the first (--lock-wait), then
    plans against what the first filed.
    """
    if apply_ and offline:
        raise click.UsageError("--apply needs the tracker; drop --offline")
    settings = _settings(
        load_settings(app.config_path),
        tracker=tracker,
        repo=repo,
        github_url=github_url,
        jira_url=jira_url,
        jira_project=jira_project,
        min_tickets=min_tickets,
        min_customers=min_customers,
        kinds=kinds,
        templates=templates,
    )
    kind = tracker_name(settings)
    client = None if offline else tracker_from_settings(settings)
    conn = app.store()
    ensure_schema(conn)  # a store from a newer sddkit is refused here, before any write
    name = cache_name(kind, settings)
    if not (apply_ and client is not None):
        _check_clock(conn, name, now, force=True)
        run = plan_run(conn, settings, kind=kind, tracker=client, cache_name=name, now=now)
        _print_plan(run, show_body=show_body, dry=True)
        return
    with store_lock(app.db_path, lock_wait):
        _check_clock(conn, name, now, force=force)
        run = plan_run(conn, settings, kind=kind, tracker=client, cache_name=name, now=now)
        _print_plan(run, show_body=show_body, dry=False)
        apply_run(conn, run, client)
        record_applied(conn, name, now)
        _print_result(run)


def _check_clock(conn: sqlite3.Connection, name: str, now: datetime, *, force: bool) -> None:
    """A --now before the last applied run would judge growth backwards (and date the issue
    body before what it already says): a warning, and no --apply without --force."""
    last = last_applied(conn, name)
    if last is None or now >= last:
        return
    what = (
        f"--now {now:%Y-%m-%d %H:%M} is earlier than the last applied run against {name} "
        f"({last:%Y-%m-%d %H:%M})"
    )
    if not force:
        raise SddkitError(f"{what}: nothing written; check the clock, or pass --force")
    click.echo(f"warning: {what}", err=True)


def _settings(
    base: TriageSettings,
    *,
    repo: str | None,
    github_url: str | None,
    jira_url: str | None,
    jira_project: str | None,
    **overrides: object,
) -> TriageSettings:
    """The config file's settings with the command-line options on top."""
    settings = base.with_overrides(**overrides)
    if repo or github_url:
        current = settings.github or GitHubSettings(repo="")
        github = replace(current, repo=repo or current.repo, url=github_url or current.url)
        if not github.repo:
            raise SddkitError("--github-url needs --repo owner/name (or [github] repo)")
        settings = replace(settings, github=github)
    if jira_url or jira_project:
        current_jira = settings.jira
        url = jira_url or (current_jira.url if current_jira else "")
        project = jira_project or (current_jira.project if current_jira else "")
        if not url or not project:
            raise SddkitError("Jira needs --jira-url and --jira-project (or [jira] url, project)")
        jira = (
            replace(current_jira, url=url, project=project)
            if current_jira
            else JiraSettings(url=url, project=project)
        )
        settings = replace(settings, jira=jira)
    return settings


def _print_plan(run: TriageRun, *, show_body: bool, dry: bool) -> None:
    mode = "dry run: nothing is sent; add --apply to act" if dry else "applying"
    click.echo(f"Tracker {run.tracker} ({mode})")
    if not run.actions:
        click.echo("No themes in the store: run `sddkit themes` first.")
    for action in run.actions:
        click.echo(_line(action))
        if action.kind == "create" and action.draft is not None:
            click.echo(f"    labels: {', '.join(action.draft.labels)}")
            if action.draft.issue_type:
                click.echo(f"    issue type: {action.draft.issue_type}")
        if action.comment:
            lines = [line for line in action.comment.splitlines() if line.strip()]
            click.echo("    comment: " + "\n             ".join(lines))
        if show_body and action.draft is not None:
            click.echo(textwrap.indent(action.draft.body.rstrip("\n"), "    | ", lambda _: True))
    counts = Counter(action.kind for action in run.actions)
    click.echo("Plan: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))


def _line(action: Action) -> str:
    title = action.draft.title if action.draft else action.theme.label
    where = action.issue.key if action.issue else "new issue"
    return f"{action.kind:<10} {action.theme.id}  {where}  {title!r}: {action.reason}"


def _print_result(run: TriageRun) -> None:
    result = run.result
    assert result is not None
    for note in result.notes:  # an earlier run's write, checked now
        click.echo(f"warning: {note}")
    for outcome in result.done:
        issue = outcome.issue
        where = f"{issue.key} {issue.url}" if issue else ""
        click.echo(f"done       {outcome.action.kind:<10} {outcome.action.theme.id}  {where}")
        for note in outcome.notes:  # e.g. a person's edit overwritten by the write, restored
            click.echo(f"warning: {note}")
        draft = outcome.action.draft
        if outcome.action.kind == "create" and issue and draft:
            missing = [label for label in draft.labels if label not in issue.labels]
            if missing:
                click.echo(
                    f"warning: {issue.key} was filed without the labels {', '.join(missing)}: "
                    "the token may not set labels (it needs triage or write access). sddkit "
                    "still finds the issue by its marker and will not file it again."
                )
    for action, reason in result.failed:
        click.echo(f"failed     {action.kind:<10} {action.theme.id}  {reason}")
    if not result.complete:
        total = len(result.done) + len(result.not_done)
        left = ", ".join(f"{a.kind} {a.theme.id}" for a in result.not_done)
        how = f"Stopped ({result.stopped})" if result.stopped else "Done"
        raise SddkitError(
            f"{how}: {len(result.done)} of {total} writes; not done: {left}. "
            "Run again to complete them (nothing will be filed twice)."
        )
    click.echo(f"Done: {len(result.done)} writes; {run.cached} sddkit issues cached in the store.")
