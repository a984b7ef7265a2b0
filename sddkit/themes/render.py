"""Themes as text: a terminal table, Markdown, JSON, one row per family, and one theme in
detail with its family."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sddkit.themes.families import ThemeFamily, by_family, founder_first
from sddkit.themes.kinds import family_kind
from sddkit.themes.label import family_title
from sddkit.themes.model import TRENDS, Theme
from sddkit.themes.store import HistoryEntry
from sddkit.tickets.model import Ticket
from sddkit.tickets.satisfaction import helpdesk_scale, on_scale

TREND_MARK = {"growing": "↑ growing", "stable": "→ stable", "fading": "↓ fading"}


def theme_dict(theme: Theme) -> dict[str, Any]:
    return {
        "id": theme.id,
        "label": theme.label,
        "kind": theme.kind,
        "size": theme.size,
        "customers": theme.customer_count,
        "trend": theme.trend,
        "first_seen": theme.first_seen.isoformat(),
        "last_seen": theme.last_seen.isoformat(),
        "keywords": list(theme.keywords),
        "evidence": [
            {"kind": e.kind, "score": e.score, "signals": list(e.signals)} for e in theme.evidence
        ],
        "avg_satisfaction": theme.avg_satisfaction,
        "channels": theme.channels,
        "languages": theme.languages,
        "weekly_counts": {d.isoformat(): n for d, n in sorted(theme.weekly_counts.items())},
        "representative_keys": list(theme.representative_keys),
        "ticket_keys": list(theme.ticket_keys),
        "family_id": theme.family_id,
    }


def render_json(themes: Sequence[Theme]) -> str:
    return json.dumps([theme_dict(t) for t in themes], ensure_ascii=False, indent=2)


def _languages(theme: Theme) -> str:
    return ",".join(list(theme.languages)[:3])


def family_summary(themes: Sequence[Theme]) -> str:
    """ "N themes in M families": a theme on its own is a family of one."""
    families = len({t.family_id or t.id for t in themes})
    return f"{_count(len(themes), 'theme')} in {_count(families, 'family', 'families')}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns, the last one (a label) left ragged."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def render_table(themes: Sequence[Theme]) -> str:
    """One row per theme; FAMILY is the family id, blank for a theme on its own."""
    if not themes:
        return "No themes (too few similar tickets; try a lower --min-size or a wider --since)."
    header = ("ID", "SIZE", "CUST", "KIND", "TREND", "LANG", "FAMILY", "LABEL")
    rows = [
        (t.id, str(t.size), str(t.customer_count), t.kind, TREND_MARK[t.trend],
         _languages(t), t.family_id or "", t.label)
        for t in themes
    ]  # fmt: skip
    return _table(header, rows)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(themes: Sequence[Theme]) -> str:
    lines = [
        "| ID | Size | Customers | Kind | Trend | Languages | Family | Label |",
        "|---|---:|---:|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.id} | {t.size} | {t.customer_count} | {t.kind} | {t.trend} | {_languages(t)}"
        f" | {t.family_id or ''} | {_md_cell(t.label)} |"
        for t in themes
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class FamilyRow:
    """A family's totals for `themes --by-family` (a theme on its own is a family of one).

    `customers` is the members' sum: a customer who wrote in two languages counts twice."""

    id: str
    theme_ids: tuple[str, ...]  # founder first, then by size
    tickets: int
    customers: int
    languages: dict[str, int]  # most tickets first
    kind: str  # the founding theme's (a known member's if it is unknown: `family_kind`)
    trend: str  # growing if any member grows, else stable if any is stable, else fading
    label: str  # an English member's if any, else the founding theme's (`family_title`)


def family_rows(themes: Sequence[Theme]) -> list[FamilyRow]:
    """One row per family, most tickets first."""
    rows = []
    for family_id, members in by_family(themes).items():
        members = founder_first(family_id, members)
        languages: Counter[str] = Counter()
        for member in members:
            languages.update(member.languages)
        rows.append(
            FamilyRow(
                id=family_id,
                theme_ids=tuple(m.id for m in members),
                tickets=sum(m.size for m in members),
                customers=sum(m.customer_count for m in members),
                languages=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
                kind=family_kind(members),
                trend=min((m.trend for m in members), key=TRENDS.index),
                label=family_title(members),
            )
        )
    return sorted(rows, key=lambda r: (-r.tickets, r.id))


def render_families_table(rows: Sequence[FamilyRow]) -> str:
    if not rows:
        return render_table([])
    header = ("FAMILY", "THEMES", "TICKETS", "CUST", "KIND", "TREND", "LANG", "LABEL")
    cells = [
        (r.id, str(len(r.theme_ids)), str(r.tickets), str(r.customers), r.kind,
         TREND_MARK[r.trend], ",".join(r.languages), r.label)
        for r in rows
    ]  # fmt: skip
    return _table(header, cells)


def render_families_markdown(rows: Sequence[FamilyRow]) -> str:
    lines = [
        "| Family | Themes | Tickets | Customers | Kind | Trend | Languages | Label |",
        "|---|---|---:|---:|---|---|---|---|",
    ]
    lines += [
        f"| {r.id} | {', '.join(r.theme_ids)} | {r.tickets} | {r.customers} | {r.kind}"
        f" | {r.trend} | {','.join(r.languages)} | {_md_cell(r.label)} |"
        for r in rows
    ]
    return "\n".join(lines)


def render_families_json(rows: Sequence[FamilyRow]) -> str:
    data = [
        {
            "id": r.id,
            "theme_ids": list(r.theme_ids),
            "tickets": r.tickets,
            "customers": r.customers,
            "languages": r.languages,
            "kind": r.kind,
            "trend": r.trend,
            "label": r.label,
        }
        for r in rows
    ]
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_theme(
    theme: Theme,
    samples: Sequence[Ticket],
    history: Sequence[HistoryEntry],
    family: ThemeFamily | None = None,
    members: Sequence[Theme] = (),
) -> str:
    """One theme in detail: label, kind and the evidence, figures, trend, its family (the
    other members and the evidence linking them), sample tickets. `members` are the family's
    themes as loaded (any order)."""
    scale = helpdesk_scale(t.satisfaction_scale for t in samples if t.satisfaction is not None)
    satisfaction = on_scale(theme.avg_satisfaction, scale)
    lines = [
        f"{theme.id}  {theme.label}",
        f"kind:      {theme.kind}",
        *(f"  {e.kind:<9} {e.score:.2f}  {', '.join(e.signals)}" for e in theme.evidence),
        f"keywords:  {', '.join(theme.keywords)}",
        f"tickets:   {theme.size} from {theme.customer_count} customers,"
        f" {theme.first_seen:%Y-%m-%d} .. {theme.last_seen:%Y-%m-%d}",
        f"trend:     {TREND_MARK[theme.trend]} (last 4 weeks vs the 4 before)",
        "weekly:    " + " ".join(f"{d:%m-%d}:{n}" for d, n in sorted(theme.weekly_counts.items())),
        f"satisfaction: {satisfaction}",
        "channels:  " + ", ".join(f"{k} {v}" for k, v in theme.channels.items()),
        "languages: " + ", ".join(f"{k} {v}" for k, v in theme.languages.items()),
        *(_family_lines(theme, family, members) if family else ["family:    none (on its own)"]),
        "history:   " + ", ".join(f"{h.run_at:%Y-%m-%d} {h.size} ({h.origin})" for h in history),
        "samples:",
    ]
    for ticket in samples:
        text = " ".join(ticket.text.split())
        lines.append(f"  {ticket.key}  {text[:160]}{'…' if len(text) > 160 else ''}")
    return "\n".join(lines)


def _family_lines(theme: Theme, family: ThemeFamily, members: Sequence[Theme]) -> list[str]:
    """The family's totals, its other members (id, language, size, label) and the links."""
    by_id = {m.id: m for m in members} | {theme.id: theme}
    present = [by_id[t] for t in family.theme_ids if t in by_id]
    languages: Counter[str] = Counter()
    for member in present:
        languages.update(member.languages)
    lines = [
        f"family:    {family.id}, {len(family.theme_ids)} themes,"
        f" {sum(m.size for m in present)} tickets,"
        f" languages {', '.join(f'{k} {v}' for k, v in languages.most_common())}",
    ]
    others = [m for m in present if m.id != theme.id]
    width = max([5, *(len(_languages(m) or "-") for m in others)])
    lines += [
        f"  {other.id}  {_languages(other) or '-':<{width}} {other.size:>5}  {other.label}"
        for other in others
    ]
    lines.append("links:")
    lines += [f"  {link.describe()}" for link in family.links]
    return lines
