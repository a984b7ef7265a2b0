"""GitHub (github.com or Enterprise) as the tracker, through PyGithub.

Earlier issues are found by listing the repository's issues with the ``sddkit`` label in any
state (the issues API is consistent right after a write, unlike search, whose index lags: a
run that relied on search alone would file duplicates after a crash). A search for the marker
then adds issues whose label someone removed, once the index has them.

Issues are created with their labels and marker in one request, so no run can leave an
unlabelled, unmarked issue behind. PyGithub's own retry is turned off: `RetryPolicy` retries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import requests
from github import Auth, Github, GithubException
from github.Issue import Issue

from sddkit.trackers.base import SDDKIT_LABEL, FiledIssue, Fix, IssueDraft, theme_id_in
from sddkit.trackers.retry import Failure, RetryPolicy, Scrubber, TrackerError
from sddkit.trackers.settings import GitHubSettings

T = TypeVar("T")


class GitHubTracker:
    def __init__(
        self,
        settings: GitHubSettings,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        write_interval_s: float | None = 1.0,
    ) -> None:
        self.name = f"github:{settings.repo}"
        self._settings = settings
        self._scrub = Scrubber([token])
        self._policy = policy or RetryPolicy()
        self._github = Github(
            base_url=settings.url,
            auth=Auth.Token(token),
            retry=None,
            timeout=int(timeout_s),
            per_page=100,
            seconds_between_requests=None,
            # GitHub asks integrators to space out writes (secondary rate limits).
            seconds_between_writes=write_interval_s or None,
            lazy=True,  # no request until one is needed
        )
        self._repo = self._github.get_repo(settings.repo)
        self._issues: dict[str, Issue] = {}

    def filed_issues(self) -> list[FiledIssue]:
        found: dict[int, Issue] = {issue.number: issue for issue in self._labelled()}
        query = f'repo:{self._settings.repo} is:issue in:body "sddkit:theme"'
        searched = self._call("search issues", lambda: list(self._github.search_issues(query)))
        for hit in searched:
            found.setdefault(hit.number, hit)
        filed = []
        for number in sorted(found):
            item = self._filed(found[number])
            if item is not None and "/pull/" not in found[number].html_url:
                filed.append(item)
        return filed

    def create(self, draft: IssueDraft) -> FiledIssue:
        def create() -> FiledIssue:
            issue = self._repo.create_issue(
                title=draft.title, body=draft.body, labels=list(draft.labels)
            )
            return self._require(issue)

        def created_meanwhile() -> FiledIssue | None:
            # A 5xx or timeout may come after GitHub stored the issue: look before resending.
            matches = [i for i in self._labelled() if theme_id_in(i.body) == draft.theme_id]
            return self._require(matches[0]) if matches else None

        return self._call("create issue", create, before_retry=created_meanwhile)

    def update(self, issue: FiledIssue, draft: IssueDraft) -> FiledIssue:
        target = self._issue(issue)
        self._call(f"update {issue.key}", lambda: target.edit(body=draft.body))
        return self._require(target)

    def comment(self, issue: FiledIssue, text: str) -> None:
        target = self._issue(issue)
        self._call(f"comment on {issue.key}", lambda: target.create_comment(text))

    def fix_of(self, issue: FiledIssue) -> Fix | None:
        """The merged PR that references the issue, else the commit that closed it."""
        if issue.state != "closed":
            return None
        target = self._issue(issue)
        events = self._call(f"timeline of {issue.key}", lambda: list(target.get_timeline()))
        for event in reversed(events):
            source = event.source if event.event == "cross-referenced" else None
            pull = source.issue if source is not None else None
            merged = pull.pull_request.merged_at if pull and pull.pull_request else None
            if pull is not None and merged is not None:
                return Fix("pull_request", f"#{pull.number}", merged, pull.html_url, pull.title)
        for event in reversed(events):
            if event.event == "closed" and event.commit_id:
                url = event.raw_data.get("commit_url")
                return Fix("commit", event.commit_id, event.created_at, url)
        return None

    def _labelled(self) -> list[Issue]:
        return self._call(
            "list issues",
            lambda: list(self._repo.get_issues(state="all", labels=[SDDKIT_LABEL])),
        )

    def _issue(self, issue: FiledIssue) -> Issue:
        if issue.key not in self._issues:
            number = int(issue.key.rsplit("#", 1)[1])
            self._issues[issue.key] = self._call(
                f"get {issue.key}", lambda: self._repo.get_issue(number)
            )
        return self._issues[issue.key]

    def _require(self, issue: Issue) -> FiledIssue:
        filed = self._filed(issue)
        if filed is None:
            raise TrackerError(f"{self.name}#{issue.number} lost its sddkit marker")
        return filed

    def _filed(self, issue: Issue) -> FiledIssue | None:
        theme_id = theme_id_in(issue.body)
        if theme_id is None:
            return None
        key = f"{self._settings.repo}#{issue.number}"
        self._issues[key] = issue
        return FiledIssue(
            key=key,
            theme_id=theme_id,
            title=issue.title,
            state=issue.state,
            url=issue.html_url,
            created_at=issue.created_at,
            closed_at=issue.closed_at,
            labels=tuple(label.name for label in issue.labels),
            body=issue.body or "",
        )

    def _call(
        self, what: str, fn: Callable[[], T], *, before_retry: Callable[[], T | None] | None = None
    ) -> T:
        return self._policy.call(f"GitHub {what}", fn, self._inspect, before_retry=before_retry)

    def _inspect(self, error: BaseException) -> Failure | None:
        if isinstance(error, GithubException):
            message = _message(error)
            headers = {str(k): str(v) for k, v in (error.headers or {}).items()}
            return Failure(error.status, headers, self._scrub(f"HTTP {error.status}: {message}"))
        if isinstance(error, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
            return Failure(None, {}, self._scrub(f"{type(error).__name__}: {error}"))
        return None


def _message(error: GithubException) -> str:
    data = error.data
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return str(data)[:200] if data else "no details"
