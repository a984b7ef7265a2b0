"""Who is told about a fix, and why the others are not: hand-made fixes, traces and tickets."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sddkit.followup.model import (
    ANSWERED,
    CLOSED,
    HIDDEN,
    LEFT_ALONE,
    NO_HELPDESK,
    RETURNED,
    TOLD,
    fix_key,
)
from sddkit.followup.select import Selection, select
from sddkit.followup.settings import FollowupSettings
from sddkit.report.model import FixSummary, Trace
from sddkit.tickets.model import Message, Ticket

FIXED = datetime(2026, 3, 12, tzinfo=UTC)
SINCE, UNTIL = datetime(2026, 3, 9, tzinfo=UTC), datetime(2026, 3, 16, tzinfo=UTC)
KEY = fix_key("pull_request", "#7")
T = TypeVar("T")


def t(ext: str, days_before: float, customer: str | None, **fields: object) -> Ticket:
    source = str(fields.pop("source", "zendesk"))
    created = FIXED - timedelta(days=days_before)
    return Ticket(source, ext, created, subject=f"s{ext}", customer_id=customer, **fields)  # type: ignore[arg-type]


def blank(cls: type[T], **given: object) -> T:
    """An instance with the given fields and empty others (by keyword, so fields the report
    adds later do not break these tests)."""
    empty = {"bool": False, "int": 0, "float": 0.0, "str": ""}
    values = {
        f.name: given[f.name] if f.name in given
        else () if str(f.type).startswith("tuple") else empty.get(str(f.type))
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name in given or f.default is dataclasses.MISSING
    }  # fmt: skip
    return cls(**values)


def summary(returned: bool = False, fixed_at: datetime = FIXED) -> FixSummary:
    return blank(FixSummary, kind="pull_request", ref="#7", fixed_at=fixed_at,
                 issue_keys=("a/b#5",), returned=returned)  # fmt: skip


def trace(keys: list[str], after: list[str]) -> Trace:
    return blank(Trace, issue_key="a/b#5", ticket_keys=tuple(keys), after_keys=tuple(after))


def choose(tickets: list[Ticket], **options: object) -> Selection:
    told = options.pop("told", set())
    fix = options.pop("fix", summary())
    settings = FollowupSettings(**options)  # type: ignore[arg-type]
    before = [x.key for x in tickets if x.created_at < FIXED]
    after = [x.key for x in tickets if x.created_at >= FIXED]
    return select(
        [fix], [trace(before, after)], {x.key: x for x in tickets}, since=SINCE, until=UNTIL,
        told=told, writable={"zendesk"}, settings=settings,  # type: ignore[arg-type]
    )  # fmt: skip


def reasons(selection: Selection) -> dict[str, str]:
    return {s.customer: s.reason for s in selection.skipped}


def test_one_note_per_customer_on_their_latest_ticket_before_the_fix() -> None:
    tickets = [t("1", 9, "c1"), t("2", 2, "c1"), t("3", 5, None), t("4", -1, "c1")]
    chosen = choose(tickets)
    assert [(r.customer, r.ticket.key, r.tickets) for r in chosen.recipients] == [
        ("c1", "zendesk:2", 2),
        ("ticket:zendesk:3", "zendesk:3", 1),
    ]
    assert chosen.skipped == []


def test_hidden_tickets_are_never_written_to() -> None:
    tickets = [t("1", 3, "c1", status="spam"), t("2", 2, "c2", status="deleted"),
               t("3", 1, "c3", tags=("closed_by_merge",)), t("4", 4, "c4"),
               t("5", 1, "c4", status="spam")]  # fmt: skip
    chosen = choose(tickets)
    assert reasons(chosen) == {"c1": HIDDEN, "c2": HIDDEN, "c3": HIDDEN}
    assert [r.ticket.key for r in chosen.recipients] == ["zendesk:4"]  # not c4's spam one


def test_customers_left_alone_by_tag_id_or_organisation() -> None:
    tickets = [t("1", 3, "c1", tags=("vip",)), t("2", 3, "C2@X.example"),
               t("3", 3, "c3", organization="Big Ltd"), t("4", 3, "c4"),
               t("5", -2, "c4", tags=("vip",))]  # fmt: skip
    chosen = choose(
        tickets,
        skip_tags=frozenset({"vip"}),
        skip_customers=frozenset({"c2@x.example"}),
        skip_organizations=frozenset({"big ltd"}),
    )
    assert reasons(chosen) == dict.fromkeys(["c1", "C2@X.example", "c3", "c4"], LEFT_ALONE)
    assert chosen.recipients == []


def test_customers_answered_after_the_fix_are_left_out() -> None:
    answered = Message("agent", "done", FIXED + timedelta(hours=1))
    before = Message("agent", "looking", FIXED - timedelta(hours=1))
    tickets = [
        t("1", 3, "c1", messages=(answered,)),
        t("2", 3, "c2", messages=(before, Message("customer", "still?", FIXED))),
        t("3", 3, "c3", first_response_at=FIXED),
        t("4", 3, "c4"),
        t("5", -1, "c4", first_response_at=FIXED + timedelta(days=2)),  # their later ticket
    ]
    chosen = choose(tickets)
    assert reasons(chosen) == {"c1": ANSWERED, "c3": ANSWERED, "c4": ANSWERED}
    assert [r.customer for r in chosen.recipients] == ["c2"]


def test_customers_already_told_are_left_out() -> None:
    chosen = choose([t("1", 3, "c1"), t("2", 3, "c2")], told={(KEY, "c1")})
    assert reasons(chosen) == {"c1": TOLD}


def test_sources_without_a_writer_and_fixes_whose_complaints_came_back() -> None:
    tickets = [t("1", 3, "c1", source="csv"), t("2", 3, "c2")]
    assert reasons(choose(tickets)) == {"c1": NO_HELPDESK}
    assert reasons(choose(tickets, fix=summary(returned=True))) == {
        "c1": RETURNED,
        "c2": RETURNED,
    }
    assert len(choose(tickets, fix=summary(True), include_returned=True).recipients) == 1
    halved = replace(summary(returned=True), change=-0.5)  # came back, but far fewer
    assert reasons(choose(tickets, fix=halved)) == {"c1": NO_HELPDESK}
    assert reasons(choose(tickets, fix=replace(halved, change=-0.4)))["c2"] == RETURNED


def test_only_fixes_made_in_the_period() -> None:
    early = replace(summary(), fixed_at=SINCE - timedelta(seconds=1))
    chosen = choose([t("1", 3, "c1")], fix=early)
    assert chosen.fixes == [] and chosen.recipients == []


def test_closed_zendesk_tickets_take_no_note() -> None:
    tickets = [t("1", 5, "c1"), t("2", 2, "c1", status="closed"), t("3", 3, "c2", status="closed"),
               t("4", 3, "c3", status="closed", source="intercom")]  # fmt: skip
    chosen = select(
        [summary()], [trace([x.key for x in tickets], [])], {x.key: x for x in tickets},
        since=SINCE, until=UNTIL, told=set(), writable={"zendesk", "intercom"},
        settings=FollowupSettings(),
    )  # fmt: skip
    assert reasons(chosen) == {"c2": CLOSED}
    assert [r.ticket.key for r in chosen.recipients] == ["zendesk:1", "intercom:4"]
