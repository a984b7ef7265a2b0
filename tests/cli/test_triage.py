"""`sddkit triage` end to end: store built through the tickets/themes APIs, fake GitHub."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from sddkit.cli import main
from sddkit.store import open_store, store_lock
from sddkit.themes.pipeline import update_themes
from sddkit.tickets.demo import demo_tickets
from sddkit.tickets.store import upsert_tickets
from sddkit.trackers.cache import ensure_schema, load_filed
from tests.support import trackers as fakes


@pytest.fixture(scope="module")
def store_state(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store with demo tickets and their themes (built once: clustering takes a moment)."""
    db = tmp_path_factory.mktemp("store") / "sddkit.db"
    tickets = list(islice(demo_tickets(), 300))
    conn = open_store(db)
    upsert_tickets(conn, tickets)
    now = max(t.created_at for t in tickets) + timedelta(hours=1)
    themes = update_themes(conn, now=now)
    assert themes, "the demo data should give themes"
    conn.close()
    return db, now.isoformat()


@pytest.fixture
def env(
    store_state: tuple[Path, str], tmp_path: Path, httpserver: HTTPServer
) -> Iterator[dict[str, Any]]:
    db = tmp_path / "sddkit.db"
    db.write_bytes(store_state[0].read_bytes())
    server = fakes.FakeGitHub(httpserver.url_for("/"), fakes.GH_TOKEN)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(server.handle)
    config = tmp_path / "sddkit.toml"
    config.write_text(
        "[triage]\nmin_tickets = 5\nmin_customers = 3\n"
        'kinds = ["bug", "ux", "docs", "question"]\n\n'
        f'[github]\nrepo = "acme/app"\nurl = "{server.api}"\nwrite_interval_s = 0\n',
        encoding="utf-8",
    )
    yield {"db": db, "config": config, "server": server, "now": store_state[1]}


def invoke(env: dict[str, Any], *args: str, token: str | None = fakes.GH_TOKEN) -> Any:
    base = ["--db", str(env["db"]), "--config", str(env["config"]), "triage", "--now", env["now"]]
    environ = {"GITHUB_TOKEN": token} if token else {}
    return CliRunner().invoke(main, [*base, *args], env=environ)


def test_dry_run_shows_the_plan_and_writes_nothing(env: dict[str, Any]) -> None:
    result = invoke(env, "--show-body")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing is sent" in result.output
    creates = [line for line in result.output.splitlines() if line.startswith("create")]
    assert creates
    assert "labels: sddkit, " in result.output
    assert "<!-- sddkit:theme=T-" in result.output  # --show-body prints the bodies
    assert env["server"].writes() == []
    assert load_filed(open_store(env["db"])) == []


def test_apply_files_once_and_caches_then_rerun_is_idempotent(env: dict[str, Any]) -> None:
    first = invoke(env, "--apply")
    assert first.exit_code == 0, first.output
    created = len(env["server"].issues)
    assert created == first.output.count("\ncreate ")
    assert created > 0
    assert f"Done: {created} writes; {created} sddkit issues cached" in first.output
    assert len(load_filed(open_store(env["db"]), "github:acme/app")) == created
    second = invoke(env, "--apply")
    assert second.exit_code == 0, second.output
    assert len(env["server"].issues) == created
    assert "\ncreate " not in second.output
    assert second.output.count("up to date") == created


def test_regression_and_not_planned_in_the_plan(env: dict[str, Any]) -> None:
    assert invoke(env, "--apply").exit_code == 0
    server = env["server"]
    first, second = sorted(server.issues)[:2]
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)  # every ticket of the theme came after
    server.close(first, long_ago)
    server.close(second, long_ago, reason="not_planned")
    result = invoke(env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    [regression] = [i for i, line in enumerate(lines) if line.startswith("regression")]
    assert f"acme/app#{first}" in lines[regression]
    assert lines[regression + 1].startswith("    comment: Possible regression:")
    assert lines[regression + 2].startswith("             <!-- sddkit:comment theme=T-")
    [skipped] = [line for line in lines if f"acme/app#{second} " in line]
    assert skipped.startswith("nothing") and "closed as not planned (not_planned)" in skipped
    assert server.writes().count(("POST", "/repos/acme/app/issues")) == len(server.issues)


def test_an_issue_a_person_closed_as_a_duplicate_is_counted_on_the_other(
    env: dict[str, Any],
) -> None:
    assert invoke(env, "--apply").exit_code == 0
    server = env["server"]
    first, second = sorted(server.issues)[:2]
    server.close_as_duplicate(second, of=first, at=datetime(2000, 1, 1, tzinfo=UTC))
    for args, token in ((("--apply",), fakes.GH_TOKEN), (("--offline",), None)):
        result = invoke(env, *args, token=token)
        assert result.exit_code == 0, result.output
        said = f"acme/app#{second} closed by a person as its duplicate (counted here)"
        plan = [x for x in result.output.splitlines() if said in x]
        assert len(plan) == 1 and f"acme/app#{first} " in plan[0], result.output
        assert not any(x.startswith(("create", "link")) for x in result.output.splitlines())
    assert server.comments[second] == []  # no link comment on it: the person linked them


def test_offline_plans_from_the_cache_without_a_token(env: dict[str, Any]) -> None:
    invoke(env, "--apply")
    result = invoke(env, "--offline", token=None)
    assert result.exit_code == 0, result.output
    assert "\ncreate " not in result.output and "up to date" in result.output


def test_partial_failure_exits_1_and_says_what_remains(env: dict[str, Any]) -> None:
    env["server"].faults.append(
        fakes.Fault("POST", "/repos/acme/app/issues", 500, times=999, skip=1)
    )
    config = env["config"].read_text(encoding="utf-8")
    env["config"].write_text(config.replace("[triage]\n", "[triage]\nretries = 0\n"))
    result = invoke(env, "--apply", "--min-tickets", "2", "--min-customers", "1")
    assert result.exit_code == 1
    assert "Done: 1 of" in result.output and "Run again" in result.output
    assert result.output.count("\nfailed     create") >= 1 and "HTTP 500" in result.output
    env["server"].faults.clear()
    again = invoke(env, "--apply", "--min-tickets", "2", "--min-customers", "1")
    assert again.exit_code == 0, again.output
    themes_filed = {fakes_theme(i["body"]) for i in env["server"].issues.values()}
    assert len(themes_filed) == len(env["server"].issues)  # no theme filed twice


def fakes_theme(body: str) -> str:
    match = re.search(r"sddkit:theme=([\w-]+)", body)
    assert match
    return match.group(1)


def test_token_never_appears_in_output(env: dict[str, Any]) -> None:
    fault = fakes.Fault("GET", "/repos/acme/app/issues", 401)
    fault.message = f"Bad credentials: {fakes.GH_TOKEN}"
    env["server"].faults.append(fault)
    result = invoke(env)
    assert result.exit_code == 1
    assert "HTTP 401" in result.output
    assert fakes.GH_TOKEN not in result.output


def test_missing_token_is_a_clear_error(env: dict[str, Any]) -> None:
    result = invoke(env, token=None)
    assert result.exit_code == 1
    assert "Error: GITHUB_TOKEN is not set" in result.output


def test_config_error_names_file_line_and_field(env: dict[str, Any]) -> None:
    env["config"].write_text("[triage]\nmin_tickts = 3\n", encoding="utf-8")
    result = invoke(env)
    assert result.exit_code == 1
    assert f"{env['config']}:2: triage.min_tickts: unknown key (did you mean 'min_tickets'?)" in (
        result.output
    )


def test_unknown_kind_option_is_rejected(env: dict[str, Any]) -> None:
    result = invoke(env, "--kinds", "bug,bugs")
    assert result.exit_code == 2 and "unknown kind 'bugs'" in result.output


def test_an_html_page_instead_of_json_is_one_clear_line(env: dict[str, Any]) -> None:
    page = fakes.Fault("GET", "/repos/acme/app/issues", 200, raw=fakes.HTML_PAGE, times=99)
    env["server"].faults.append(page)
    config = env["config"].read_text(encoding="utf-8")
    env["config"].write_text(config.replace("[triage]\n", "[triage]\nretries = 0\n"))
    result = invoke(env)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    [line] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert "GitHub list issues: the answer was not GitHub's JSON" in line
    assert "Traceback" not in result.output


def test_labels_dropped_on_create_are_reported_and_nothing_is_refiled(
    env: dict[str, Any],
) -> None:
    env["server"].drop_labels = True
    first = invoke(env, "--apply")
    assert first.exit_code == 0, first.output
    created = len(env["server"].issues)
    assert first.output.count("was filed without the labels sddkit") == created > 0
    again = invoke(env, "--apply")
    assert again.exit_code == 0, again.output
    assert len(env["server"].issues) == created and "\ncreate " not in again.output


def test_two_runs_at_once_file_each_issue_once(env: dict[str, Any]) -> None:
    """Two real `triage --apply` processes on one store (overlapping CI jobs): the second
    waits for the first's lock, then finds what it filed."""
    server = env["server"]

    def slow(method: str, path: str) -> None:
        if method == "POST":
            time.sleep(0.3)  # each create takes a while: the runs surely overlap

    server.on_request = slow
    base = ["--db", str(env["db"]), "--config", str(env["config"]), "triage"]
    argv = [sys.executable, "-c", "from sddkit.cli import main; main()", *base]
    argv += ["--now", env["now"], "--apply"]
    environ = {**os.environ, "GITHUB_TOKEN": fakes.GH_TOKEN}
    runs = [subprocess.Popen(argv, env=environ, stdout=subprocess.PIPE, text=True)]
    runs.append(subprocess.Popen(argv, env=environ, stdout=subprocess.PIPE, text=True))
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    filed = [fakes_theme(issue["body"]) for issue in server.issues.values()]
    assert filed and len(filed) == len(set(filed))  # no theme filed twice
    assert sum(output.count("\ncreate ") for output in outputs) == len(filed)


def test_a_second_run_stops_with_one_line_while_the_store_is_held(env: dict[str, Any]) -> None:
    with store_lock(env["db"], 0):
        result = invoke(env, "--apply", "--lock-wait", "0")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {env['db']} is in use by another sddkit run (pid {os.getpid()} since "
        f"{result.output.split(' since ')[1].split(')')[0]}); waited 0 s: try again when it "
        "has finished\n"
    )
    assert env["server"].log == []


def test_a_store_from_a_newer_sddkit_is_refused_before_the_tracker_is_asked(
    env: dict[str, Any],
) -> None:
    conn = open_store(env["db"])
    ensure_schema(conn)
    conn.execute("UPDATE schema_versions SET version = version + 1 WHERE component = 'trackers'")
    conn.close()
    result = invoke(env, "--apply")
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"Error: {env['db']} was written by a newer sddkit (trackers schema")
    assert env["server"].log == []


def test_a_clock_behind_the_last_applied_run_writes_nothing_unless_forced(
    env: dict[str, Any],
) -> None:
    assert invoke(env, "--apply").exit_code == 0
    later = datetime.fromisoformat(env["now"]) + timedelta(days=14)
    assert invoke(env, "--apply", "--now", later.isoformat()).exit_code == 0
    writes = len(env["server"].writes())
    result = invoke(env, "--apply")  # --now two weeks before the last run
    assert result.exit_code == 1
    assert "is earlier than the last applied run against github:acme/app" in result.output
    assert "nothing written; check the clock, or pass --force" in result.output
    assert len(env["server"].writes()) == writes
    dry = invoke(env)
    assert dry.exit_code == 0 and "warning: --now" in dry.output
    forced = invoke(env, "--apply", "--force")
    assert forced.exit_code == 0, forced.output
    assert "warning: --now" in forced.output
