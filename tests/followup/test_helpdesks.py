"""The writers' shared parts and the marker checks: pacing, HTML, whose notes count."""

from __future__ import annotations

from datetime import UTC, datetime

from sddkit.followup.helpdesks import WRITABLE, Pacer, as_html, writers
from sddkit.followup.helpdesks.helpscout import HelpScoutWriter
from sddkit.followup.helpdesks.zendesk import ZendeskWriter
from sddkit.followup.settings import VENDORS
from sddkit.tickets.pull import helpscout
from sddkit.tickets.pull.zendesk import from_env
from tests.support.fake_helpscout import FakeHelpScout, make_conversation
from tests.support.fake_zendesk import FakeZendesk, make_ticket, serve


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_pacer_spaces_requests_by_their_weight() -> None:
    clock = Clock()
    pacer = Pacer(120, sleep=clock.sleep, clock=clock)  # one request every half second
    pacer.take()
    pacer.take(2)  # a write that counts twice (Help Scout)
    pacer.take()
    assert clock.slept == [0.5, 1.0]
    clock.now += 10  # idle time is not saved up into a burst beyond one request
    pacer.take()
    pacer.take()
    assert clock.slept == [0.5, 1.0, 0.5] and pacer.waited_s == 2.0


def test_html_escapes_customer_words() -> None:
    assert as_html("Hi <b>&\n“x”\n\nBye") == "<p>Hi &lt;b&gt;&amp;<br>“x”</p><p>Bye</p>"


def test_a_marker_written_by_the_customer_does_not_count() -> None:
    """Only private notes and comments posted through the API are ours."""
    fake = FakeZendesk()
    ticket = make_ticket(1, "2026-03-10T10:00:00Z")
    forged = {"id": 1, "author_id": 1001, "body": "sddkit-followup:abc", "public": True,
              "via": {"channel": "email"}, "created_at": "2026-03-10T10:00:00Z"}  # fmt: skip
    fake.put(ticket, [forged])
    with serve(fake):
        env = {"SDDKIT_ZENDESK_URL": fake.url, "SDDKIT_ZENDESK_EMAIL": fake.email,
               "SDDKIT_ZENDESK_TOKEN": fake.token}  # fmt: skip
        writer = ZendeskWriter(from_env(env, datetime(2026, 3, 1, tzinfo=UTC), None))
        assert not writer.has_marker("1", "sddkit-followup:abc")
        writer.write("1", "note\n\nsddkit-followup:abc", public=False, customer=None)
        assert writer.has_marker("1", "sddkit-followup:abc")
        assert not writer.has_marker("1", "sddkit-followup:other")


def test_every_helpdesk_has_a_writer_and_settings() -> None:
    assert tuple(writers()) == WRITABLE == VENDORS


def test_help_scout_writes_renew_the_token_before_it_expires() -> None:
    """A long follow-up run outlives the token: a new one is fetched before the next write,
    not after the write has been refused."""
    fake = FakeHelpScout()
    fake.put(make_conversation(1), "2026-03-10T10:00:00Z")
    clock = Clock()
    with serve(fake):
        env = {"SDDKIT_HELPSCOUT_URL": fake.url, "SDDKIT_HELPSCOUT_APP_ID": fake.app_id,
               "SDDKIT_HELPSCOUT_APP_SECRET": fake.app_secret}  # fmt: skip
        source = helpscout.from_env(env, datetime(2026, 3, 1, tzinfo=UTC), None)
        source.clock = clock
        writer = HelpScoutWriter(source)
        writer.write("9001", "first", public=False, customer=None)
        clock.now += 172800  # the token's lifetime (expires_in)
        fake.expire_token()
        writer.write("9001", "second", public=False, customer=None)
    notes = [r for r in fake.requests if r.startswith("POST /v2/conversations/9001/notes")]
    assert len(notes) == 2 and fake.tokens_issued == 2
    assert [thread["body"] for _, thread in fake.written] == ["<p>first</p>", "<p>second</p>"]
