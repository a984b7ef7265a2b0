"""Malformed answers (an HTML page from a proxy, cut-off JSON, garbage serverInfo) give one
clear line, never a traceback; a create whose answer was garbage is not filed twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sddkit.trackers.base import IssueDraft, marker
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.jira import JiraTracker
from sddkit.trackers.retry import RetryPolicy, TrackerError
from sddkit.trackers.settings import GitHubSettings, JiraSettings
from tests.support import trackers as fakes

CUT_LIST = '[{"number": 1, "ti'
CUT_SEARCH = '{"issues": [{"ke'


def github(server: Any, policy: RetryPolicy) -> GitHubTracker:
    settings = GitHubSettings(repo="acme/app", url=server.api)
    return GitHubTracker(settings, fakes.GH_TOKEN, policy=policy, write_interval_s=0)


def jira(server: Any, policy: RetryPolicy) -> JiraTracker:
    settings = JiraSettings(url=server.base, project="SUP", deployment="server")
    return JiraTracker(settings, fakes.JIRA_TOKEN, policy=policy)


@pytest.mark.parametrize(
    ("method", "path", "raw", "where"),
    [
        ("GET", "/repos/acme/app/issues", fakes.HTML_PAGE, "GitHub list issues"),
        ("GET", "/repos/acme/app/issues", CUT_LIST, "GitHub list issues"),
    ],
)
def test_github_malformed_answers_are_one_line(
    fake_github: Any, policy: Any, method: str, path: str, raw: str, where: str
) -> None:
    fake_github.faults.append(fakes.Fault(method, path, 200, raw=raw, times=99))
    with pytest.raises(TrackerError) as caught:
        github(fake_github, policy).filed_issues()
    message = str(caught.value)
    assert message.startswith(f"{where}: the answer was not GitHub's JSON")
    assert "\n" not in message and "gave up after 3 retries" in message


@pytest.mark.parametrize(
    ("path", "raw", "where"),
    [
        ("/rest/api/2/serverInfo", '{"baseUrl": "x"}', "Jira connect"),
        ("/rest/api/2/serverInfo", fakes.HTML_PAGE, "Jira connect"),
        ("/rest/api/2/search", fakes.HTML_PAGE, "Jira search"),
        ("/rest/api/2/search", CUT_SEARCH, "Jira search"),
    ],
)
def test_jira_malformed_answers_are_one_line(
    fake_jira_server: Any, policy: Any, path: str, raw: str, where: str
) -> None:
    fake_jira_server.faults.append(fakes.Fault("GET", path, 200, raw=raw, times=99))
    with pytest.raises(TrackerError) as caught:
        jira(fake_jira_server, policy).filed_issues()
    message = str(caught.value)
    assert message.startswith(f"{where}: the answer was not Jira's JSON")
    assert "\n" not in message


@pytest.mark.parametrize("kind", ["github", "jira"])
def test_html_answer_to_a_create_is_not_filed_twice(
    kind: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    server = request.getfixturevalue("fake_github" if kind == "github" else "fake_jira_server")
    path = "/repos/acme/app/issues" if kind == "github" else "/rest/api/2/issue"
    server.faults.append(fakes.Fault("POST", path, 200, raw=fakes.HTML_PAGE, after=True))
    make: Callable[[Any, RetryPolicy], Any] = github if kind == "github" else jira
    filed = make(server, policy).create(IssueDraft("T-x", "Bug", f"b\n{marker('T-x')}"))
    assert filed.theme_id == "T-x" and len(server.issues) == 1
