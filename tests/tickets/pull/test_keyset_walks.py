"""Invariants of the keyset walks (Freshdesk, Intercom, Help Scout): whatever the change times
and page sizes, one pull hands on every ticket exactly once and stores them all; and nothing
is lost when conversations are deleted or changed during the pull."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.store import open_store
from sddkit.tickets.pull.freshdesk import from_env as freshdesk_from_env
from sddkit.tickets.pull.helpscout import from_env as helpscout_from_env
from sddkit.tickets.pull.intercom import from_env as intercom_from_env
from sddkit.tickets.pull.run import PullResult, PullSettings, pull
from sddkit.tickets.store import count_tickets, iter_tickets
from tests.support import fake_freshdesk, fake_helpscout, fake_intercom
from tests.support.fake_http import serve

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
SETTINGS = PullSettings(now=datetime(2026, 11, 28, tzinfo=UTC), detect_languages=False)
# Change times as seconds after 1 November 10:00, few distinct ones so that pages of one
# second and page boundaries inside one second are common.
SECONDS = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=14)
PER_PAGE = st.integers(min_value=1, max_value=4)


def test_freshdesk_hands_on_every_ticket_once() -> None:
    fake = fake_freshdesk.FakeFreshdesk()
    with serve(fake):

        @settings(max_examples=60, deadline=None)
        @given(seconds=SECONDS, per_page=PER_PAGE)
        def check(seconds: list[int], per_page: int) -> None:
            fake.tickets = {
                n: fake_freshdesk.make_ticket(n, f"2026-11-01T10:00:{s:02d}Z")
                for n, s in enumerate(seconds, start=1)
            }
            env = {"SDDKIT_FRESHDESK_URL": fake.url, "SDDKIT_FRESHDESK_API_KEY": fake.api_key}
            source = freshdesk_from_env(env, SINCE, None)
            source.per_page = per_page
            conn = open_store(":memory:")
            result = pull(conn, source, SETTINGS)
            assert (result.tickets, count_tickets(conn)) == (len(seconds), len(seconds))

        check()


def test_intercom_hands_on_every_conversation_once() -> None:
    fake = fake_intercom.FakeIntercom()
    with serve(fake):

        @settings(max_examples=60, deadline=None)
        @given(seconds=SECONDS, per_page=PER_PAGE)
        def check(seconds: list[int], per_page: int) -> None:
            start = int(datetime(2026, 11, 1, 10, tzinfo=UTC).timestamp())
            fake.conversations = {
                str(7000 + n): fake_intercom.make_conversation(n, start + s)
                for n, s in enumerate(seconds, start=1)
            }
            env = {"SDDKIT_INTERCOM_URL": fake.url, "SDDKIT_INTERCOM_TOKEN": fake.token}
            source = intercom_from_env(env, SINCE, None)
            source.per_page = per_page
            conn = open_store(":memory:")
            result = pull(conn, source, SETTINGS)
            assert (result.tickets, count_tickets(conn)) == (len(seconds), len(seconds))

        check()


EDITS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),  # after which page
        st.sampled_from(["delete", "change"]),
        st.integers(min_value=1, max_value=14),  # which conversation
    ),
    max_size=5,
)


def test_helpscout_loses_nothing_whatever_is_deleted_or_changed_mid_pull() -> None:
    """Issue 22, finding 1, as an invariant: whatever the change times, page size, and the
    deletions and changes made between pages (on pages read or not), a pull and one more
    store every live conversation in its last version and hide every deleted one."""
    fake = fake_helpscout.FakeHelpScout()
    with serve(fake):

        @settings(max_examples=200, deadline=None)
        @given(seconds=SECONDS, page_size=PER_PAGE, edits=EDITS)
        def check(seconds: list[int], page_size: int, edits: list[tuple[int, str, int]]) -> None:
            fake.conversations.clear()
            fake.modified.clear()
            fake.page_size = page_size
            for n, s in enumerate(seconds, start=1):
                fake.put(fake_helpscout.make_conversation(n), f"2026-11-01T10:00:{s:02d}Z")
            expected: dict[int, str] = {}

            def edit(result: PullResult) -> None:
                for step, (page, kind, which) in enumerate(edits):
                    number = 9000 + which
                    if result.pages != page or number not in fake.conversations:
                        continue
                    if kind == "delete":
                        fake.delete(number)
                        continue
                    changed = {**fake.conversations[number], "subject": f"Edited {step}"}
                    fake.put(changed, f"2026-11-01T10:01:{step:02d}Z")
                    expected[number] = f"Edited {step}"

            env = {"SDDKIT_HELPSCOUT_URL": fake.url, "SDDKIT_HELPSCOUT_APP_ID": fake.app_id,
                   "SDDKIT_HELPSCOUT_APP_SECRET": fake.app_secret}  # fmt: skip
            conn = open_store(":memory:")
            pull(conn, helpscout_from_env(env, SINCE, None), SETTINGS, edit)
            pull(conn, helpscout_from_env(env, SINCE, None), SETTINGS)
            visible = {t.external_id: t.subject for t in iter_tickets(conn)}
            assert set(visible) == {str(n) for n in fake.conversations}
            for number, subject in expected.items():
                if number in fake.conversations:
                    assert visible[str(number)] == subject

        check()
