"""Model check of the invitation diff: a simulated calendar client per attendee applies every
message as RFC 5546 says (a higher SEQUENCE replaces), and must end up showing exactly the
plan, whatever sequence of re-plans, swaps and removals happened before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.rotation.deliver.invites import Window, plan_invitations
from sddkit.rotation.deliver.itip import CANCEL, REQUEST
from sddkit.rotation.deliver.ledger import ensure_schema, load_sent, record_sent
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.sequence import assign_sequences
from sddkit.store import open_store

ZONE = ZoneInfo("Europe/Belgrade")
PEOPLE = {
    name: Person(name, f"{name.lower()}@example.com", "engineer", "Europe/Belgrade")
    for name in ("Nina", "Ana", "Marko", "Piotr")
}
DAYS = 6
WINDOW = Window(date(2026, 11, 2), date(2026, 11, 2) + timedelta(days=DAYS), {"emea": ZONE})
NOW = datetime(2026, 11, 1, tzinfo=UTC)

# A plan: for each day, nobody (shift removed) or a person, and how long the shift lasts.
plans = st.lists(
    st.tuples(st.sampled_from([None, *PEOPLE]), st.sampled_from([3, 4])),
    min_size=DAYS,
    max_size=DAYS,
)


def shifts_of(plan: list[tuple[str | None, int]]) -> list[Shift]:
    shifts = []
    for day, (person, hours) in enumerate(plan):
        if person is not None:
            start = datetime(2026, 11, 2 + day, 9, tzinfo=ZONE)
            shift = Shift("emea", start, start + timedelta(hours=hours), "engineer", 0, person)
            shifts.append(shift)
    return shifts


@settings(max_examples=40, deadline=None)
@given(st.lists(plans, min_size=1, max_size=5))
def test_clients_converge_on_the_plan(history: list[list[tuple[str | None, int]]]) -> None:
    conn = open_store(":memory:")
    ensure_schema(conn)
    clients: dict[str, dict[str, int]] = {p.email: {} for p in PEOPLE.values()}
    last_sequence: dict[tuple[str, str], int] = {}
    for plan in history:
        shifts = shifts_of(plan)
        sequences = assign_sequences(conn, shifts)
        invitations = plan_invitations(
            shifts, sequences, PEOPLE, load_sent(conn), window=WINDOW, now=NOW
        )
        for invitation in invitations:
            key = (invitation.recipient.email, invitation.uid)
            # Every message to someone who already heard of this UID must out-rank the last.
            assert invitation.sequence > last_sequence.get(key, -1)
            last_sequence[key] = invitation.sequence
            held = clients[invitation.recipient.email]
            if invitation.method == REQUEST:
                held[invitation.uid] = invitation.sequence
            else:
                assert invitation.method == CANCEL and invitation.uid in held
                del held[invitation.uid]
            record_sent(conn, invitation, f"<{len(last_sequence)}@test>", NOW)
        wanted = {p.email: set() for p in PEOPLE.values()}  # type: dict[str, set[str]]
        for shift in shifts:
            wanted[PEOPLE[shift.person or ""].email].add(shift.uid)
        assert {email: set(held) for email, held in clients.items()} == wanted
        again = plan_invitations(shifts, sequences, PEOPLE, load_sent(conn), window=WINDOW, now=NOW)
        assert again == []
