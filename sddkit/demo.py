"""`sddkit demo`: the whole job on bundled data, end to end, in a folder of its own.

The demo team is the example `rotations.toml`; the tickets are the packaged demo export (six
months in English, Russian, Polish and Serbian). Because no real tracker is at hand, the demo
simulates one: the themes behind the demo's four known fixes get a filed GitHub issue, closed
by the fix's pull request on its date, saved in the store's tracker cache — exactly what a
weekly `sddkit triage --apply` followed by the fixes would have left there.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sddkit.followup.plan import FollowupPlan, followups_of
from sddkit.followup.settings import FollowupSettings
from sddkit.report.build import build_report
from sddkit.report.model import Report
from sddkit.report.render import write_report
from sddkit.rotation.config import TeamConfig, load_config
from sddkit.rotation.feeds import write_feeds
from sddkit.rotation.plan import Plan, plan_rotations
from sddkit.store import open_store, transaction
from sddkit.themes.families import by_family, founder_first
from sddkit.themes.model import Theme
from sddkit.themes.pipeline import update_themes
from sddkit.tickets.demo import DEMO_END, DEMO_START, DemoFix, demo_fixes, demo_tickets
from sddkit.tickets.store import ImportSummary, ensure_schema, get_tickets, upsert_tickets
from sddkit.trackers.base import SDDKIT_LABEL, FiledIssue, Fix, marker, themes_marker
from sddkit.trackers.cache import save_filed
from sddkit.trackers.settings import GitHubSettings, TriageSettings
from sddkit.trackers.suggest import title_for
from sddkit.trackers.workflow import TriageRun, plan_run

DEMO_REPO = "acme/app"
DEMO_TRACKER = f"github:{DEMO_REPO}"
FIRST_ISSUE_NUMBER = 101
DAYS_TO_FILE = 14  # a theme is filed two weeks after its first complaint in the demo story
PLAN_AHEAD = timedelta(weeks=4)  # the calendars also show the coming month
DEMO_CLOCK = DEMO_END + timedelta(hours=9, minutes=30)  # Monday morning in Europe
DEMO_SOURCE = "demo"  # the demo tickets' source: no helpdesk API, so follow-ups are drafts
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass
class DemoResult:
    config: TeamConfig
    plan: Plan
    imported: ImportSummary
    themes: list[Theme]
    filed: list[FiledIssue]
    triage: TriageRun
    report: Report
    feeds: list[Path]
    report_files: list[Path]
    now: datetime
    followups: FollowupPlan  # what `sddkit followup` would send about the demo's fixes


def example_config_path() -> Path:
    """The example rotations.toml: packaged in the wheel, at the repository root in a checkout."""
    packaged = _PACKAGE_DIR / "data" / "rotations.example.toml"
    return packaged if packaged.is_file() else _PACKAGE_DIR.parent / "rotations.toml"


def run_demo(out_dir: Path, *, config_path: Path | None = None) -> DemoResult:
    """Run rotation planning, import, themes, a simulated tracker, triage, the report and
    the follow-ups the fixes would send (drafts only)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "demo.db"
    for stale in (db_path, db_path.with_name("demo.db-wal"), db_path.with_name("demo.db-shm")):
        stale.unlink(missing_ok=True)  # every demo run starts from the same empty store
    now = DEMO_CLOCK
    config = load_config(config_path or example_config_path())
    conn = open_store(db_path)
    try:
        plan = plan_rotations(config, DEMO_START.date(), (DEMO_END + PLAN_AHEAD).date())
        feeds = write_feeds(conn, config, plan, out_dir / "calendars", dtstamp=now)
        ensure_schema(conn)
        with transaction(conn):
            imported = upsert_tickets(conn, demo_tickets())
        themes = update_themes(conn, now=now)
        filed = simulate_tracker(conn, themes, demo_fixes())
        settings = TriageSettings(tracker="github", github=GitHubSettings(repo=DEMO_REPO))
        triage = plan_run(
            conn, settings, kind="github", tracker=None, cache_name=DEMO_TRACKER, now=now
        )
        report = build_report(
            conn,
            since=DEMO_START,
            until=DEMO_END,
            filed=filed,
            shifts=[shift for shift in plan.shifts if shift.start < DEMO_END],
            now=now,
            people=config.people,
        )
        followups = followups_of(conn, report, FollowupSettings(), writable=(DEMO_SOURCE,))
    finally:
        conn.close()
    report_files = write_report(report, out_dir / "report")
    return DemoResult(
        config, plan, imported, themes, filed, triage, report, feeds, report_files, now, followups
    )


def simulate_tracker(
    conn: sqlite3.Connection, themes: Sequence[Theme], fixes: Sequence[DemoFix]
) -> list[FiledIssue]:
    """File one issue per theme family of a fixed demo subject (as triage does) and close
    it with the fix's PR."""
    fix_by_slug = {fix.theme: fix for fix in fixes}
    issues: list[FiledIssue] = []
    for family_id, members in sorted(
        by_family(themes).items(), key=lambda kv: (min(m.first_seen for m in kv[1]), kv[0])
    ):
        theme = founder_first(family_id, members)[0]
        fix = fix_by_slug.get(_dominant_tag(conn, theme, fix_by_slug.keys()) or "")
        if fix is None:
            continue
        member_ids = tuple(m.id for m in members) if len(members) > 1 else ()
        number = FIRST_ISSUE_NUMBER + len(issues)
        first_seen = min(m.first_seen for m in members)
        filed_at = min(first_seen + timedelta(days=DAYS_TO_FILE), fix.fixed_at)
        issues.append(
            FiledIssue(
                key=f"{DEMO_REPO}#{number}",
                theme_id=family_id,
                title=title_for(theme),
                state="closed",
                url=f"https://github.com/{DEMO_REPO}/issues/{number}",
                created_at=filed_at,
                closed_at=fix.fixed_at,
                fix=Fix(
                    kind="pull_request",
                    ref=f"#{fix.pr_number}",
                    fixed_at=fix.fixed_at,
                    url=f"https://github.com/{DEMO_REPO}/pull/{fix.pr_number}",
                    title=fix.pr_title,
                ),
                labels=(SDDKIT_LABEL, theme.kind),
                body=marker(family_id) + (f"\n{themes_marker(member_ids)}" if member_ids else ""),
                theme_ids=member_ids,
            )
        )
    save_filed(conn, DEMO_TRACKER, issues)
    return issues


def _dominant_tag(conn: sqlite3.Connection, theme: Theme, slugs: Collection[str]) -> str | None:
    """The demo subject most of a theme's tagged tickets carry, if it is a majority."""
    tickets = get_tickets(conn, theme.ticket_keys)
    tags = Counter(tag for ticket in tickets for tag in ticket.tags if tag in slugs)
    if not tags:
        return None
    slug, count = tags.most_common(1)[0]
    return slug if count * 2 > sum(tags.values()) else None
