"""Fixtures for tracker tests: fake servers, trackers wired to them, themes and tickets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sddkit.trackers.retry import RetryPolicy
from tests.support import trackers as fakes


@pytest.fixture
def sleeper() -> object:
    return fakes.Sleeper()


@pytest.fixture
def policy(sleeper: Any) -> RetryPolicy:
    return RetryPolicy(retries=3, max_wait_s=900, sleep=sleeper, clock=sleeper.clock)


@pytest.fixture
def fake_jira_server(httpserver: HTTPServer) -> object:
    return fake_jira_on(httpserver, cloud=False)


@pytest.fixture
def fake_jira_cloud(httpserver: HTTPServer) -> object:
    return fake_jira_on(httpserver, cloud=True)


@pytest.fixture
def fake_github(httpserver: HTTPServer) -> Iterator[object]:
    server = fakes.FakeGitHub(httpserver.url_for("/"), fakes.GH_TOKEN)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(server.handle)
    yield server


def fake_jira_on(httpserver: HTTPServer, *, cloud: bool) -> object:
    server = fakes.FakeJira(
        httpserver.url_for("/"), fakes.JIRA_TOKEN, cloud=cloud, email="nina@example.com"
    )
    httpserver.expect_request(re.compile(".*")).respond_with_handler(server.handle)
    return server
