from __future__ import annotations

from pathlib import Path

import pytest

from sddkit.errors import ConfigError
from sddkit.trackers.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sddkit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[triage]\ntracker = "jira"\nmin_tickets = 8\nkinds = ["bug", "ux"]\n'
        '[triage.labels]\nux = ["ux", "design"]\n'
        '[jira]\nurl = "https://acme.atlassian.net/"\nproject = "SUP"\ndeployment = "server"\n'
        '[jira.issue_types]\nux = "Story"\n',
    )
    settings = load_settings(path)
    assert (settings.tracker, settings.min_tickets, settings.kinds) == ("jira", 8, ("bug", "ux"))
    assert settings.labels_for("ux") == ("ux", "design")
    assert settings.labels_for("bug") == ("bug",)
    assert settings.jira is not None and settings.jira.url == "https://acme.atlassian.net"
    assert settings.jira.issue_type("ux") == "Story" and settings.jira.issue_type("docs") == "Task"


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "nope.toml")
    assert settings.min_tickets == 10 and settings.github is None
    assert settings.regression_min == 3 and settings.comment_growth == 5
    assert {"not_planned", "duplicate", "Won't Do", "Won't Fix"} <= set(settings.not_planned)


def test_regression_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[triage]\nregression_min = 2\ncomment_growth = 4\n"
        'not_planned = ["Rejected", "Duplicate"]\n',
    )
    settings = load_settings(path)
    assert (settings.regression_min, settings.comment_growth) == (2, 4)
    assert settings.not_planned == ("Rejected", "Duplicate")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[triage]\nmin_tickts = 3\n", ":2: triage.min_tickts: unknown key (did you mean"),
        ("[triage]\n\nmin_tickets = -1\n", ":3: triage.min_tickets: must be zero or more"),
        ('[triage]\nkinds = ["bugs"]\n', ":2: triage.kinds: 'bugs' is not one of"),
        ('[github]\nrepo = "acme"\n', ':2: github.repo: expected "owner/name"'),
        ('[jira]\nproject = "SUP"\n', ": jira.url: missing"),
        ('[jira]\nurl = "https://x"\nproject = "sup"\n', ":3: jira.project: expected a project"),
        ("[triage\n", ":1: invalid TOML"),
        ("[triage]\nnot_planned = [1]\n", ":2: triage.not_planned: expected a list of non-empty"),
        ('[triage]\nnot_planned = "Won\'t Do"\n', ":2: triage.not_planned: expected list"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)
