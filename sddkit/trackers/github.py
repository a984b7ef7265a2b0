"""GitHub (github.com or Enterprise) as the tracker, through PyGithub.

Earlier issues are found by listing the repository's issues with the ``sddkit`` label in any
state, and the newest issues whatever their labels (the issues API is consistent right after
a write, unlike search, whose index lags: a run that relied on search alone would file
duplicates after a crash; and a token without push access has its labels silently dropped on
create). A search for the marker then adds issues whose label someone removed, once the index
has them.

Issues are created with their labels and marker in one request, so no run can leave an
unlabelled, unmarked issue behind. PyGithub's own retry is turned off: `RetryPolicy` retries.

A comment is posted only if no comment on the issue carries the same mark, checked before the
first attempt and again before a retry after a 5xx or timeout (which may follow a stored post).

A person says an issue is a duplicate the way GitHub documents it, a comment that starts
"Duplicate of #12" (or "owner/name#12", or the issue's URL), or with GitHub's "Close as
duplicate" (a ``marked_as_duplicate`` timeline event naming the ``canonical`` issue), the
issue closed as not planned or as a duplicate. The newest of these counts (an
``unmarked_as_duplicate`` event takes it back); one of sddkit's own (marked) comments never
does, so no customer text it quotes can forge one. A run reads each issue's verdict once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException
from github.Issue import Issue

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
    BadResponse,
    Failure,
    RetryPolicy,
    Scrubber,
    TrackerError,
    malformed,
    secret_from,
)
from sddkit.trackers.settings import GitHubSettings
from sddkit.trackers.suggest import BODY_LIMITS

T = TypeVar("T")
FIX_WINDOW = timedelta(days=1)  # a PR merged this close to the issue's close is its fix
RECENT = 100  # newest issues read on each run (one page)
DUPLICATE_OF_RE = re.compile(
    r"\s*duplicate\s+of\s+(?:https?://\S+?/(?P<url>[\w.-]+/[\w.-]+)/issues/"
    r"|(?P<repo>[\w.-]+/[\w.-]+)?#)(?P<number>\d+)\b",
    re.IGNORECASE,
)
# The issue's newest body edits (the connection runs oldest to newest; `last` takes the end).
EDITS_QUERY = """
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issue(number: $number) {
      userContentEdits(last: 100) { nodes { editedAt diff editor { login } } }
    }
  }
}
"""


class GitHubTracker:
    def __init__(
        self,
        settings: GitHubSettings,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        write_interval_s: float | None = 1.0,
        not_planned: Iterable[str] = DEFAULT_NOT_PLANNED,
    ) -> None:
        token = secret_from(token) or ""
        self.name = f"github:{settings.repo}"
        self.body_limit = BODY_LIMITS["github"]
        self._settings = settings
        self._scrub = Scrubber([token])
        self._policy = policy or RetryPolicy()
        self._not_planned = tuple(not_planned)
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
        # A person's duplicate verdicts, read once a run (planning and the cache refresh
        # after the writes both ask), by issue and its close.
        self._verdicts: dict[tuple[str, datetime | None, str | None], str | None] = {}

    def filed_issues(self, *, unmarked: bool = False) -> list[FiledIssue]:
        found: dict[str, Issue] = {}
        query = f'repo:{self._settings.repo} is:issue in:body "sddkit:theme"'
        searched = self._call("search issues", lambda: list(self._github.search_issues(query)))
        for issue in [*self._labelled(), *self._recent(), *searched]:
            found.setdefault(str(issue.html_url), issue)
        filed = [self._filed(issue, unmarked=unmarked) for issue in found.values()]
        return sorted((i for i in filed if i is not None), key=lambda i: _number(i.key))

    def create(self, draft: IssueDraft) -> FiledIssue:
        def create() -> FiledIssue:
            issue = self._repo.create_issue(
                title=draft.title, body=draft.body, labels=list(draft.labels)
            )
            return self._require(issue)

        def created_meanwhile() -> FiledIssue | None:
            # A 5xx or timeout may come after GitHub stored the issue: look before resending
            # (among the newest issues too: GitHub drops the labels of a token without push).
            issues = [*self._labelled(), *self._recent()]
            matches = [
                i
                for i in issues
                if theme_id_in(i.body) == draft.theme_id and self._filed(i) is not None
            ]
            return self._require(matches[0]) if matches else None

        # Another run (another CI runner, with its own store) may have filed it since we
        # planned: look right before sending, as before a retry.
        return self._call("look for the issue", created_meanwhile) or self._call(
            "create issue", create, before_retry=created_meanwhile
        )

    def update(self, issue: FiledIssue, draft: IssueDraft) -> FiledIssue:
        target = self._issue(issue)
        self._call(f"update {issue.key}", lambda: target.edit(body=draft.body))
        return self._require(target, issue.theme_id)

    def find(self, key: str) -> FiledIssue | None:
        def fetch() -> Issue | None:
            try:
                return self._fetch(key)
            except GithubException as error:
                if error.status in (404, 410):  # deleted, or transferred where we cannot see
                    return None
                raise

        found = self._call(f"get {key}", fetch)
        # Known by key: ours even with no marker, label or other sddkit line left.
        return self._filed(found, moved=True, theme_id="") if found is not None else None

    def refresh(self, issue: FiledIssue) -> FiledIssue:
        fresh = self._call(f"get {issue.key}", lambda: self._fetch(issue.key))
        return self._require(fresh, issue.theme_id)

    def body_edits(self, issue: FiledIssue) -> list[BodyEdit]:
        """The GraphQL `userContentEdits` of the issue, by `editedAt`. GitHub documents a
        node's `diff` only as "a summary of the changes"; it holds the whole body that edit
        saved (the created version comes first once the body was edited), so each edit's
        `before` is the previous node's text."""
        repo, number = issue.key.rsplit("#", 1)
        owner, name = repo.split("/", 1)
        variables = {"owner": owner, "name": name, "number": int(number)}

        def fetch() -> list[dict[str, Any]]:
            _, data = self._github.requester.graphql_query(EDITS_QUERY, variables)
            found = data["data"]["repository"]["issue"]["userContentEdits"]["nodes"]
            return sorted((n for n in found if n), key=lambda n: str(n["editedAt"]))

        nodes = self._call(f"edit history of {issue.key}", fetch)
        edits: list[BodyEdit] = []
        for node in nodes:
            before = edits[-1].after if edits else None
            editor = str((node.get("editor") or {}).get("login") or "")
            when = datetime.fromisoformat(str(node["editedAt"]).replace("Z", "+00:00"))
            edits.append(BodyEdit(when, editor, before, node.get("diff")))
        return edits

    def comment(self, issue: FiledIssue, text: str) -> bool:
        target = self._issue(issue)
        return comment_once(
            text,
            marks=lambda: self.comment_marks(issue),
            post=lambda: target.create_comment(text),
            call=lambda attempt, posted: self._call(
                f"comment on {issue.key}", attempt, before_retry=posted
            ),
        )

    def comment_marks(self, issue: FiledIssue) -> list[CommentMark]:
        target = self._issue(issue)
        comments = self._call(f"comments of {issue.key}", lambda: list(target.get_comments()))
        marks = (CommentMark.parse(c.body, c.created_at) for c in comments)
        return [m for m in marks if m is not None and m.theme_id == issue.theme_id]

    def fix_of(self, issue: FiledIssue) -> Fix | None:
        """What closed the issue: a merged pull request of this repository that references it
        (cross-referenced / connected timeline events), preferring one merged within a day of
        the close; else the commit of the `closed` event; else the referencing PR merged
        closest to the close. None for an open issue or one closed as not planned.
        """
        if issue.state != "closed" or closed_as_not_planned(issue.close_reason, self._not_planned):
            return None
        target = self._issue(issue)
        events = self._call(f"timeline of {issue.key}", lambda: list(target.get_timeline()))
        closed_at = issue.closed_at
        pulls = [fix for fix in map(self._merged_pull, events) if fix is not None]
        if closed_at is not None:
            pulls.sort(key=lambda fix: abs(fix.fixed_at - closed_at))
        if pulls and (closed_at is None or abs(pulls[0].fixed_at - closed_at) <= FIX_WINDOW):
            return pulls[0]
        for event in reversed(events):
            if event.event == "closed" and event.commit_id:
                url = event.raw_data.get("commit_url")
                return Fix("commit", event.commit_id, event.created_at, url)
        return pulls[0] if pulls else None

    def marked_duplicate_of(self, issue: FiledIssue) -> str | None:
        """See `Tracker.marked_duplicate_of` and the module docstring: the newest of the
        "Duplicate of …" comments and the timeline's (un)marked-as-duplicate events."""
        if issue.state != "closed" or not closed_as_not_planned(
            issue.close_reason, self._not_planned
        ):
            return None
        read = (issue.key, issue.closed_at, issue.close_reason)
        if read not in self._verdicts:
            self._verdicts[read] = self._read_verdict(issue)
        return self._verdicts[read]

    def _read_verdict(self, issue: FiledIssue) -> str | None:
        target = self._issue(issue)
        comments = self._call(f"comments of {issue.key}", lambda: list(target.get_comments()))
        events = self._call(f"timeline of {issue.key}", lambda: list(target.get_timeline()))
        said: list[tuple[datetime, str | None]] = []
        for comment in comments:
            key = self._duplicate_in(comment.body or "")
            if key is not None and comment.created_at is not None:
                said.append((comment.created_at, key))
        for event in events:
            if event.event in ("marked_as_duplicate", "unmarked_as_duplicate") and event.created_at:
                canonical = event.raw_data.get("canonical") or {}
                key = self._key_of(canonical) if event.event == "marked_as_duplicate" else None
                said.append((event.created_at, key))
        newest = max(said, key=lambda s: s[0], default=(None, None))[1]
        return newest if newest is not None and newest.lower() != issue.key.lower() else None

    def _key_of(self, payload: dict[str, Any]) -> str | None:
        """The key of an issue payload (a timeline event's `canonical`) of this repository."""
        number = payload.get("number")
        url = str(payload.get("html_url") or "")
        repo = (payload.get("repository") or {}).get("full_name") or (
            _repo_in(url) if url else self._settings.repo
        )
        if not isinstance(number, int) or not repo or not _same(repo, self._settings.repo):
            return None
        return f"{self._settings.repo}#{number}"

    def _duplicate_in(self, text: str) -> str | None:
        """The key a "Duplicate of …" comment names in this repository, if it is one."""
        match = DUPLICATE_OF_RE.match(text)
        if match is None or CommentMark.parse(text) is not None:
            return None
        repo = match.group("url") or match.group("repo") or self._settings.repo
        if not _same(repo, self._settings.repo):
            return None
        return f"{self._settings.repo}#{int(match.group('number'))}"

    def _merged_pull(self, event: Any) -> Fix | None:
        """The merged same-repository PR an event's source names, if any."""
        if event.event not in ("cross-referenced", "connected"):
            return None
        source = event.raw_data.get("source") or {}
        pull = source.get("issue") or {}
        merged = (pull.get("pull_request") or {}).get("merged_at")
        repo_url = str(pull.get("repository_url") or "")
        repo = str((pull.get("repository") or {}).get("full_name") or "")
        same_repo = repo_url.lower().endswith(f"/repos/{self._settings.repo}".lower()) or (
            repo.lower() == self._settings.repo.lower()
        )
        if not merged or not same_repo:
            return None
        when = datetime.fromisoformat(str(merged).replace("Z", "+00:00"))
        ref = f"#{pull['number']}"
        return Fix("pull_request", ref, when, pull.get("html_url"), pull.get("title"))

    def _labelled(self) -> list[Issue]:
        return self._call(
            "list issues",
            lambda: list(self._repo.get_issues(state="all", labels=[SDDKIT_LABEL])),
        )

    def _recent(self) -> list[Issue]:
        """The newest issues, labelled or not (one request; consistent right after a write,
        unlike search): an issue whose labels were dropped is found by its marker here."""
        return self._call(
            "list recent issues",
            lambda: list(
                islice(self._repo.get_issues(state="all", sort="created", direction="desc"), RECENT)
            ),
        )

    def _issue(self, issue: FiledIssue) -> Issue:
        if issue.key not in self._issues:
            self._issues[issue.key] = self._call(f"get {issue.key}", lambda: self._fetch(issue.key))
        return self._issues[issue.key]

    def _fetch(self, key: str) -> Issue:
        """The issue, read now (the client is lazy: reading `raw_data` sends the request).
        PyGithub follows GitHub's 301 for a transferred issue: it comes back from its new
        repository (`_repo_of`)."""
        repo, number = key.rsplit("#", 1)
        source = self._repo if _same(repo, self._settings.repo) else self._github.get_repo(repo)
        issue = source.get_issue(int(number))
        _ = issue.raw_data
        return issue

    def _require(self, issue: Issue, theme_id: str | None = None) -> FiledIssue:
        """An issue sddkit wrote or reads back by key: followed if it moved; without its
        marker (a person deleted it) it keeps `theme_id`, the id it is known by."""
        if not isinstance(issue.number, int):
            raise BadResponse("an issue without a number")
        filed = self._filed(issue, moved=True, theme_id=theme_id)
        if filed is None:
            raise TrackerError(f"{self.name}#{issue.number} lost its sddkit marker")
        return filed

    def _filed(
        self,
        issue: Issue,
        *,
        unmarked: bool = False,
        moved: bool = False,
        theme_id: str | None = None,
    ) -> FiledIssue | None:
        """The issue as sddkit's, or None: a pull request; another repository's issue in a
        listing (never adopted; `moved`: one of ours read by key, followed to its new
        repository); no marker (unless `unmarked`, see `filed_issues`, or a `theme_id` it is
        known by: "" for one read by its key)."""
        repo = _repo_of(issue) or self._settings.repo
        if "/pull/" in str(issue.html_url) or not (moved or _same(repo, self._settings.repo)):
            return None
        labels = tuple(label.name for label in issue.labels)
        theme_id = theme_id_in(issue.body) or theme_id
        if theme_id is None:
            if not unmarked or not (SDDKIT_LABEL in labels or has_traces(issue.body)):
                return None
            theme_id = ""
        key = f"{repo}#{issue.number}"
        self._issues[key] = issue
        return FiledIssue(
            key=key,
            theme_id=theme_id,
            title=issue.title,
            state=issue.state,
            url=issue.html_url,
            created_at=issue.created_at,
            closed_at=issue.closed_at,
            labels=labels,
            body=issue.body or "",
            close_reason=issue.state_reason if issue.state == "closed" else None,
            theme_ids=theme_ids_in(issue.body),
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
        if isinstance(error, MALFORMED):
            return malformed("GitHub", error, self._scrub)
        if isinstance(error, requests.exceptions.RequestException):
            return Failure(None, {}, self._scrub(f"{type(error).__name__}: {error}"))
        return None


def _repo_of(issue: Issue) -> str | None:
    """ "owner/name" of the repository the issue is in now (from its `html_url`, which every
    answer carries: reading `repository_url` of a listed issue could cost a request)."""
    return _repo_in(str(issue.html_url or ""))


def _repo_in(html_url: str) -> str | None:
    """ "owner/name" of an issue's web address (".../owner/name/issues/12")."""
    parts = html_url.rstrip("/").split("/")
    return "/".join(parts[-4:-2]) if len(parts) >= 4 and parts[-2] == "issues" else None


def _same(repo: str, other: str) -> bool:
    return repo.lower() == other.lower()


def _number(key: str) -> int:
    return int(key.rsplit("#", 1)[1])


def _message(error: GithubException) -> str:
    """GitHub's own reason, with the details of a 422 ("body is too long …")."""
    data = error.data
    if isinstance(data, dict) and data.get("message"):
        details = [
            str(e.get("message") or e.get("code")) if isinstance(e, dict) else str(e)
            for e in data.get("errors") or []
        ]
        return "; ".join([str(data["message"]), *details])[:300]
    return str(data)[:200] if data else "no details"
