"""The follow-up plan as text: per fix, the customers to tell grouped by helpdesk and
language, who is left out and why; with `show`, every draft in full.

Customers are named by their ticket only (no e-mail or name reaches a CI log); the drafts,
which quote the customers' subjects, are printed only when asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from sddkit.followup.model import REASONS, Draft, FixOf
from sddkit.followup.plan import FollowupPlan


def plan_text(plan: FollowupPlan, *, show: bool = False) -> str:
    return "\n".join(_lines(plan, show)) + "\n"


def _lines(plan: FollowupPlan, show: bool) -> Iterator[str]:
    selection = plan.selection
    yield (
        f"{_count(len(selection.fixes), 'fix', 'fixes')} in the period: "
        f"{_count(len(plan.drafts), 'customer')} to tell, {len(selection.skipped)} left out."
    )
    for fix in selection.fixes:
        drafts = [d for d in plan.drafts if d.recipient.fix.key == fix.key]
        yield ""
        yield f"{_fix_line(fix)}: {_count(len(drafts), 'customer')} to tell"
        groups: dict[tuple[str, str, bool], list[Draft]] = {}
        for draft in drafts:
            groups.setdefault((draft.helpdesk, draft.language, draft.public), []).append(draft)
        for (helpdesk, language, public), members in sorted(groups.items()):
            kind = "public replies" if public else "internal notes"
            tickets = ", ".join(d.recipient.ticket.key for d in members)
            yield f"  {helpdesk} / {language} ({kind}): {len(members)}: {tickets}"
        reasons = Counter(s.reason for s in selection.skipped if s.fix.key == fix.key)
        if reasons:
            left = ", ".join(f"{reasons[r]} {r}" for r in REASONS if reasons[r])
            yield f"  left out: {left}"
        if show:
            for draft in drafts:
                yield from _shown(draft)


def _shown(draft: Draft) -> Iterator[str]:
    kind = "public reply" if draft.public else "internal note"
    yield ""
    yield f"  --- {draft.recipient.ticket.key} ({draft.language}, {kind}) ---"
    for line in draft.body.splitlines():
        yield f"  | {line}" if line else "  |"


def _fix_line(fix: FixOf) -> str:
    return f"Fix {fix.ref} ({fix.fixed_at:%Y-%m-%d}, closing {', '.join(fix.issue_keys)})"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
