"""Jira (Cloud or Server/Data Center) as the tracker, through the `jira` package.

Earlier issues are found with JQL: the ``sddkit`` label, or the marker text in the
description (for issues whose label someone removed; Jira's text index finds them). Jira wiki
markup has no hidden comments, so the marker sits visibly in a small ``{noformat}`` footer.

Cloud authenticates with e-mail + API token (basic auth), Server/DC with a personal access
token (bearer). The client is built on first use (its constructor calls serverInfo) with its
own retries off: `RetryPolicy` retries, with injectable sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import requests
from jira import JIRA, JIRAError

from sddkit.trackers.base import SDDKIT_LABEL, FiledIssue, Fix, IssueDraft, theme_id_in
from sddkit.trackers.retry import Failure, RetryPolicy, Scrubber, TrackerError
from sddkit.trackers.settings import JiraSettings

T = TypeVar("T")
FIELDS = ["summary", "description", "status", "labels", "created", "resolutiondate", "resolution"]


class JiraTracker:
    def __init__(
        self,
        settings: JiraSettings,
        token: str,
        *,
        email: str | None = None,
        policy: RetryPolicy | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        if settings.deployment == "cloud" and not email:
            raise TrackerError("Jira Cloud needs JIRA_EMAIL (the API token's account) to be set")
        self.name = f"jira:{settings.project}"
        self._settings = settings
        self._token = token
        self._email = email
        self._scrub = Scrubber([token, email])
        self._policy = policy or RetryPolicy()
        self._timeout_s = timeout_s
        self._client: JIRA | None = None
        self._raw: dict[str, Any] = {}  # key -> the issue resource last seen

    def filed_issues(self) -> list[FiledIssue]:
        project = self._settings.project
        jql = (
            f'project = "{project}" AND (labels = {SDDKIT_LABEL} OR text ~ "\\"sddkit:theme\\"")'
            " ORDER BY created ASC"
        )
        found = self._search(jql)
        return [filed for filed in map(self._filed, found) if filed is not None]

    def create(self, draft: IssueDraft) -> FiledIssue:
        fields = {
            "project": {"key": self._settings.project},
            "summary": draft.title,
            "description": draft.body,
            "issuetype": {"name": draft.issue_type or self._settings.issue_type("default")},
            "labels": list(draft.labels),
        }

        def create() -> FiledIssue:
            return self._require(self.client.create_issue(fields=fields))

        def created_meanwhile() -> FiledIssue | None:
            jql = f'project = "{self._settings.project}" AND labels = {SDDKIT_LABEL}'
            for issue in self._search(jql):
                if theme_id_in(issue.raw["fields"].get("description")) == draft.theme_id:
                    return self._require(issue)
            return None

        return self._call("create issue", create, before_retry=created_meanwhile)

    def update(self, issue: FiledIssue, draft: IssueDraft) -> FiledIssue:
        target = self._issue(issue.key)
        self._call(
            f"update {issue.key}",
            lambda: target.update(fields={"description": draft.body}, notify=False),
        )
        return self._require(target)

    def comment(self, issue: FiledIssue, text: str) -> None:
        self._call(f"comment on {issue.key}", lambda: self.client.add_comment(issue.key, text))

    def fix_of(self, issue: FiledIssue) -> Fix | None:
        """The resolution (e.g. "Fixed") and when it was set; Jira's dev links need an app."""
        if issue.state != "closed":
            return None
        fields = self._issue(issue.key).raw["fields"]
        resolution = (fields.get("resolution") or {}).get("name")
        resolved = _time(fields.get("resolutiondate"))
        if not resolution or resolved is None:
            return None
        return Fix("resolution", resolution, resolved, issue.url)

    @property
    def client(self) -> JIRA:
        if self._client is None:
            auth: dict[str, Any] = (
                {"basic_auth": (self._email, self._token)}
                if self._settings.deployment == "cloud"
                else {"token_auth": self._token}
            )
            self._client = self._call(
                "connect",
                lambda: JIRA(
                    server=self._settings.url, max_retries=0, timeout=self._timeout_s, **auth
                ),
            )
        return self._client

    def _search(self, jql: str) -> list[Any]:
        return list(
            self._call(
                "search", lambda: self.client.search_issues(jql, maxResults=0, fields=FIELDS)
            )
        )

    def _issue(self, key: str) -> Any:
        if key not in self._raw:
            self._raw[key] = self._call(
                f"get {key}", lambda: self.client.issue(key, fields=",".join(FIELDS))
            )
        return self._raw[key]

    def _require(self, issue: Any) -> FiledIssue:
        filed = self._filed(issue)
        if filed is None:
            raise TrackerError(f"{issue.key} lost its sddkit marker")
        return filed

    def _filed(self, issue: Any) -> FiledIssue | None:
        fields = issue.raw["fields"]
        theme_id = theme_id_in(fields.get("description"))
        if theme_id is None:
            return None
        self._raw[issue.key] = issue
        category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
        closed = category == "done"
        created = _time(fields.get("created"))
        if created is None:
            raise TrackerError(f"{issue.key} has no creation time")
        return FiledIssue(
            key=issue.key,
            theme_id=theme_id,
            title=fields.get("summary") or "",
            state="closed" if closed else "open",
            url=f"{self._settings.url}/browse/{issue.key}",
            created_at=created,
            closed_at=_time(fields.get("resolutiondate")) if closed else None,
            labels=tuple(fields.get("labels") or ()),
            body=fields.get("description") or "",
        )

    def _call(
        self, what: str, fn: Callable[[], T], *, before_retry: Callable[[], T | None] | None = None
    ) -> T:
        return self._policy.call(f"Jira {what}", fn, self._inspect, before_retry=before_retry)

    def _inspect(self, error: BaseException) -> Failure | None:
        if isinstance(error, JIRAError):
            response = error.response
            headers = dict(response.headers) if response is not None else {}
            text = (error.text or "")[:300]
            return Failure(
                error.status_code, headers, self._scrub(f"HTTP {error.status_code}: {text}")
            )
        if isinstance(error, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
            return Failure(None, {}, self._scrub(f"{type(error).__name__}: {error}"))
        return None


def _time(value: str | None) -> datetime | None:
    """Jira's "2024-05-01T10:00:00.000+0000" (Python 3.11 parses it as is)."""
    return datetime.fromisoformat(value) if value else None
