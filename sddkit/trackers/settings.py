"""Triage settings: the `[triage]`, `[github]` and `[jira]` sections of the config file.

Parsed here (not in sddkit.rotation.config) so the tracker part owns its own keys. Unknown keys are
rejected with a "did you mean" hint; every error names the file, the line and the field.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sddkit.errors import ConfigError
from sddkit.themes.model import KINDS
from sddkit.trackers.base import DEFAULT_NOT_PLANNED

TRACKERS = ("github", "jira")
DEFAULT_LABELS: dict[str, tuple[str, ...]] = {
    "bug": ("bug",),
    "ux": ("ux",),
    "docs": ("documentation",),
    "question": ("question",),
    "feature": ("enhancement",),
}
DEFAULT_ISSUE_TYPES = {"bug": "Bug", "feature": "Story", "default": "Task"}
_LABEL_RE = re.compile(r"^[^\s,]+$")  # Jira labels cannot hold spaces; commas split our cache


@dataclass(frozen=True)
class GitHubSettings:
    repo: str  # "owner/name"
    url: str = "https://api.github.com"  # GitHub Enterprise: "https://ghe.example.com/api/v3"
    write_interval_s: float = 1.0  # pause between writes, as GitHub asks of integrations


@dataclass(frozen=True)
class JiraSettings:
    url: str
    project: str
    deployment: str = "cloud"  # "cloud" (e-mail + API token) | "server" (personal access token)
    issue_types: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ISSUE_TYPES))

    def issue_type(self, kind: str) -> str:
        return self.issue_types.get(kind) or self.issue_types.get("default") or "Task"


@dataclass(frozen=True)
class TriageSettings:
    tracker: str | None = None
    # A theme of 5-9 tickets is most often a fragment (a wording of a subject already filed,
    # a large subject's satellite), and a second issue is what a team lead sees first: six
    # weekly runs of CLINC150 val and three train samples, 5 -> 10: duplicates 36 -> 22,
    # missed subjects 63 -> 65 (docs/ci.md "Settings").
    min_tickets: int = 10
    min_customers: int = 2
    kinds: tuple[str, ...] = ("bug", "ux", "docs")
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    comment_growth: int = 5  # comment when a theme grew by this many tickets ...
    comment_growth_pct: float = 25.0  # ... or by this percentage since the recorded count
    regression_min: int = 3  # new tickets after an issue closed that make a regression comment
    # close reasons (GitHub state_reason, Jira resolution; any case) meaning "closed, no fix"
    not_planned: tuple[str, ...] = DEFAULT_NOT_PLANNED
    max_quotes: int = 3
    max_ticket_refs: int = 30
    ticket_urls: Mapping[str, str] = field(default_factory=dict)  # source -> URL with "{id}"
    templates: Path | None = None  # a directory searched before the packaged templates
    max_wait_s: float = 900.0  # longest wait for a rate-limit reset before giving up
    retries: int = 4  # retries of a failed request (5xx, timeout) before giving up
    timeout_s: float = 30.0
    github: GitHubSettings | None = None
    jira: JiraSettings | None = None
    path: Path | None = None  # where the settings came from, for error messages

    def labels_for(self, kind: str) -> tuple[str, ...]:
        return self.labels.get(kind, ())

    def with_overrides(self, **changes: Any) -> TriageSettings:
        """CLI options override the file: `None` means "not given"."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_TRIAGE_KEYS = {
    "tracker": str,
    "min_tickets": int,
    "min_customers": int,
    "kinds": list,
    "labels": dict,
    "comment_growth": int,
    "comment_growth_pct": (int, float),
    "regression_min": int,
    "not_planned": list,
    "max_quotes": int,
    "max_ticket_refs": int,
    "ticket_urls": dict,
    "templates": str,
    "max_wait_s": (int, float),
    "retries": int,
    "timeout_s": (int, float),
}
_GITHUB_KEYS = {"repo": str, "url": str, "write_interval_s": (int, float)}
_JIRA_KEYS = {"url": str, "project": str, "deployment": str, "issue_types": dict}


def load_settings(path: str | Path) -> TriageSettings:
    """Read the triage sections of `path`; a missing file gives the defaults."""
    target = Path(path)
    if not target.exists():
        return TriageSettings(path=target)
    text = target.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        where = int(line.group(1)) if line else None
        raise ConfigError(target, f"invalid TOML: {error}", where) from None
    return settings_from_mapping(raw, target, text)


def settings_from_mapping(
    raw: Mapping[str, Any], path: str | Path, text: str | None = None
) -> TriageSettings:
    """Build settings from an already parsed config (e.g. `TeamConfig.raw`)."""
    parser = _Parser(Path(path), text)
    triage = parser.section(raw, "triage", _TRIAGE_KEYS)
    base = TriageSettings(path=Path(path))
    values: dict[str, Any] = {}
    for key in ("min_tickets", "min_customers", "comment_growth", "regression_min", "max_quotes"):
        if key in triage:
            values[key] = parser.non_negative("triage", key, triage[key])
    for key in ("max_ticket_refs", "retries"):
        if key in triage:
            values[key] = parser.non_negative("triage", key, triage[key])
    for key in ("comment_growth_pct", "max_wait_s", "timeout_s"):
        if key in triage:
            values[key] = float(parser.non_negative("triage", key, triage[key]))
    if "tracker" in triage:
        values["tracker"] = parser.choice("triage", "tracker", triage["tracker"], TRACKERS)
    if "kinds" in triage:
        kinds = [parser.choice("triage", "kinds", k, KINDS) for k in triage["kinds"]]
        values["kinds"] = tuple(kinds)
    if "not_planned" in triage:
        values["not_planned"] = parser.strings("triage", "not_planned", triage["not_planned"])
    if "labels" in triage:
        values["labels"] = {**DEFAULT_LABELS, **parser.labels(triage["labels"])}
    if "ticket_urls" in triage:
        values["ticket_urls"] = parser.ticket_urls(triage["ticket_urls"])
    if "templates" in triage:
        values["templates"] = (Path(path).parent / triage["templates"]).resolve()
    values["github"] = parser.github(raw)
    values["jira"] = parser.jira(raw)
    return replace(base, **values)


class _Parser:
    def __init__(self, path: Path, text: str | None) -> None:
        self.path = path
        self.text = text

    def fail(self, section: str, key: str, message: str) -> ConfigError:
        line = _line_of(self.text, section, key)
        return ConfigError(self.path, message, line, f"{section}.{key}")

    def section(self, raw: Mapping[str, Any], name: str, keys: Mapping[str, Any]) -> dict[str, Any]:
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(self.path, "must be a table", _line_of(self.text, None, name), name)
        for key, value in table.items():
            if key not in keys:
                hint = difflib.get_close_matches(key, keys, n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(name, key, f"unknown key{extra}")
            if not isinstance(value, keys[key]) or isinstance(value, bool):
                expected = getattr(keys[key], "__name__", "number")
                raise self.fail(name, key, f"expected {expected}, got {value!r}")
        return table

    def non_negative(self, section: str, key: str, value: float) -> Any:
        if value < 0:
            raise self.fail(section, key, f"must be zero or more, got {value}")
        return value

    def choice(self, section: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(section, key, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def strings(self, section: str, key: str, value: list[Any]) -> tuple[str, ...]:
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise self.fail(section, key, "expected a list of non-empty strings")
        return tuple(value)

    def labels(self, table: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
        labels: dict[str, tuple[str, ...]] = {}
        for kind, value in table.items():
            self.choice("triage.labels", kind, kind, KINDS)
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(
                isinstance(i, str) and _LABEL_RE.match(i) for i in items
            ):
                raise self.fail("triage.labels", kind, "expected a label or a list of labels")
            labels[kind] = tuple(items)
        return labels

    def ticket_urls(self, table: Mapping[str, Any]) -> dict[str, str]:
        for source, url in table.items():
            if not isinstance(url, str) or "{id}" not in url:
                raise self.fail("triage.ticket_urls", source, 'expected a URL containing "{id}"')
        return dict(table)

    def github(self, raw: Mapping[str, Any]) -> GitHubSettings | None:
        table = self.section(raw, "github", _GITHUB_KEYS)
        if not table:
            return None
        repo = table.get("repo", "")
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
            raise self.fail("github", "repo", f'expected "owner/name", got {repo!r}')
        interval = float(
            self.non_negative("github", "write_interval_s", table.get("write_interval_s", 1.0))
        )
        return GitHubSettings(repo, self.url("github", table, GitHubSettings.url), interval)

    def jira(self, raw: Mapping[str, Any]) -> JiraSettings | None:
        table = self.section(raw, "jira", _JIRA_KEYS)
        if not table:
            return None
        project = table.get("project", "")
        if not re.fullmatch(r"[A-Z][A-Z0-9_]+", project):
            raise self.fail("jira", "project", f"expected a project key like SUP, got {project!r}")
        if "url" not in table:
            raise self.fail("jira", "url", "missing (e.g. https://acme.atlassian.net)")
        deployment = self.choice(
            "jira", "deployment", table.get("deployment", "cloud"), ("cloud", "server")
        )
        types = dict(DEFAULT_ISSUE_TYPES)
        for kind, name in table.get("issue_types", {}).items():
            if kind != "default":
                self.choice("jira.issue_types", kind, kind, KINDS)
            if not isinstance(name, str) or not name:
                raise self.fail("jira.issue_types", kind, "expected an issue type name")
            types[kind] = name
        return JiraSettings(
            url=self.url("jira", table, ""),
            project=project,
            deployment=deployment,
            issue_types=types,
        )

    def url(self, section: str, table: Mapping[str, Any], default: str) -> str:
        url = str(table.get("url", default)).rstrip("/")
        if not re.match(r"https?://[^/\s]+", url):
            raise self.fail(section, "url", f"expected an http(s) URL, got {url!r}")
        return url


def _line_of(text: str | None, section: str | None, key: str) -> int | None:
    """The 1-based line of `key` inside `[section]` (or of the `[key]` header), if found."""
    if text is None:
        return None
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            if section is None and current == key:
                return number
            continue
        if current == section and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return number
    return None
