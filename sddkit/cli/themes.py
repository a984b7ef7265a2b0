"""`sddkit themes`: find repeated themes in the stored tickets (`--by-family`: one row per
family); `themes show ID` (a theme or a family)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.cli.options import MOMENT, now_option
from sddkit.errors import SddkitError

BACKENDS = ("hybrid", "use-multilingual", "sentence-transformers", "char-ngram")


@click.group(invoke_without_command=True)
@click.option("--since", type=MOMENT, help="Only tickets created since (ISO date, UTC).")
@click.option("--min-size", default=5, show_default=True, type=click.IntRange(min=2),
              help="Fewest tickets that make a theme.")  # fmt: skip
@now_option("the run's time; tickets created before it are clustered")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table",
              show_default=True)  # fmt: skip
@click.option("--full", is_flag=True, help="Re-cluster everything (default: incremental when "
              "few tickets are new).")  # fmt: skip
@click.option("--stored", is_flag=True, help="List the last run's themes without re-clustering.")
@click.option("--by-family", is_flag=True, help="One row per theme family (one subject across "
              "languages): totals, languages, kind and the founding theme's label.")  # fmt: skip
@click.option("--backend", type=click.Choice(BACKENDS), default=BACKENDS[0], show_default=True,
              help="Text representation: hybrid = the bundled multilingual sentence encoder "
              "(USE-multilingual) plus char n-grams; use-multilingual alone; a "
              "sentence-transformers model from --model-path; char-ngram (no model).")  # fmt: skip
@click.option("--granularity", default=1.0, show_default=True,
              type=click.FloatRange(min=0.5, max=2.0),
              help="Theme breadth: below 1 finer themes, above 1 broader ones (scales the cut "
              "read off the data's own neighbour distances).")  # fmt: skip
@click.option("--model-path", type=click.Path(file_okay=False, exists=True, path_type=Path),
              envvar="SDDKIT_MODEL_PATH", help="Local model folder for --backend "
              "sentence-transformers (env: SDDKIT_MODEL_PATH); nothing is downloaded.")  # fmt: skip
@click.option("--title-language", default="en", show_default=True, metavar="CODE",
              help="The team's language (ISO 639-1): titles are taken from tickets in it "
              "where a theme has any.")  # fmt: skip
@click.pass_context
def themes(
    ctx: click.Context,
    since: datetime | None,
    min_size: int,
    now: datetime,
    fmt: str,
    full: bool,
    stored: bool,
    by_family: bool,
    backend: str,
    granularity: float,
    model_path: Path | None,
    title_language: str,
) -> None:
    """Cluster the stored tickets into themes (ids stay stable across runs) and list them."""
    if ctx.invoked_subcommand is not None:
        return
    from sddkit.themes import render
    from sddkit.themes.cluster import ClusterSettings
    from sddkit.themes.pipeline import ThemeSettings, update_themes
    from sddkit.themes.space import SpaceSettings
    from sddkit.themes.store import load_themes

    app = ctx.find_object(AppContext)
    assert app is not None
    conn = app.store()
    if stored:
        found = load_themes(conn)
    else:
        space = SpaceSettings(backend=backend, model_path=str(model_path) if model_path else None)
        settings = ThemeSettings(
            space=space,
            cluster=ClusterSettings(granularity=granularity),
            title_language=title_language.lower(),
        )
        found = update_themes(
            conn, now=now, min_size=min_size, since=since, full=full or None, settings=settings
        )
    if by_family:
        rows = render.family_rows(found)
        shown = {"table": render.render_families_table, "json": render.render_families_json,
                 "md": render.render_families_markdown}[fmt](rows)  # fmt: skip
    else:
        shown = {"table": render.render_table, "json": render.render_json,
                 "md": render.render_markdown}[fmt](found)  # fmt: skip
    click.echo(shown)
    if fmt != "json" and found:
        click.echo(f"\n{render.family_summary(found)}")


@themes.command("show")
@click.argument("theme_id")
@click.option("--samples", default=3, show_default=True, type=click.IntRange(min=0))
@pass_app
def show(app: AppContext, theme_id: str, samples: int) -> None:
    """Show one theme (or a family, by its id): label, kind and evidence, trend, its family's
    other members and the evidence linking them, sample tickets."""
    from sddkit.themes.render import render_theme
    from sddkit.themes.store import load_families, load_themes, theme_history
    from sddkit.tickets.store import get_tickets

    conn = app.store()
    found = {t.id: t for t in load_themes(conn)}
    families = {f.id: f for f in load_families(conn)}
    # A family's id is always one of its members' (the founder's, or one kept from an earlier
    # run), so a family id names a theme too: show it with its family.
    theme = found.get(theme_id)
    if theme is None:
        known = ", ".join(sorted(found)[:10]) or "none yet: run `sddkit themes`"
        raise SddkitError(f"no theme or family {theme_id!r} in the last run (known: {known})")
    family = families.get(theme.family_id or "")
    members = [found[m] for m in family.theme_ids if m in found] if family else []
    keys = list(theme.representative_keys)
    keys += [k for k in theme.ticket_keys if k not in keys]
    tickets = get_tickets(conn, keys[:samples])
    click.echo(render_theme(theme, tickets, theme_history(conn, theme_id), family, members))
