from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.errors import ConfigError, SddkitError
from sddkit.rotation.config import OTHER_SECTIONS, Locator, load_config, parse_config
from sddkit.rotation.spec import HolidaySpec

GOOD = """\
[team]
name = "Acme"
organizer = "Ana"

[[rotations]]
name = "emea"
timezone = "Europe/Belgrade"
window = "09:00-12:00"
start = 2027-01-04
engineers = 1
designers = 1

[[people]]
name = "Ana"
email = "ana@example.com"
role = "engineer"
timezone = "Europe/Belgrade"

[[people]]
name = "Kasia"
email = "kasia@example.com"
role = "designer"
timezone = "Europe/Warsaw"
"""


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("rotations.toml"))
    return str(caught.value)


def test_example_config_loads(repo_root: Path) -> None:
    config = load_config(repo_root / "rotations.toml")
    assert config.organizer.email == "nina@example.com"
    assert len(config.people) == 11
    assert config.person("sam@example.com").timezone == "America/New_York"
    assert config.members["Sam Carter"].rotations == ("americas",)  # working hours decide
    assert {r.name for r in config.rotations} == {"emea", "americas", "design"}
    assert config.overrides[0].person == "Dmitri Volkov"


def test_good_config_values() -> None:
    config = parse_config(GOOD, Path("x.toml"))
    rotation = config.rotation("emea")
    assert rotation.days == (0, 1, 2, 3, 4) and rotation.every_weeks == 1
    assert rotation.seats() == [("engineer", 1), ("designer", 1)]
    assert config.person("kas").name == "Kasia"  # a unique start of the name


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("window = ", "windw = "),
            "rotations.toml:8: rotations.windw: unknown key (did you mean 'window'?)",
        ),
        (("start = 2027-01-04", "start = 2027-13-04"), "rotations.toml:9:"),
        (
            ("start = 2027-01-04", 'start = "4 Jan"'),
            "rotations.toml:9: rotations.start: bad date '4 Jan'",
        ),
        (
            ('"Europe/Warsaw"', '"Europe/Warsow"'),
            "rotations.toml:23: people.timezone: unknown time zone 'Europe/Warsow'"
            " (did you mean 'Europe/Warsaw'?)",
        ),
        (
            ('role = "designer"', 'role = "engineer"'),
            "rotations.toml:11: rotations.designers: rotation 'emea' needs 1 designer(s) per shift"
            " but only 0 can cover it",
        ),
        (
            ('organizer = "Ana"', 'organizer = "Bob"'),
            "rotations.toml:3: team.organizer: no person named 'Bob'",
        ),
        (
            ('window = "09:00-12:00"', 'window = "9 to 12"'),
            "rotations.toml:8: rotations.window: bad time window",
        ),
        (("[team]", "[teem]"), "rotations.toml:1: teem: unknown key (did you mean 'team'?)"),
        (
            ("engineers = 1", 'engineers = "one"'),
            "rotations.toml:10: rotations.engineers: expected a whole number",
        ),
        (
            ('name = "Kasia"', 'name = "Ana"'),
            "rotations.toml:20: people.name: duplicate name 'Ana'",
        ),
    ],
)
def test_config_errors_name_file_line_and_field(edit: tuple[str, str], expected: str) -> None:
    message = error_of(GOOD.replace(*edit, 1))
    assert message.startswith(expected), message


def test_person_in_no_rotation() -> None:
    text = GOOD.replace("designers = 1", "designers = 0")
    assert error_of(text).startswith(
        "rotations.toml:19: people: Kasia is in no rotation (no rotation needs a designer"
    )


def test_syntax_error_has_line() -> None:
    assert error_of(GOOD.replace('name = "emea"', 'name = "emea')).startswith(
        "rotations.toml:6: not valid TOML"
    )


def test_override_must_hit_a_shift() -> None:
    text = GOOD + '\n[[overrides]]\nrotation = "emea"\ndate = 2027-01-09\nperson = "Ana"\n'
    assert error_of(text) == (
        "rotations.toml:27: overrides.date: rotation 'emea' has no shift on 2027-01-09"
    )


def test_leave_forms() -> None:
    text = GOOD.replace(
        'timezone = "Europe/Belgrade"\n\n[[people]]',
        'timezone = "Europe/Belgrade"\nleave = [2027-02-01, "2027-03-01..2027-03-05", '
        "{ from = 2027-04-01, to = 2027-04-02 }]\n\n[[people]]",
    )
    leave = parse_config(text, Path("x.toml")).members["Ana"].leave
    assert [(s.first, s.last) for s in leave] == [
        (date(2027, 2, 1), date(2027, 2, 1)),
        (date(2027, 3, 1), date(2027, 3, 5)),
        (date(2027, 4, 1), date(2027, 4, 2)),
    ]


def test_other_sections_are_left_to_their_owners() -> None:
    text = GOOD + "".join(f"\n[{name}]\nanything = 1\n" for name in OTHER_SECTIONS)
    config = parse_config(text, Path("x.toml"))
    assert all(config.raw[name] == {"anything": 1} for name in OTHER_SECTIONS)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(
        st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), min_size=1, max_size=6, unique=True
    )
)
def test_locator_finds_every_key_line(keys: list[str]) -> None:
    lines = (
        ["# header", "[[people]]"]
        + [f"{k} = 1" for k in keys]
        + ["[[people]]", *(f"{k} = 2" for k in keys)]
    )
    locator = Locator("\n".join(lines))
    for offset, key in enumerate(keys):
        assert locator.line("people", 0, key) == 3 + offset
        assert locator.line("people", 1, key) == 4 + len(keys) + offset


def test_the_horizon_is_bounded() -> None:
    text = '[team]\nhorizon_weeks = 100000\n[[rotations]]\nname = "a"\ntimezone = "UTC"\n' + (
        'window = "09:00-12:00"\nstart = 2027-01-04\n[[people]]\nname = "A"\nemail = "a@x.test"\n'
        'role = "engineer"\ntimezone = "UTC"\n'
    )
    with pytest.raises(
        ConfigError, match=r":2: team.horizon_weeks: must be at most 104, got 100000"
    ):
        parse_config(text, Path("t.toml"))


def test_holidays_unchecked_for_reading_fail_only_when_a_calendar_is_built() -> None:
    text = GOOD.replace(
        "designers = 1\n", 'designers = 1\nholidays = { country = "DE", subdivision = "XX" }\n'
    )
    with pytest.raises(
        ConfigError, match=r"t.toml:12: rotations.holidays: no public holidays known for DE XX"
    ):
        parse_config(text, Path("t.toml"))
    spec = parse_config(text, Path("t.toml"), check_holidays=False).rotations[0].holidays
    assert spec == HolidaySpec("DE", "XX")
    with pytest.raises(SddkitError, match=r"^no public holidays known for DE XX \(`sddkit rotat"):
        spec.name_of(date(2027, 1, 1))
