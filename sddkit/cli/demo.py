"""`sddkit demo`: run the whole job on bundled demo data and say where everything is."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from sddkit.demo import DEMO_TRACKER, DemoResult, run_demo
from sddkit.rotation.fairness import fairness
from sddkit.rotation.render import who_text
from sddkit.themes.render import render_table

TOP_THEMES = 12


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("sddkit-demo"),
    show_default=True,
    help="Folder for the demo's store, calendars and report (recreated on each run).",
)
@click.option(
    "--themes",
    "top",
    type=click.IntRange(1),
    default=TOP_THEMES,
    show_default=True,
    help="How many of the largest themes to list.",
)
def demo(out_dir: Path, top: int) -> None:
    """Run the whole job on bundled demo data: plan the example team's support rotation,
    import six months of multilingual tickets, find their themes, show what triage would
    file (against a simulated GitHub tracker), write the team report, and draft the
    follow-ups its fixes would send to their customers.

    Touches nothing outside --out; sends nothing anywhere.
    """
    click.echo("Running the demo (about half a minute)...", err=True)
    result = run_demo(out_dir)
    _rotation(result)
    _tickets_and_themes(result, top)
    _triage(result)
    _report(result, out_dir)
    _followups(result)


def _heading(text: str) -> None:
    click.echo()
    click.secho(text, bold=True)


def _rotation(result: DemoResult) -> None:
    plan, config = result.plan, result.config
    figures = fairness(plan, config.people)
    _heading(f"1. Rotation — {len(config.people)} people, {len(config.rotations)} rotations")
    click.echo(
        f"Planned {plan.start} to {plan.end}: {len(plan.shifts)} shifts, "
        f"{len(plan.unstaffed)} that nobody could staff; every person within "
        f"{figures.max_deviation:.2f} shifts of their fair share."
    )
    click.echo(who_text(result.now, plan, [r.name for r in config.rotations]))
    click.echo(f"Calendars: {len(result.feeds)} .ics feeds in {result.feeds[0].parent}")


def _tickets_and_themes(result: DemoResult, top: int) -> None:
    summary = result.imported
    _heading(f"2. Tickets — {summary.total} imported")
    click.echo(
        f"new {summary.new}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"bad {len(summary.bad)}"
    )
    kinds = Counter(theme.kind for theme in result.themes)
    families = len({t.family_id or t.id for t in result.themes})
    _heading(f"3. Themes — {len(result.themes)} found, in {families} families")
    click.echo(", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
    largest = sorted(result.themes, key=lambda t: (-t.size, t.id))[:top]
    click.echo(render_table(largest).rstrip())
    if len(result.themes) > top:
        click.echo(f"... and {len(result.themes) - top} more: sddkit --db {_db(result)} themes")


def _triage(result: DemoResult) -> None:
    _heading(f"4. Triage — against a simulated {DEMO_TRACKER}")
    click.echo(
        f"{len(result.filed)} issues were filed earlier and closed by "
        f"{len({i.fix.ref for i in result.filed if i.fix})} fixes. This week's run would do:"
    )
    counts = Counter(action.kind for action in result.triage.actions)
    click.echo(", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))
    for action in [a for a in result.triage.actions if a.writes][:8]:
        title = action.draft.title if action.draft else action.theme.label
        where = action.issue.key if action.issue else "new issue"
        click.echo(f"  {action.kind:<10} {where:<14} {title}")
    click.echo("(dry run: nothing is sent; a real run needs [github] or [jira] and --apply)")


def _report(result: DemoResult, out_dir: Path) -> None:
    report = result.report
    _heading(
        f"5. Report — {_count(len(report.fixes), 'fix', 'fixes')} traced to the complaints "
        f"behind {_count(len(report.traces), 'issue')}"
    )
    for fix in report.fixes:
        after = "-" if fix.after_per_week is None else f"{fix.after_per_week:.1f}"
        click.echo(
            f"  {fix.ref:<5} {fix.fixed_at:%Y-%m-%d}  {fix.title or ''}\n"
            f"        {_count(len(fix.issue_keys), 'issue')}, {fix.tickets} tickets from "
            f"{fix.customers} customers; complaints/week {fix.before_per_week:.1f} -> {after}"
        )
    for path in result.report_files:
        click.echo(f"Wrote {path}")
    click.echo(f"Open {out_dir / 'report' / 'report.html'} in a browser.")


def _followups(result: DemoResult) -> None:
    drafts = result.followups.drafts
    _heading(f"6. Follow-ups — {_count(len(drafts), 'customer')} to tell that their fix shipped")
    languages = Counter(d.language for d in drafts)
    click.echo(", ".join(f"{language} {n}" for language, n in sorted(languages.items())))
    for language in sorted(languages):
        draft = next(d for d in drafts if d.language == language)
        click.echo(f"  --- to {draft.recipient.ticket.key} ({language}) ---")
        click.echo("\n".join(f"  | {line}".rstrip() for line in draft.text.splitlines()))
    click.echo("(drafts only: `sddkit followup --show` prints them all, --apply writes them)")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _db(result: DemoResult) -> Path:
    return result.report_files[0].parent.parent / "demo.db"
