"""In-process fake GitHub and Jira servers speaking the documented REST shapes.

They run behind pytest-httpserver (a real HTTP server on localhost); the real PyGithub and
jira clients talk to them. State is plain dicts; `faults` inject responses (rate limits, 5xx)
so tests can exercise retries, crashes and partial progress.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

from sddkit.themes.model import Theme
from sddkit.tickets.model import Message, Ticket

GH_TOKEN = "ghp_SECRETtoken1234567890abcdefABCDEF"
JIRA_TOKEN = "ATATT3xSECRETjira0987654321zyx"


class Sleeper:
    """Records the waits instead of sleeping; the clock advances with them."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = NOW.timestamp()

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TOO_LONG = "The entered text is too long. It exceeds the allowed limit of 32,767 characters."


def _stamp(server: FakeServer) -> datetime:
    """A moment for the next history entry: one second after the previous one."""
    server.edit_count += 1
    return NOW + timedelta(seconds=server.edit_count)


def _iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status, headers, content_type="application/json")


@dataclass
class Fault:
    """Answer requests matching `method` and `path` (regex) with `status` `times` times.

    With `after=True` the request is performed first and only its response is replaced
    (the server stored the issue, then the connection died: the classic duplicate maker).
    """

    method: str
    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    after: bool = False
    message: str = "fault injected"
    skip: int = 0  # let this many matching requests through first
    raw: str | None = None  # answer with this text (an HTML page, cut JSON) instead of JSON


def _faulty(fault: Fault) -> Response:
    if fault.raw is not None:
        kind = "text/html" if fault.raw.lstrip().startswith("<") else "application/json"
        return Response(fault.raw, fault.status, fault.headers, content_type=kind)
    return _json({"message": fault.message}, fault.status, fault.headers)


HTML_PAGE = "<html><body><h1>502 Bad Gateway</h1><p>proxy says hello</p></body></html>"


class FakeServer:
    prefix = ""

    def __init__(self, base_url: str, secret: str) -> None:
        self.base = base_url.rstrip("/")
        self.secret = secret
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str]] = []
        self.seen_auth: list[str] = []
        self.edit_count = 0  # history entries so far (their times are one second apart)
        # Called with the issue's number/key when a body write arrives, before it is applied:
        # a person's edit landing between sddkit's re-read and its write.
        self.before_write: Callable[[Any], None] | None = None
        self.on_request: Callable[[str, str], None] | None = None  # (method, path), first

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.log if m in ("POST", "PATCH", "PUT", "DELETE")]

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(self.prefix)
        self.log.append((request.method, path))
        if self.on_request is not None:
            self.on_request(request.method, path)
        self.seen_auth.append(request.headers.get("Authorization", ""))
        fault = self._fault(request.method, path)
        if fault and not fault.after:
            return _faulty(fault)
        if not self.authorized(request):
            return _json({"message": "Bad credentials"}, 401)
        response = self.route(request, path)
        if fault:
            return _faulty(fault)
        return response

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and re.fullmatch(fault.path, path):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                return fault
        return None

    def authorized(self, request: Request) -> bool:
        raise NotImplementedError

    def route(self, request: Request, path: str) -> Response:
        raise NotImplementedError


class FakeGitHub(FakeServer):
    """GitHub REST v3 under a GitHub Enterprise style prefix (/api/v3)."""

    prefix = "/api/v3"

    def __init__(self, base_url: str, secret: str, repo: str = "acme/app") -> None:
        super().__init__(base_url, secret)
        self.repo = repo
        self.issues: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[str]] = {}
        self.comment_times: dict[int, list[datetime]] = {}
        self.timelines: dict[int, list[dict[str, Any]]] = {}
        self.clock = NOW  # when comments are posted
        self.indexed: set[int] = set()  # what search sees; new issues are not indexed yet
        self.drop_labels = False  # a token without push access: labels on create are ignored
        # GraphQL userContentEdits per issue, oldest first: {editedAt, diff, editor {login}}
        self.edits: dict[int, list[dict[str, Any]]] = {}
        # Issues are kept under their first number; a transferred one is then in another
        # repository under another number (`transfer`): its old URL answers 301.
        self.moved: dict[int, str] = {}  # first number -> "owner/name#number" now
        self.leak: set[int] = set()  # other repositories' issues that list answers carry

    @property
    def api(self) -> str:
        return self.base + self.prefix

    def authorized(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"token {self.secret}" or (
            request.headers.get("Authorization") == f"Bearer {self.secret}"
        )

    def add_issue(
        self, title: str, body: str, labels: list[str], *, repo: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        number = len(self.issues) + 1
        issue = {
            "id": 1000 + number,
            "node_id": f"I_{number}",
            **self._place(repo or self.repo, number),
            "number": number,
            "state": "open",
            "state_reason": None,
            "title": title,
            "body": body,
            "user": {"login": "sddkit-bot", "id": 7, "type": "Bot"},
            "labels": [],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "comments": 0,
            "created_at": _iso(NOW),
            "updated_at": _iso(NOW),
            "closed_at": None,
            "author_association": "NONE",
        }
        issue.update(extra)
        self._set_labels(issue, labels)
        self.issues[number] = issue
        self.comments[number] = []
        self.comment_times[number] = []
        self.timelines[number] = []
        self.edits[number] = []
        return issue

    def _place(self, repo: str, number: int) -> dict[str, str]:
        return {
            "url": f"{self.api}/repos/{repo}/issues/{number}",
            "repository_url": f"{self.api}/repos/{repo}",
            "comments_url": f"{self.api}/repos/{repo}/issues/{number}/comments",
            "html_url": f"{self.base}/{repo}/issues/{number}",
        }

    def transfer(self, number: int, repo: str) -> str:
        """Transfer the issue (kept under `number` here) to `repo`; its new key."""
        new = 500 + number
        self.issues[number].update(self._place(repo, new), number=new)
        self.moved[number] = f"{repo}#{new}"
        return self.moved[number]

    def human_edit(self, number: int, body: str, login: str = "nina") -> None:
        """A person saves a new body in the web UI (recorded in the edit history)."""
        self._edit(number, body, login)

    def _edit(self, number: int, body: str, login: str) -> None:
        """Set the body and record the edit as GitHub does: the first edit also records
        the created version (diff = the whole body each version had)."""
        issue = self.issues[number]
        if body == issue["body"]:
            return
        history = self.edits[number]
        if not history:
            author = issue["user"]["login"]
            history.append(
                {
                    "editedAt": issue["created_at"],
                    "diff": issue["body"],
                    "editor": {"login": author},
                }
            )
        history.append({"editedAt": _iso(_stamp(self)), "diff": body, "editor": {"login": login}})
        issue["body"] = body

    def close(
        self,
        number: int,
        at: datetime,
        *,
        commit: str | None = None,
        reason: str = "completed",
    ) -> None:
        issue = self.issues[number]
        issue.update(state="closed", state_reason=reason, closed_at=_iso(at))
        self.timelines[number].append(
            {
                "id": 5000 + number,
                "event": "closed",
                "actor": {"login": "nina", "id": 1},
                "commit_id": commit,
                "commit_url": f"{self.api}/repos/{self.repo}/commits/{commit}" if commit else None,
                "created_at": _iso(at),
            }
        )

    def reference(
        self,
        number: int,
        pull: int,
        *,
        merged: datetime | None,
        event: str = "cross-referenced",
        repo: str | None = None,
        title: str = "Fix CSV export",
    ) -> None:
        """A pull request (of `repo`, default this one) that mentions issue `number`."""
        repo = repo or self.repo
        html = f"{self.base}/{repo}/pull/{pull}"
        source = {
            "number": pull,
            "title": title,
            "html_url": html,
            "url": f"{self.api}/repos/{repo}/issues/{pull}",
            "repository_url": f"{self.api}/repos/{repo}",
            "state": "closed" if merged else "open",
            "pull_request": {
                "merged_at": _iso(merged),
                "html_url": html,
                "url": f"{self.api}/repos/{repo}/pulls/{pull}",
            },
        }
        when = merged or NOW
        self.timelines[number].insert(
            0,
            {
                "event": event,
                "created_at": _iso(when),
                "updated_at": _iso(when),
                "source": {"type": "issue", "issue": source},
            },
        )

    def close_as_duplicate(self, number: int, of: int, at: datetime) -> None:
        """A person uses "Close as duplicate" in the web UI: closed with reason duplicate and
        a ``marked_as_duplicate`` timeline event naming the canonical issue."""
        self.close(number, at, reason="duplicate")
        canonical = {k: self.issues[of][k] for k in ("number", "title", "html_url", "url")}
        self.timelines[number].append(
            {"event": "marked_as_duplicate", "actor": {"login": "nina", "id": 1},
             "created_at": _iso(at), "canonical": canonical,
             "dupe": {k: self.issues[number][k] for k in ("number", "html_url", "url")}}
        )  # fmt: skip

    def unmark_duplicate(self, number: int, at: datetime) -> None:
        self.timelines[number].append(
            {"event": "unmarked_as_duplicate", "actor": {"login": "nina", "id": 1},
             "created_at": _iso(at)}
        )  # fmt: skip

    def person_comment(self, number: int, text: str, at: datetime | None = None) -> None:
        """A person comments on issue `number` in the web UI."""
        self.comments[number].append(text)
        self.comment_times[number].append(at or _stamp(self))
        self.issues[number]["comments"] += 1

    def _comment(self, number: int, index: int) -> dict[str, Any]:
        issue = self.issues[number]
        return {
            "id": 9000 + 100 * number + index,
            "node_id": f"IC_{number}_{index}",
            "url": f"{issue['url']}/comments/{index}",
            "html_url": f"{issue['html_url']}#issuecomment-{index}",
            "issue_url": issue["url"],
            "body": self.comments[number][index],
            "created_at": _iso(self.comment_times[number][index]),
            "updated_at": _iso(self.comment_times[number][index]),
            "user": {"login": "sddkit-bot", "id": 7, "type": "Bot"},
            "author_association": "NONE",
        }

    def _set_labels(self, issue: dict[str, Any], names: list[str]) -> None:
        issue["labels"] = [
            {
                "id": hash(n) % 10**6,
                "node_id": f"L_{n}",
                "name": n,
                "color": "ededed",
                "default": False,
                "description": None,
                "url": f"{self.api}/repos/{self.repo}/labels/{n}",
            }
            for n in names
        ]

    def _resolve(self, path: str) -> tuple[int | None, str | None, str | None]:
        """(first number, tail, where it moved) of an issue path of any repository."""
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)(/comments|/timeline)?", path)
        if not match:
            return None, None, None
        repo, number, tail = match.group(1), int(match.group(2)), match.group(3)
        if repo == self.repo and number in self.moved:
            return number, tail, self.moved[number]
        for first, issue in self.issues.items():
            if issue["number"] == number and issue["repository_url"].endswith(f"/repos/{repo}"):
                return first, tail, None
        return None, tail, None

    def route(self, request: Request, path: str) -> Response:
        base = f"/repos/{self.repo}/issues"
        if path == base and request.method == "GET":
            return self._list(request)
        if (
            request.method in ("POST", "PATCH")
            and len((request.get_json() or {}).get("body") or "") > 65536
        ):
            return _json(
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "Issue",
                            "code": "custom",
                            "field": "body",
                            "message": "body is too long (maximum is 65536 characters)",
                        }
                    ],
                },
                422,
            )
        if path == base and request.method == "POST":
            data = request.get_json()
            labels = [] if self.drop_labels else data.get("labels", [])
            issue = self.add_issue(data["title"], data.get("body", ""), labels)
            return _json(issue, 201)
        if path == "/search/issues":
            return self._search(request)
        if path == "/api/graphql" and request.method == "POST":
            return self._graphql(request)
        number, tail, moved = self._resolve(path)
        if moved is not None:  # GitHub answers a transferred issue's old URL with a 301
            repo, new = moved.rsplit("#", 1)
            location = f"{self.api}/repos/{repo}/issues/{new}{tail or ''}"
            return Response("", 301, {"Location": location})
        if number is None:
            return _json({"message": "Not Found"}, 404)
        issue = self.issues[number]
        if tail is None and request.method == "PATCH":
            data = request.get_json()
            if "body" in data:
                if self.before_write is not None:
                    self.before_write(number)
                self._edit(number, data["body"], "sddkit-bot")
            issue.update({k: v for k, v in data.items() if k in ("title", "state")})
            if "labels" in data:
                self._set_labels(issue, data["labels"])
            return _json(issue)
        if tail == "/comments" and request.method == "POST":
            self.comments[number].append(request.get_json()["body"])
            self.comment_times[number].append(self.clock)
            issue["comments"] += 1
            return _json(self._comment(number, len(self.comments[number]) - 1), 201)
        if tail == "/comments":
            items = [self._comment(number, i) for i in range(len(self.comments[number]))]
            return self._page(request, items, lambda page: page)
        if tail == "/timeline":
            return _json(self.timelines[number])
        return _json(issue)

    def _graphql(self, request: Request) -> Response:
        """The one query sddkit sends: an issue's `userContentEdits(last: N)`."""
        data = request.get_json()
        query, variables = data["query"], data.get("variables") or {}
        repo = f"{variables.get('owner')}/{variables.get('name')}"
        number = self._resolve(f"/repos/{repo}/issues/{variables.get('number', 0)}")[0] or 0
        if "userContentEdits" not in query or number not in self.issues:
            error = {"type": "NOT_FOUND", "path": ["repository", "issue"], "message": "no issue"}
            return _json({"data": {"repository": {"issue": None}}, "errors": [error]})
        last = re.search(r"userContentEdits\(last:\s*(\d+)\)", query)
        nodes = self.edits[number][-int(last.group(1)) :] if last else self.edits[number]
        edits = {"totalCount": len(self.edits[number]), "nodes": nodes}
        return _json({"data": {"repository": {"issue": {"userContentEdits": edits}}}})

    def _list(self, request: Request) -> Response:
        state = request.args.get("state", "open")
        wanted = [n for n in request.args.get("labels", "").split(",") if n]
        own = f"/repos/{self.repo}"
        matching = [
            issue
            for number, issue in sorted(self.issues.items(), reverse=True)
            if (issue["repository_url"].endswith(own) or number in self.leak)
            and (state == "all" or issue["state"] == state)
            and all(name in [lab["name"] for lab in issue["labels"]] for name in wanted)
        ]
        return self._page(request, matching, lambda items: items)

    def _search(self, request: Request) -> Response:
        query = request.args["q"]
        needle = re.search(r'"([^"]+)"', query)
        hits = [
            self.issues[n]
            for n in sorted(self.indexed)
            if needle and needle.group(1) in (self.issues[n]["body"] or "")
        ]
        return self._page(
            request,
            hits,
            lambda items: {"total_count": len(hits), "incomplete_results": False, "items": items},
        )

    def _page(
        self, request: Request, items: list[Any], wrap: Callable[[list[Any]], Any]
    ) -> Response:
        per_page = int(request.args.get("per_page", 30))
        page = int(request.args.get("page", 1))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items):
            args = dict(request.args)
            args["page"] = str(page + 1)
            url = f"{self.api}{request.path.removeprefix(self.prefix)}?{urlencode(args)}"
            headers["Link"] = f'<{url}>; rel="next"'
        return _json(wrap(chunk), headers=headers)


class FakeJira(FakeServer):
    """Jira REST v2: serverInfo, search (Server) and search/jql (Cloud), issue, comment."""

    def __init__(self, base_url: str, secret: str, *, cloud: bool, email: str = "") -> None:
        super().__init__(base_url, secret)
        self.cloud = cloud
        self.email = email
        self.issues: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[str]] = {}
        self.remote_links: dict[str, list[dict[str, Any]]] = {}
        self.indexed: set[str] = set()
        self.admin = True  # Server/DC: only admins may update with notifyUsers=false
        self.histories: dict[str, list[dict[str, Any]]] = {}  # changelog, oldest first
        self.lag = False  # search sees only `indexed` issues (Jira's index lags behind writes)
        self.moved: dict[str, str] = {}  # old key -> new key (`move`); old keys still answer
        self.leak: set[str] = set()  # other projects' issues that search answers carry

    def authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if self.cloud:
            auth = request.authorization
            return bool(auth and auth.username == self.email and auth.password == self.secret)
        return header == f"Bearer {self.secret}"

    def add_issue(self, fields: dict[str, Any]) -> dict[str, Any]:
        project = fields["project"]["key"]
        key = f"{project}-{len(self.issues) + 1}"
        issue = {
            "id": str(10000 + len(self.issues)),
            "key": key,
            "self": f"{self.base}/rest/api/2/issue/{key}",
            "fields": {
                "summary": fields["summary"],
                "description": fields.get("description"),
                "labels": fields.get("labels", []),
                "issuetype": {"name": fields["issuetype"]["name"]},
                "project": {"key": project},
                "status": {"name": "To Do", "statusCategory": {"key": "new"}},
                "created": "2025-03-03T09:00:00.000+0000",
                "resolution": None,
                "resolutiondate": None,
            },
        }
        self.issues[key] = issue
        self.comments[key] = []
        self.remote_links[key] = []
        self.histories[key] = []
        return issue

    def move(self, key: str, project: str) -> str:
        """Move the issue to `project` (a new key; Jira answers the old one with it)."""
        numbers = [int(k.rsplit("-", 1)[1]) for k in self.issues if k.startswith(f"{project}-")]
        new = f"{project}-{max(numbers, default=0) + 1}"
        issue = self.issues.pop(key)
        issue.update(key=new, self=f"{self.base}/rest/api/2/issue/{new}")
        issue["fields"]["project"] = {"key": project}
        self.issues[new] = issue
        for table in (self.comments, self.remote_links, self.histories):
            table[new] = table.pop(key)
        if key in self.indexed:
            self.indexed.add(new)
        self.moved[key] = new
        return new

    def human_edit(self, key: str, body: str, name: str = "nina") -> None:
        """A person saves a new description (recorded in the changelog)."""
        self._edit(key, body, name)

    def _edit(self, key: str, body: str, name: str) -> None:
        fields = self.issues[key]["fields"]
        if body == fields["description"]:
            return
        history = self.histories[key]
        history.append(
            {
                "id": str(30000 + self.edit_count),
                "author": {"name": name, "key": name, "displayName": name.title()},
                "created": _stamp(self).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
                "items": [
                    {
                        "field": "description",
                        "fieldtype": "jira",
                        "from": None,
                        "fromString": fields["description"],
                        "to": None,
                        "toString": body,
                    }
                ],
            }
        )
        fields["description"] = body

    def link_pull(self, key: str, url: str, *, title: str, resolved: bool = True) -> None:
        """A remote link (REST v2 shape) from issue `key` to a GitHub pull request."""
        links = self.remote_links[key]
        links.append(
            {
                "id": 10000 + len(links),
                "self": f"{self.base}/rest/api/2/issue/{key}/remotelink/{10000 + len(links)}",
                "globalId": f"github-pr={url}",
                "application": {"type": "com.github", "name": "GitHub"},
                "relationship": "fixed by",
                "object": {
                    "url": url,
                    "title": title,
                    "icon": {"url16x16": "https://github.com/favicon.ico", "title": "GitHub"},
                    "status": {"resolved": resolved},
                },
            }
        )

    def link_duplicate(self, key: str, of: str) -> None:
        """A person links `key` as a duplicate of `of` (Jira's Duplicate link type, as REST v2
        shows it in both issues' ``issuelinks``)."""
        kind = {"id": "10002", "name": "Duplicate", "inward": "is duplicated by",
                "outward": "duplicates"}  # fmt: skip
        for here, there, side in ((key, of, "outwardIssue"), (of, key, "inwardIssue")):
            links = self.issues[here]["fields"].setdefault("issuelinks", [])
            other = {"id": self.issues[there]["id"], "key": there,
                     "fields": {"summary": self.issues[there]["fields"]["summary"]}}  # fmt: skip
            links.append({"id": str(30000 + len(links)), "type": kind, side: other})

    def resolve(self, key: str, at: str, resolution: str = "Fixed") -> None:
        self.issues[key]["fields"].update(
            status={"name": "Done", "statusCategory": {"key": "done"}},
            resolution={"name": resolution},
            resolutiondate=at,
        )

    def route(self, request: Request, path: str) -> Response:
        if path == "/rest/api/2/serverInfo":
            return _json(
                {
                    "baseUrl": self.base,
                    "version": "9.12.2" if not self.cloud else "1001.0.0",
                    "versionNumbers": [9, 12, 2] if not self.cloud else [1001, 0, 0],
                    "deploymentType": "Cloud" if self.cloud else "Server",
                    "buildNumber": 9120002,
                    "serverTitle": "Fake Jira",
                }
            )
        if path == "/rest/api/2/field":
            names = ["summary", "description", "status", "labels", "created", "resolution"]
            return _json(
                [
                    {
                        "id": n,
                        "key": n,
                        "name": n.title(),
                        "custom": False,
                        "navigable": True,
                        "searchable": True,
                        "clauseNames": [n],
                        "schema": {"type": "string"},
                    }
                    for n in [*names, "resolutiondate"]
                ]
            )
        if path in ("/rest/api/2/search", "/rest/api/2/search/jql"):
            return self._search(request, path.endswith("/jql"))
        if path == "/rest/api/2/issue" and request.method == "POST":
            fields = request.get_json()["fields"]
            if len(fields.get("description") or "") > 32767:
                return _json({"errorMessages": [], "errors": {"description": TOO_LONG}}, 400)
            issue = self.add_issue(fields)
            return _json({"id": issue["id"], "key": issue["key"], "self": issue["self"]}, 201)
        match = re.fullmatch(r"/rest/api/2/issue/([A-Z]+-\d+)(/comment|/remotelink)?", path)
        key = match.group(1) if match else ""
        while key in self.moved:
            key = self.moved[key]
        if key not in self.issues:
            return _json({"errorMessages": ["Issue does not exist"], "errors": {}}, 404)
        assert match is not None
        issue = self.issues[key]
        if match.group(2) == "/remotelink":
            return _json(self.remote_links[issue["key"]])
        if match.group(2) and request.method == "POST":
            self.comments[issue["key"]].append(request.get_json()["body"])
            return _json(self._comment(issue, len(self.comments[issue["key"]]) - 1), 201)
        if match.group(2):
            return self._comments(request, issue)
        if request.method == "PUT":
            if not self.admin and request.args.get("notifyUsers") == "false":
                message = "To discard the user notification either admin or project admin"
                return _json({"errorMessages": [message + " permissions are required."]}, 403)
            fields = request.get_json().get("fields", {})
            if len(fields.get("description") or "") > 32767:
                return _json({"errorMessages": [], "errors": {"description": TOO_LONG}}, 400)
            if "description" in fields:
                if self.before_write is not None:
                    self.before_write(issue["key"])
                self._edit(issue["key"], fields["description"], "sddkit")
            issue["fields"].update({k: v for k, v in fields.items() if k != "description"})
            return Response(status=204)
        if "changelog" in request.args.get("expand", ""):
            # expand=changelog: the newest 100 histories, oldest first
            histories = self.histories[issue["key"]][-100:]
            changelog = {
                "startAt": 0,
                "maxResults": len(histories),
                "total": len(self.histories[issue["key"]]),
                "histories": histories,
            }
            return _json({**issue, "changelog": changelog})
        return _json(issue)

    def _comment(self, issue: dict[str, Any], index: int) -> dict[str, Any]:
        author = {"name": "sddkit", "displayName": "sddkit bot", "active": True}
        return {
            "id": str(20000 + index),
            "self": f"{issue['self']}/comment/{20000 + index}",
            "author": author,
            "updateAuthor": author,
            "body": self.comments[issue["key"]][index],
            "created": "2025-03-03T09:00:00.000+0000",
            "updated": "2025-03-03T09:00:00.000+0000",
        }

    def _comments(self, request: Request, issue: dict[str, Any]) -> Response:
        """GET issue/{key}/comment: a page of comments (startAt, maxResults, total)."""
        everything = [self._comment(issue, i) for i in range(len(self.comments[issue["key"]]))]
        start = int(request.args.get("startAt", 0))
        size = int(request.args.get("maxResults", 5000))
        return _json(
            {
                "startAt": start,
                "maxResults": size,
                "total": len(everything),
                "comments": everything[start : start + size],
            }
        )

    def _search(self, request: Request, cloud_endpoint: bool) -> Response:
        if cloud_endpoint != self.cloud:
            return _json({"errorMessages": ["wrong search endpoint"]}, 410)
        jql = request.args["jql"]
        project = re.search(r'project = "([A-Z]+)"', jql)
        by_text = "text ~" in jql
        everything = "labels" not in jql and not by_text
        hits = [
            issue
            for key, issue in self.issues.items()
            if project
            and (issue["fields"]["project"]["key"] == project.group(1) or key in self.leak)
            and (key in self.indexed or not self.lag)
            and (
                everything
                or "sddkit" in issue["fields"]["labels"]
                or (
                    by_text
                    and key in self.indexed
                    and "sddkit:theme" in (issue["fields"]["description"] or "")
                )
            )
        ]
        if "DESC" in jql:
            hits.reverse()
        if cloud_endpoint:
            return _json({"issues": hits, "isLast": True})
        start = int(request.args.get("startAt", 0))
        size = int(request.args.get("maxResults", 50)) or 50
        return _json(
            {
                "startAt": start,
                "maxResults": size,
                "total": len(hits),
                "issues": hits[start : start + size],
            }
        )


def ticket(key: str, text: str, *, days: int = 0, customer: str = "c1") -> Ticket:
    source, _, external_id = key.partition(":")
    return Ticket(
        source=source,
        external_id=external_id,
        created_at=NOW - timedelta(days=30) + timedelta(days=days),
        subject=text.split(".")[0],
        body=text,
        customer_id=customer,
        organization="Globex Corporation",
        messages=(Message("customer", text, author="Homer Simpson"),),
    )


def theme(
    theme_id: str,
    keys: list[str],
    *,
    kind: str = "bug",
    customers: int = 5,
    label: str = "export to CSV fails",
) -> Theme:
    return Theme(
        id=theme_id,
        label=label,
        kind=kind,
        keywords=("export", "csv", "fails"),
        ticket_keys=tuple(keys),
        representative_keys=tuple(keys[:2]),
        customer_count=customers,
        first_seen=NOW - timedelta(days=30),
        last_seen=NOW - timedelta(days=1),
        trend="growing",
        languages={"en": len(keys)},
    )


def corpus(prefix: str, count: int, *, start_day: int = 0) -> dict[str, Ticket]:
    texts = [
        "Hi Ana,\nExport to CSV fails with error 500. Call me on +1 212 555 0199.\nThanks,\nHomer",
        "The CSV export button does nothing, see https://app.example.com/export?token=abc123",
        "Export stopped working for Globex Corporation, mail homer@globex.example please",
    ]
    tickets = {}
    for i in range(count):
        t = ticket(f"zendesk:{prefix}{i}", texts[i % 3], days=start_day + i, customer=f"c{i}")
        tickets[t.key] = t
    return tickets
