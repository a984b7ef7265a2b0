"""Themes as text: a terminal table, Markdown, JSON, and one theme in detail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sddkit.themes.model import Theme
from sddkit.themes.store import HistoryEntry
from sddkit.tickets.model import Ticket

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
    }


def render_json(themes: Sequence[Theme]) -> str:
    return json.dumps([theme_dict(t) for t in themes], ensure_ascii=False, indent=2)


def _languages(theme: Theme) -> str:
    return ",".join(list(theme.languages)[:3])


def render_table(themes: Sequence[Theme]) -> str:
    if not themes:
        return "No themes (too few similar tickets; try a lower --min-size or a wider --since)."
    header = ("ID", "SIZE", "CUST", "KIND", "TREND", "LANG", "LABEL")
    rows = [
        (t.id, str(t.size), str(t.customer_count), t.kind, TREND_MARK[t.trend],
         _languages(t), t.label)
        for t in themes
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(themes: Sequence[Theme]) -> str:
    lines = [
        "| ID | Size | Customers | Kind | Trend | Languages | Label |",
        "|---|---:|---:|---|---|---|---|",
    ]
    lines += [
        f"| {t.id} | {t.size} | {t.customer_count} | {t.kind} | {t.trend} | {_languages(t)}"
        f" | {_md_cell(t.label)} |"
        for t in themes
    ]
    return "\n".join(lines)


def render_theme(theme: Theme, samples: Sequence[Ticket], history: Sequence[HistoryEntry]) -> str:
    """One theme in detail: label, kind and the evidence, figures, trend, sample tickets."""
    satisfaction = "n/a" if theme.avg_satisfaction is None else f"{theme.avg_satisfaction}/5"
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
        "history:   " + ", ".join(f"{h.run_at:%Y-%m-%d} {h.size} ({h.origin})" for h in history),
        "samples:",
    ]
    for ticket in samples:
        text = " ".join(ticket.text.split())
        lines.append(f"  {ticket.key}  {text[:160]}{'…' if len(text) > 160 else ''}")
    return "\n".join(lines)
