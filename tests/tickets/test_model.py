from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime

import pytest

from sddkit.tickets.model import Ticket


def test_init_signature_matches_the_fields() -> None:
    # Ticket.__init__ is written out for speed; it must stay in step with the fields.
    parameters = list(inspect.signature(Ticket).parameters.values())
    fields = dataclasses.fields(Ticket)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        default = field.default
        if field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        assert parameter.default == (
            inspect.Parameter.empty if default is dataclasses.MISSING else default
        ), field.name


def test_ticket_is_a_frozen_value() -> None:
    created = datetime(2026, 5, 1, tzinfo=UTC)
    ticket = Ticket("zendesk", "1", created, tags=("export",))
    assert ticket == Ticket(source="zendesk", external_id="1", created_at=created, tags=("export",))
    assert hash(ticket) == hash(Ticket("zendesk", "1", created, tags=("export",)))
    assert ticket != dataclasses.replace(ticket, subject="x")
    assert dataclasses.replace(ticket, language="en").language == "en"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ticket.subject = "changed"  # type: ignore[misc]
