from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from sddkit.errors import SddkitError
from sddkit.rotation.config import load_config
from sddkit.rotation.plan import plan_rotations
from sddkit.rotation.swap import Cover, plan_swap, write_overrides


@pytest.fixture
def config_path(tmp_path: Path, repo_root: Path) -> Path:
    path = tmp_path / "rotations.toml"
    shutil.copy(repo_root / "rotations.toml", path)
    return path


def test_swap_writes_overrides_and_keeps_comments(config_path: Path) -> None:
    before = config_path.read_text(encoding="utf-8")
    config = load_config(config_path)
    plan = plan_rotations(config, date(2026, 11, 23), date(2026, 12, 4))
    (mine,) = [s for s in plan.shifts if s.rotation == "emea" and s.start.day == 24]
    (theirs,) = [s for s in plan.shifts if s.rotation == "emea" and s.start.day == 27]
    assert (mine.person, theirs.person) == ("Piotr Nowak", "Ana Petrović")
    covers = plan_swap(
        config, plan, "emea", mine.start.date(), "Piotr", "Ana", back=theirs.start.date()
    ).covers
    write_overrides(config_path, covers)
    after = config_path.read_text(encoding="utf-8")
    assert after.startswith(before)  # nothing above is touched: comments, order, layout
    assert after.endswith('person = "Piotr Nowak"\nreason = "swap with Ana Petrović"\n')
    assert after.count("[[overrides]]") == 3
    replanned = plan_rotations(load_config(config_path), date(2026, 11, 23), date(2026, 12, 4))
    by_uid = {s.uid: s.person for s in replanned.shifts}
    assert by_uid[mine.uid] == "Ana Petrović" and by_uid[theirs.uid] == mine.person


def test_swapping_the_same_seat_again_replaces_the_override(config_path: Path) -> None:
    config = load_config(config_path)
    plan = plan_rotations(config, date(2026, 12, 2), date(2026, 12, 2))
    covers = plan_swap(config, plan, "emea", date(2026, 12, 2), "Dmitri", "Olga").covers
    write_overrides(config_path, covers)
    text = config_path.read_text(encoding="utf-8")
    assert text.count("[[overrides]]") == 1 and 'person = "Olga Smirnova"' in text


def test_swap_needs_the_giver_on_that_shift(config_path: Path) -> None:
    config = load_config(config_path)
    plan = plan_rotations(config, date(2026, 12, 2), date(2026, 12, 2))
    with pytest.raises(SddkitError, match="Olga Smirnova has no emea shift on 2026-12-02"):
        plan_swap(config, plan, "emea", date(2026, 12, 2), "Olga", "Ana")


def test_a_designer_cannot_take_an_engineer_seat(config_path: Path) -> None:
    config = load_config(config_path)
    plan = plan_rotations(config, date(2026, 12, 2), date(2026, 12, 2))
    with pytest.raises(SddkitError, match="Kasia Wójcik is a designer, not an engineer: cannot"):
        plan_swap(config, plan, "emea", date(2026, 12, 2), "Dmitri", "Kasia")


def test_invalid_result_is_not_written_and_names_no_line_of_an_unwritten_text(
    config_path: Path,
) -> None:
    config = load_config(config_path)
    plan = plan_rotations(config, date(2026, 12, 2), date(2026, 12, 2))
    (shift,) = [s for s in plan.shifts if s.rotation == "emea"]
    cover = Cover(shift, "Kasia Wójcik", "test")  # a designer on an engineer's seat
    before = config_path.read_text(encoding="utf-8")
    with pytest.raises(SddkitError) as raised:
        write_overrides(config_path, [cover])
    assert str(raised.value) == (
        f"{config_path}: the swap would leave an invalid config:"
        " Kasia Wójcik is a designer, not an engineer"
    )
    assert config_path.read_text(encoding="utf-8") == before


def test_double_booking_and_gaps_are_refused_unless_forced(config_path: Path) -> None:
    config = load_config(config_path)
    plan = plan_rotations(config, date(2026, 11, 30), date(2026, 12, 4))
    design = next(s for s in plan.shifts if s.rotation == "design" and s.role == "engineer")
    emea = next(
        s for s in plan.shifts if s.rotation == "emea" and s.start.date() == design.start.date()
    )
    assert design.person and emea.person and design.person != emea.person
    # The emea engineer of that Wednesday morning takes the design shift that afternoon too.
    with pytest.raises(SddkitError, match=r"closer than min_gap_days = 2.*--force"):
        plan_swap(config, plan, "design", design.start.date(), design.person, emea.person)
    forced = plan_swap(
        config, plan, "design", design.start.date(), design.person, emea.person, force=True
    )
    assert [c.person for c in forced.covers] == [emea.person]
    assert forced.warnings and "min_gap_days" in forced.warnings[0]


def test_swap_to_someone_unavailable_is_refused(config_path: Path) -> None:
    config = load_config(config_path)
    plan = plan_rotations(config, date(2026, 11, 27), date(2026, 11, 27))
    with pytest.raises(SddkitError, match=r"Marko Jovanović cannot take .*: day off"):
        plan_swap(config, plan, "emea", date(2026, 11, 27), "Ana", "Marko")
