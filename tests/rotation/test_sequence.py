from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sddkit.rotation.model import Shift
from sddkit.rotation.sequence import assign_sequences
from sddkit.store import open_store

START = datetime(2027, 3, 2, 9, tzinfo=ZoneInfo("Europe/Belgrade"))


def test_sequence_rises_only_when_time_or_person_changes() -> None:
    conn = open_store(":memory:")
    shift = Shift("emea", START, START + timedelta(hours=3), "engineer", 0, "Ana")
    other = replace(shift, seat=1, person="Marko")
    assert assign_sequences(conn, [shift, other]) == {shift.uid: 0, other.uid: 0}
    assert assign_sequences(conn, [shift, other]) == {shift.uid: 0, other.uid: 0}
    swapped = replace(shift, person="Piotr")
    assert assign_sequences(conn, [swapped]) == {shift.uid: 1}
    longer = replace(swapped, end=START + timedelta(hours=4))
    assert assign_sequences(conn, [longer, other]) == {shift.uid: 2, other.uid: 0}
    assert assign_sequences(conn, [longer]) == {shift.uid: 2}


def test_ledger_survives_reopening(tmp_path: object) -> None:
    path = f"{tmp_path}/s.db"
    shift = Shift("emea", START, START + timedelta(hours=3), "engineer", 0, "Ana")
    assign_sequences(open_store(path), [shift])
    assert assign_sequences(open_store(path), [replace(shift, person="Olga")]) == {shift.uid: 1}
