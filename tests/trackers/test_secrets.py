"""Tokens never reach any output, whole or in part, on any error path.

Each path is driven with the token as a secrets store may hand it over (a trailing newline,
surrounding spaces) and with the server echoing it back in the forms proxies and libraries
use (whole, lower-cased, cut short, escaped, split at a space).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from click.testing import CliRunner

from sddkit.cli import main
from sddkit.errors import SddkitError
from sddkit.trackers.factory import tracker_from_settings
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.jira import JiraTracker
from sddkit.trackers.retry import RetryPolicy, Scrubber, TrackerError, secret_from
from sddkit.trackers.settings import GitHubSettings, JiraSettings, TriageSettings
from tests.support import trackers as fakes

EMAIL = "nina@example.com"
AS_GIVEN = ["{t}\n", " {t} ", "{t}\r\n", "\t{t}"]


def leaked(text: str, token: str, size: int = Scrubber.FRAGMENT) -> list[str]:
    """The pieces of `token` (at least `size` characters, any case) found in `text`."""
    low = text.lower()
    pieces = [token[n : n + size] for n in range(len(token) - size + 1)]
    return [piece for piece in pieces if piece.lower() in low]


def echoes(token: str) -> list[str]:
    """How a server, proxy or library may print the token back."""
    return [
        token,
        token.lower(),
        token.upper(),
        token[:22],
        token[9:31],
        repr(token + "\n"),
        f"{token[:12]} {token[12:]}",
        base64.b64encode(f"{EMAIL}:{token}".encode()).decode(),
        f"'Authorization': 'token {token}'",
    ]


@pytest.mark.parametrize("echo", echoes(fakes.GH_TOKEN))
def test_the_scrubber_hides_every_echo(echo: str) -> None:
    scrub = Scrubber([fakes.GH_TOKEN], [EMAIL])
    text = scrub(f"HTTP 401: Bad credentials for {echo} ({EMAIL.upper()})")
    assert not leaked(text, fakes.GH_TOKEN) and EMAIL not in text.lower()
    assert text.startswith("HTTP 401: Bad credentials for ") and "***" in text


def test_the_scrubber_hides_the_parts_of_a_token_with_a_space() -> None:
    token = "abcd1234efgh 5678ijkl"
    text = Scrubber([token])(f"got abcd1234 and 5678IJKL, not {token.upper()}")
    assert not leaked(text, token, 4) and text == "got *** and ***, not ***"


@pytest.mark.parametrize("given", AS_GIVEN)
def test_secrets_from_the_environment_lose_surrounding_whitespace(given: str) -> None:
    assert secret_from(given.format(t="abc def")) == "abc def"
    assert secret_from(given.format(t="")) is None


def github(server: Any, token: str, retries: int = 0) -> Any:
    settings = TriageSettings(github=GitHubSettings(repo="acme/app", url=server.api))
    env = {"GITHUB_TOKEN": token}
    return tracker_from_settings(settings, env, sleep=lambda s: None), settings


def jira(server: Any, token: str) -> Any:
    deployment = "cloud" if server.cloud else "server"
    settings = TriageSettings(
        jira=JiraSettings(url=server.base, project="SUP", deployment=deployment), retries=1
    )
    env = {"JIRA_API_TOKEN" if server.cloud else "JIRA_PAT": token, "JIRA_EMAIL": f" {EMAIL}\n"}
    return tracker_from_settings(settings, env, sleep=lambda s: None)


def faults(token: str) -> list[fakes.Fault]:
    """A 401 echoing the token, a 500 that never ends, and a proxy's HTML page with it."""
    page = f"<html><body>502 Bad Gateway for {token.lower()}</body></html>"
    return [
        fakes.Fault("GET", ".*", 401, message=" / ".join(echoes(token)), times=99),
        fakes.Fault("GET", ".*", 500, message=" / ".join(echoes(token)), times=99),
        fakes.Fault("GET", ".*", 200, raw=page, times=99),
    ]


@pytest.mark.parametrize("given", AS_GIVEN)
@pytest.mark.parametrize("fault", range(3))
def test_github_errors_never_show_the_token(fake_github: Any, given: str, fault: int) -> None:
    tracker, _ = github(fake_github, given.format(t=fakes.GH_TOKEN))
    fake_github.faults.append(faults(fakes.GH_TOKEN)[fault])
    with pytest.raises(TrackerError) as raised:
        tracker.filed_issues()
    assert not leaked(str(raised.value), fakes.GH_TOKEN), str(raised.value)


def test_github_sends_the_stripped_token(fake_github: Any) -> None:
    tracker, _ = github(fake_github, f"{fakes.GH_TOKEN}\n")
    assert tracker.filed_issues() == []
    assert set(fake_github.seen_auth) == {f"token {fakes.GH_TOKEN}"}


@pytest.mark.parametrize("deployment", ["cloud", "server"])
@pytest.mark.parametrize("given", AS_GIVEN)
@pytest.mark.parametrize("fault", range(3))
def test_jira_errors_never_show_the_token(
    request: pytest.FixtureRequest, deployment: str, given: str, fault: int
) -> None:
    server = request.getfixturevalue(f"fake_jira_{deployment}")
    server.faults.append(faults(fakes.JIRA_TOKEN)[fault])
    with pytest.raises(TrackerError) as raised:
        jira(server, given.format(t=fakes.JIRA_TOKEN)).filed_issues()  # connect fails first
    message = str(raised.value)
    assert not leaked(message, fakes.JIRA_TOKEN), message
    assert EMAIL not in message.lower()


@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_jira_sends_the_stripped_token(request: pytest.FixtureRequest, deployment: str) -> None:
    server = request.getfixturevalue(f"fake_jira_{deployment}")
    assert jira(server, f"{fakes.JIRA_TOKEN}\n").filed_issues() == []
    assert server.seen_auth and "\n" not in "".join(server.seen_auth)


@pytest.mark.parametrize("tracker", ["github", "jira"])
def test_a_token_with_a_newline_inside_is_one_line_without_it(tracker: str) -> None:
    token = f"{fakes.GH_TOKEN[:20]}\n{fakes.GH_TOKEN[20:]}"
    policy = RetryPolicy(retries=0, sleep=lambda s: None)
    client: Any
    if tracker == "github":
        settings = GitHubSettings(repo="acme/app", url="http://127.0.0.1:9/api/v3")
        client = GitHubTracker(settings, token, policy=policy)
    else:
        jira_settings = JiraSettings(url="http://127.0.0.1:9", project="SUP", deployment="server")
        client = JiraTracker(jira_settings, token, policy=policy)
    with pytest.raises(TrackerError) as raised:
        client.filed_issues()
    message = str(raised.value)
    assert "\n" not in message
    assert not leaked(message, fakes.GH_TOKEN[:20]) and not leaked(message, fakes.GH_TOKEN[20:])


@pytest.mark.parametrize("given", AS_GIVEN)
def test_the_cli_never_prints_the_token(fake_github: Any, given: str, tmp_path: Any) -> None:
    config = tmp_path / "sddkit.toml"
    config.write_text(
        f'[github]\nrepo = "acme/app"\nurl = "{fake_github.api}"\n\n[triage]\nretries = 1\n',
        encoding="utf-8",
    )
    for fault in faults(fakes.GH_TOKEN):
        fake_github.faults[:] = [fault]
        result = CliRunner().invoke(
            main,
            ["--db", str(tmp_path / "s.db"), "--config", str(config), "triage", "--apply"],
            env={"GITHUB_TOKEN": given.format(t=fakes.GH_TOKEN)},
        )
        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit), result.exception
        assert not leaked(result.output, fakes.GH_TOKEN), result.output


def test_missing_or_blank_tokens_are_named_not_shown() -> None:
    settings = TriageSettings(github=GitHubSettings(repo="acme/app"))
    with pytest.raises(SddkitError, match=r"^GITHUB_TOKEN is not set"):
        tracker_from_settings(settings, {"GITHUB_TOKEN": " \n"})
