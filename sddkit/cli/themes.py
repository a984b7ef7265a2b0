"""`sddkit themes`: find repeated themes in the stored tickets; `themes show ID`."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.errors import SddkitError


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date or date-time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group(invoke_without_command=True)
@click.option("--since", callback=_moment, help="Only tickets created since (ISO date, UTC).")
@click.option("--min-size", default=5, show_default=True, type=click.IntRange(min=2),
              help="Fewest tickets that make a theme.")  # fmt: skip
@click.option("--now", callback=_moment, help="The run's time (ISO; default: the current time).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table",
              show_default=True)  # fmt: skip
@click.option("--full", is_flag=True, help="Re-cluster everything (default: incremental when "
              "few tickets are new).")  # fmt: skip
@click.option("--stored", is_flag=True, help="List the last run's themes without re-clustering.")
@click.pass_context
def themes(
    ctx: click.Context,
    since: datetime | None,
    min_size: int,
    now: datetime | None,
    fmt: str,
    full: bool,
    stored: bool,
) -> None:
    """Cluster the stored tickets into themes (ids stay stable across runs) and list them."""
    if ctx.invoked_subcommand is not None:
        return
    from sddkit.themes.pipeline import update_themes
    from sddkit.themes.render import render_json, render_markdown, render_table
    from sddkit.themes.store import load_themes

    app = ctx.find_object(AppContext)
    assert app is not None
    conn = app.store()
    if stored:
        found = load_themes(conn)
    else:
        found = update_themes(
            conn, now=now or datetime.now(UTC), min_size=min_size, since=since, full=full or None
        )
    render = {"table": render_table, "json": render_json, "md": render_markdown}[fmt]
    click.echo(render(found))


@themes.command("show")
@click.argument("theme_id")
@click.option("--samples", default=3, show_default=True, type=click.IntRange(min=0))
@pass_app
def show(app: AppContext, theme_id: str, samples: int) -> None:
    """Show one theme: label, kind and evidence, trend, sample tickets."""
    from sddkit.themes.render import render_theme
    from sddkit.themes.store import load_themes, theme_history
    from sddkit.tickets.store import get_tickets

    conn = app.store()
    found = {t.id: t for t in load_themes(conn)}
    theme = found.get(theme_id)
    if theme is None:
        known = ", ".join(sorted(found)[:10]) or "none yet: run `sddkit themes`"
        raise SddkitError(f"no theme {theme_id!r} in the last run (known: {known})")
    keys = list(theme.representative_keys)
    keys += [k for k in theme.ticket_keys if k not in keys]
    tickets = get_tickets(conn, keys[:samples])
    click.echo(render_theme(theme, tickets, theme_history(conn, theme_id)))
