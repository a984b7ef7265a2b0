"""Jira (Cloud or Server/Data Center) as the tracker, through the `jira` package.

Earlier issues are found with JQL: the ``sddkit`` label, or the marker text in the
description (for issues whose label someone removed; Jira's text index finds them). Jira's
search is eventually consistent, so the issues numbered after the newest one search returns
are also read by key (consistent): an issue created seconds ago, or whose create answer was
lost (502), is found and never filed again. Jira wiki
markup has no hidden comments, so the marker sits visibly in a small ``{noformat}`` footer, and
each comment sddkit posts ends with a grey ``sddkit:comment theme=… event=… count=…`` line:
a comment with that mark already on the issue is never posted again.

The fix of a resolved issue is its resolution and resolution date, unless it was resolved as
not planned ("Won't Do", "Duplicate"…: no fix); a remote link to a GitHub pull request (e.g.
added by an integration or by hand) then names the pull request as the fix. A person says an
issue is a duplicate with Jira's own Duplicate link ("duplicates" SUP-7, or "is duplicated by"
on an issue resolved as Duplicate: the resolution says which is the duplicate) on an issue
resolved as not planned; the link comes with each issue read (field ``issuelinks``), no
extra request.

Cloud authenticates with e-mail + API token (basic auth), Server/DC with a personal access
token (bearer). The client is built on first use (its constructor calls serverInfo) with its
own retries off: `RetryPolicy` retries, with injectable sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

import requests
from jira import JIRA, JIRAError

from sddkit.trackers.base import (
    DEFAULT_NOT_PLANNED,
    SDDKIT_LABEL,
    BodyEdit,
    CommentMark,
    FiledIssue,
    Fix,
    IssueDraft,
    closed_as_not_planned,
    comment_once,
    has_traces,
    theme_id_in,
    theme_ids_in,
)
from sddkit.trackers.retry import (
    MALFORMED,
    Failure,
    RetryPolicy,
    Scrubber,
    TrackerError,
    malformed,
    secret_from,
)
from sddkit.trackers.settings import JiraSettings
from sddkit.trackers.suggest import BODY_LIMITS

T = TypeVar("T")
PULL_URL_RE = re.compile(r"^https?://[^/]+/([\w.-]+/[\w.-]+)/pull/(\d+)/?$")
COMMENT_PAGE = 100
PROBE_MISSES = 3  # issue numbers in a row that must not exist before probing stops
FIELDS = [
    "summary",
    "description",
    "status",
    "labels",
    "created",
    "resolutiondate",
    "resolution",
    "issuelinks",
]


class JiraTracker:
    def __init__(
        self,
        settings: JiraSettings,
        token: str,
        *,
        email: str | None = None,
        policy: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        not_planned: Iterable[str] = DEFAULT_NOT_PLANNED,
    ) -> None:
        token, email = secret_from(token) or "", secret_from(email)
        if settings.deployment == "cloud" and not email:
            raise TrackerError("Jira Cloud needs JIRA_EMAIL (the API token's account) to be set")
        self.name = f"jira:{settings.project}"
        self.body_limit = BODY_LIMITS["jira"]
        self._quiet = True  # updates without e-mails, until Jira says only admins may do that
        self._settings = settings
        self._token = token
        self._email = email
        self._scrub = Scrubber([token], [email])
        self._policy = policy or RetryPolicy()
        self._timeout_s = timeout_s
        self._not_planned = tuple(not_planned)
        self._client: JIRA | None = None
        self._raw: dict[str, Any] = {}  # key -> the issue resource last seen

    def filed_issues(self, *, unmarked: bool = False) -> list[FiledIssue]:
        project = self._settings.project
        jql = (
            f'project = "{project}" AND (labels = {SDDKIT_LABEL} OR text ~ "\\"sddkit:theme\\"")'
            " ORDER BY created ASC"
        )
        found = {issue.key: issue for issue in self._search(jql)}
        newer = self._newer_than_search()  # read by our keys: moved ones are followed
        for issue in newer:
            found.setdefault(issue.key, issue)
        followed = {issue.key for issue in newer}
        filed = [
            self._filed(issue, unmarked=unmarked, moved=issue.key in followed)
            for issue in found.values()
        ]
        return sorted(
            (item for item in filed if item is not None),
            key=lambda item: (item.created_at, _number(item.key)),
        )

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
            # The create may have landed although its answer was lost. Search lags behind
            # writes, so the issues numbered after the newest one search knows are read by key.
            jql = f'project = "{self._settings.project}" AND labels = {SDDKIT_LABEL}'
            for issue in [*self._newer_than_search(), *self._search(jql)]:
                description = issue.raw["fields"].get("description")
                if theme_id_in(description) == draft.theme_id and self._ours(issue.key):
                    return self._require(issue)
            return None

        # Another run (another CI runner, with its own store) may have filed it since we
        # planned: look right before sending, as before a retry.
        return self._call("look for the issue", created_meanwhile) or self._call(
            "create issue", create, before_retry=created_meanwhile
        )

    def update(self, issue: FiledIssue, draft: IssueDraft) -> FiledIssue:
        target = self._issue(issue.key)

        def write() -> None:
            try:
                target.update(fields={"description": draft.body}, notify=not self._quiet)
            except JIRAError as error:
                # Server/DC lets only admins skip notifications (notifyUsers=false → 403).
                if error.status_code != 403 or not self._quiet:
                    raise
                self._quiet = False
                target.update(fields={"description": draft.body}, notify=True)

        self._call(f"update {issue.key}", write)
        return self._require(target, issue.theme_id)

    def find(self, key: str) -> FiledIssue | None:
        """Jira answers a moved issue's old key with the issue under its new key."""
        found = self._get_if_exists(key)
        # Known by key: ours even with no marker, label or other sddkit line left.
        return self._filed(found, moved=True, theme_id="") if found is not None else None

    def refresh(self, issue: FiledIssue) -> FiledIssue:
        self._raw.pop(issue.key, None)
        return self._require(self._issue(issue.key), issue.theme_id)

    def body_edits(self, issue: FiledIssue) -> list[BodyEdit]:
        """The `description` changes in the issue's changelog (`expand=changelog`: the
        newest 100 histories), oldest first, each with `fromString` and `toString`."""

        def fetch() -> list[Any]:
            found = self.client.issue(issue.key, fields="description", expand="changelog")
            histories = found.raw["changelog"]["histories"]
            return sorted(histories, key=lambda h: _time(h["created"]) or datetime.min)

        edits = []
        for history in self._call(f"changelog of {issue.key}", fetch):
            author = history.get("author") or {}
            editor = str(author.get("displayName") or author.get("name") or "")
            when = _time(history["created"])
            for item in history.get("items") or []:
                if item.get("field") == "description" and when is not None:
                    edits.append(
                        BodyEdit(when, editor, item.get("fromString"), item.get("toString"))
                    )
        return edits

    def comment(self, issue: FiledIssue, text: str) -> bool:
        return comment_once(
            text,
            marks=lambda: self.comment_marks(issue),
            post=lambda: self.client.add_comment(issue.key, text),
            call=lambda attempt, posted: self._call(
                f"comment on {issue.key}", attempt, before_retry=posted
            ),
        )

    def comment_marks(self, issue: FiledIssue) -> list[CommentMark]:
        marks: list[CommentMark] = []
        start = 0
        while True:

            def fetch(at: int = start) -> list[Any]:
                return list(
                    self.client.comments(
                        issue.key, start_at=at, max_results=COMMENT_PAGE, order_by="created"
                    )
                )

            page = self._call(f"comments of {issue.key}", fetch)
            for comment in page:
                mark = CommentMark.parse(comment.raw.get("body"), _time(comment.raw.get("created")))
                if mark is not None and mark.theme_id == issue.theme_id:
                    marks.append(mark)
            if len(page) < COMMENT_PAGE:  # Jira honours maxResults up to 5000 for comments
                return marks
            start += len(page)

    def fix_of(self, issue: FiledIssue) -> Fix | None:
        """The resolution and its date, or a linked GitHub pull request with that date."""
        if issue.state != "closed":
            return None
        fields = self._issue(issue.key).raw["fields"]
        resolution = (fields.get("resolution") or {}).get("name")
        resolved = _time(fields.get("resolutiondate"))
        if not resolution or resolved is None:
            return None
        if closed_as_not_planned(resolution, self._not_planned):
            return None
        links = self._call(
            f"remote links of {issue.key}", lambda: self.client.remote_links(issue.key)
        )
        pulls = [link.raw.get("object") or {} for link in links]
        pulls = [obj for obj in pulls if PULL_URL_RE.match(str(obj.get("url") or ""))]
        if pulls:
            # A resolved (merged/closed) pull request first; else the last one linked.
            pull = sorted(pulls, key=lambda o: bool((o.get("status") or {}).get("resolved")))[-1]
            match = PULL_URL_RE.match(str(pull["url"]))
            assert match is not None
            ref = f"{match.group(1)}#{match.group(2)}"
            return Fix("pull_request", ref, resolved, str(pull["url"]), pull.get("title"))
        return Fix("resolution", resolution, resolved, issue.url)

    def marked_duplicate_of(self, issue: FiledIssue) -> str | None:
        """See `Tracker.marked_duplicate_of` and the module docstring."""
        if issue.state != "closed" or not closed_as_not_planned(
            issue.close_reason, self._not_planned
        ):
            return None
        outward, inward = [], []
        for link in self._issue(issue.key).raw["fields"].get("issuelinks") or []:
            kind = link.get("type") or {}
            if str(kind.get("name") or "").casefold() != "duplicate" and (
                str(kind.get("outward") or "").casefold() != "duplicates"
            ):
                continue
            outward.append(str((link.get("outwardIssue") or {}).get("key") or ""))
            inward.append(str((link.get("inwardIssue") or {}).get("key") or ""))
        # "SUP-12 duplicates SUP-7"; a link made from the wrong side ("is duplicated by")
        # still says which when the issue itself was resolved as Duplicate.
        if str(issue.close_reason or "").casefold() == "duplicate":
            outward += inward
        found = [key for key in outward if key and self._ours(key) and key != issue.key]
        return found[0] if found else None

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

    def _newer_than_search(self) -> list[Any]:
        """Issues of the project numbered after the newest one search returns, read by key
        until `PROBE_MISSES` numbers in a row do not exist. Jira's search is eventually
        consistent (an issue created seconds ago may be missing); reading by key is not."""
        project = self._settings.project
        jql = f'project = "{project}" ORDER BY created DESC'
        newest = self._call(
            "search newest",
            lambda: self.client.search_issues(jql, maxResults=1, fields=["created"]),
        )
        known = [_number(i.key) for i in newest if self._ours(i.key)]
        known += [_number(k) for k in self._raw if self._ours(k)]
        number, misses, found = max(known, default=0), 0, []
        while misses < PROBE_MISSES:
            number += 1
            issue = self._get_if_exists(f"{project}-{number}")
            misses = misses + 1 if issue is None else 0
            if issue is not None:
                found.append(issue)
        return found

    def _get_if_exists(self, key: str) -> Any | None:
        def fetch() -> Any | None:
            try:
                return self.client.issue(key, fields=",".join(FIELDS))
            except JIRAError as error:
                if error.status_code == 404:
                    return None
                raise

        return self._call(f"get {key}", fetch)

    def _issue(self, key: str) -> Any:
        if key not in self._raw:
            self._raw[key] = self._call(
                f"get {key}", lambda: self.client.issue(key, fields=",".join(FIELDS))
            )
        return self._raw[key]

    def _require(self, issue: Any, theme_id: str | None = None) -> FiledIssue:
        """An issue sddkit wrote or reads back by key: followed if it moved; without its
        marker (a person deleted it) it keeps `theme_id`, the id it is known by."""
        filed = self._filed(issue, moved=True, theme_id=theme_id)
        if filed is None:
            raise TrackerError(f"{issue.key} lost its sddkit marker")
        return filed

    def _ours(self, key: str) -> bool:
        return key.rsplit("-", 1)[0] == self._settings.project

    def _filed(
        self,
        issue: Any,
        *,
        unmarked: bool = False,
        moved: bool = False,
        theme_id: str | None = None,
    ) -> FiledIssue | None:
        """The issue as sddkit's, or None: another project's issue in a search answer (never
        adopted; `moved`: one of ours read by key, followed to its new project); no marker
        (unless `unmarked`, see `filed_issues`, or a `theme_id` it is known by: ""
        for one read by its key)."""
        if not (moved or self._ours(issue.key)):
            return None
        fields = issue.raw["fields"]
        labels = tuple(fields.get("labels") or ())
        theme_id = theme_id_in(fields.get("description")) or theme_id
        if theme_id is None:
            if not unmarked or not (
                SDDKIT_LABEL in labels or has_traces(fields.get("description"))
            ):
                return None
            theme_id = ""
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
            labels=labels,
            body=fields.get("description") or "",
            close_reason=(fields.get("resolution") or {}).get("name") if closed else None,
            theme_ids=theme_ids_in(fields.get("description")),
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
        if isinstance(error, MALFORMED):
            return malformed("Jira", error, self._scrub)
        if isinstance(error, requests.exceptions.RequestException):
            return Failure(None, {}, self._scrub(f"{type(error).__name__}: {error}"))
        return None


def _number(key: str) -> int:
    """The number of an issue key ("SUP-12" → 12; 0 for anything else)."""
    tail = key.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _time(value: str | None) -> datetime | None:
    """Jira's "2024-05-01T10:00:00.000+0000" (Python 3.11 parses it as is)."""
    return datetime.fromisoformat(value) if value else None
