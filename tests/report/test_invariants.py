"""Invariants of the whole report over random histories (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.report.build import assemble_report
from sddkit.report.model import ReportOptions
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue, Fix

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SINCE, UNTIL = T0 + timedelta(days=20), T0 + timedelta(days=70)

ticket_st = st.builds(
    lambda i, day, customer, frt, theme, sat: (
        Ticket(
            "csv",
            str(i),
            T0 + timedelta(hours=day),
            customer_id=customer,
            channel="email",
            first_response_at=T0 + timedelta(hours=day + frt) if frt is not None else None,
            satisfaction=sat,
            satisfaction_scale="10" if sat is not None else None,
        ),
        theme,
    ),
    st.integers(0, 10**6),
    st.integers(0, 24 * 90),
    st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"])),
    st.one_of(st.none(), st.floats(0, 300)),
    st.sampled_from(["T-1", "T-2", None]),
    st.one_of(st.none(), st.integers(0, 10).map(float)),
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(ticket_st, max_size=40, unique_by=lambda pair: pair[0].external_id),
    st.integers(1, 24 * 80),
    st.integers(1, 6),
)
def test_report_figures_add_up(
    pairs: list[tuple[Ticket, str | None]], fix_hour: int, weeks: int
) -> None:
    tickets = [t for t, _ in pairs]
    themes = []
    for theme_id in ("T-1", "T-2"):
        keys = tuple(t.key for t, th in pairs if th == theme_id)
        if keys:
            themes.append(Theme(theme_id, theme_id, "bug", (), keys, keys[:1], 1, T0, T0, "stable"))
    fixed_at = T0 + timedelta(hours=fix_hour)
    filed = [FiledIssue("X-1", "T-1", "t", "closed", "u", T0, fix=Fix("commit", "a", fixed_at))]
    report = assemble_report(
        period_tickets=[t for t in tickets if SINCE <= t.created_at < UNTIL],
        other_tickets=tickets,
        themes=themes,
        filed=filed,
        shifts=[],
        people=[],
        since=SINCE,
        until=UNTIL,
        now=UNTIL,
        options=ReportOptions(weeks=weeks),
    )
    h = report.health
    assert sum(n for _, n in h.per_week) == h.tickets
    assert sum(n for _, n in h.per_channel) == h.tickets
    *answered, (_, no_reply) = h.frt_histogram
    assert sum(n for _, n in answered) == h.first_response.count
    assert no_reply == h.unanswered_late <= h.unanswered
    late = sum(
        n for (_, n), low in zip(answered, (0, 1, 4, 8, 24, 48, 168), strict=True) if low >= 24
    )
    assert h.over_target_count == late + no_reply
    assert h.first_response.count + h.unanswered == h.tickets
    assert sum(s.count for s in h.satisfaction) + h.unrated == h.tickets
    assert 0 <= h.repeat_contacts <= h.repeat_pairs
    assert sum(p.tickets_answered for p in report.participation) <= h.tickets
    for trace in report.traces:
        theme = next((t for t in themes if t.id == trace.theme_id), None)
        size = theme.size if theme else 0
        assert trace.tickets + len(trace.after_keys) <= size
        assert trace.customers <= trace.tickets
        if trace.fix is not None:
            assert trace.before is not None and trace.after is not None
            assert trace.after <= len(trace.after_keys)
            assert trace.after_weeks is not None and trace.after_weeks <= weeks
            assert trace.since_fix == len(trace.after_keys)
            assert trace.after_window == trace.since_fix - trace.after
            # A change is only stated on a long enough window with enough tickets.
            if trace.change is not None:
                assert trace.after_weeks * 7 >= 7 and trace.before + trace.after >= 5
            if trace.verdict is not None:
                assert trace.change is None
    for fix in report.fixes:
        assert all(0 <= a <= n for (_, n), a in zip(fix.per_week, fix.per_week_after, strict=True))
