"""Countries: ISO codes and names (from the `holidays` package's registry), and which
countries use a time zone (tzdata's zone.tab and zone1970.tab)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


def country_name(code: str) -> str:
    """'RS' -> 'Serbia' (the code itself when unknown)."""
    from holidays.registry import COUNTRIES  # here: only a config error or advice needs it

    for name, *codes in COUNTRIES.values():
        if codes and codes[0] == code:
            return _spaced(name)
    return code


def country_code(text: str) -> str | None:
    """A country's two-letter code from its English name or three-letter code ('Serbia',
    'SRB' -> 'RS'); None when neither."""
    from holidays.registry import COUNTRIES

    wanted = "".join(text.split()).casefold()
    for module, (name, *codes) in COUNTRIES.items():
        if wanted in (module.replace("_", ""), name.casefold(), (codes[1:2] or [""])[0].casefold()):
            return codes[0]
    return None


def _spaced(name: str) -> str:
    return "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(name))


@cache
def zone_countries() -> dict[str, tuple[str, ...]]:
    """Time zone -> the countries using it, its own country first (zone.tab, then the
    countries zone1970.tab adds); empty when tzdata's tables cannot be found."""
    found: dict[str, list[str]] = {}
    for name in ("zone.tab", "zone1970.tab"):
        for line in _table(name).splitlines():
            if line.startswith("#") or not line.strip():
                continue
            codes, _, zone = line.split("\t")[:3]
            for code in codes.split(","):
                if code not in found.setdefault(zone, []):
                    found[zone].append(code)
    return {zone: tuple(codes) for zone, codes in found.items()}


def _table(name: str) -> str:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        path = Path("/usr/share/zoneinfo") / name
        return path.read_text(encoding="utf-8") if path.exists() else ""
