"""`sddkit tickets import`: load helpdesk exports into the store. Its own module so that
`tickets stats` does not import the export readers (see `cli.tickets`)."""

from __future__ import annotations

import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from sddkit.cli.context import AppContext, pass_app
from sddkit.tickets.importers import FORMATS
from sddkit.tickets.importers.generic import load_mapping
from sddkit.tickets.imports import ImportSettings, import_files
from sddkit.tickets.language import DEFAULT_LANGUAGES
from sddkit.tickets.people import People, load_people

MAX_BAD_SHOWN = 50


def _zone(ctx: click.Context, param: click.Parameter, value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {value!r}") from None


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice([name for name in FORMATS if name != "mapped"]),
    help="Force the export format (default: detected from the file).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML column mapping for any other CSV / JSON-lines file (see docs/tickets.md).",
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    callback=_zone,
    help="Zone of times without an offset (CSV exports use the helpdesk account's zone).",
)
@click.option(
    "--encoding",
    help="Text encoding of the files, e.g. cp1251 (default: detected; a short file that is not"
    " UTF-8 is refused until it is given).",
)
@click.option("--source", help="Source name stored with the tickets (default: the format's).")
@click.option("--skip-bad", is_flag=True, help="List bad records and store the good ones.")
@click.option(
    "--languages",
    default=",".join(DEFAULT_LANGUAGES),
    show_default=True,
    help="Languages to detect among, comma-separated (a given language is kept).",
)
@click.option("--no-detect-language", is_flag=True, help="Do not detect missing languages.")
@click.option(
    "--people",
    "people_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Users/agents/organisations to turn exported ids into e-mails and names: a Zendesk"
    " users export, Freshdesk agents or companies JSON, Intercom admins, or CSV id,name,email."
    " Repeatable.",
)
@pass_app
def import_command(
    app: AppContext,
    files: tuple[Path, ...],
    format_name: str | None,
    mapping: Path | None,
    timezone: ZoneInfo,
    encoding: str | None,
    source: str | None,
    skip_bad: bool,
    languages: str,
    no_detect_language: bool,
    people_files: tuple[Path, ...],
) -> None:
    """Import helpdesk export FILES (Zendesk, Help Scout, Intercom, Freshdesk JSON/CSV,
    sddkit JSON-lines, or any CSV / JSON-lines with --mapping; .gz is read as is).

    Re-importing an overlapping export is safe: unchanged tickets are left alone, changed
    ones updated, and a version older than the stored one (by its update time) is skipped, in
    whatever order the files come. All files are imported in one transaction: on an error
    nothing is stored. A file without tickets is an error.
    """
    people = People()
    for people_file in people_files:
        people.update(load_people(people_file))
    settings = ImportSettings(
        format=format_name,
        mapping=load_mapping(mapping) if mapping else None,
        timezone=timezone,
        source=source,
        skip_bad=skip_bad,
        languages=tuple(code.strip() for code in languages.split(",") if code.strip()),
        detect_languages=not no_detect_language,
        people=people if people_files else None,
        encoding=encoding,
    )
    conn = app.store()
    total = sum(path.stat().st_size for path in files if path.is_file())
    done: dict[Path, int] = {}
    with click.progressbar(length=max(total, 1), label="Importing", file=sys.stderr) as bar:

        def progress(path: Path, position: int, size: int) -> None:
            bar.update(position - done.get(path, 0))
            done[path] = position

        results = import_files(conn, list(files), settings, progress)
    for result in results:
        summary = result.summary
        for line in summary.bad[:MAX_BAD_SHOWN]:
            click.echo(f"bad: {line}", err=True)
        if len(summary.bad) > MAX_BAD_SHOWN:
            click.echo(f"bad: ... and {len(summary.bad) - MAX_BAD_SHOWN} more", err=True)
        for line in summary.warnings:
            click.echo(f"warning: {line}", err=True)
        older = f", {summary.older} older skipped" if summary.older else ""
        click.echo(
            f"{result.path} ({result.format}, {result.encoding}): {summary.new} new, "
            f"{summary.updated} updated, {summary.unchanged} unchanged{older}, "
            f"{len(summary.bad)} bad"
        )
