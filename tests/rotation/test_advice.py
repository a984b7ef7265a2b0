"""`check`'s warnings about a valid config that is probably not what the team meant."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sddkit.errors import ConfigError
from sddkit.rotation.advice import advise
from sddkit.rotation.config import parse_config
from sddkit.rotation.countries import country_code, country_name

ROTATION = """
[[rotations]]
name = "emea"
timezone = "Europe/Belgrade"
window = "09:00-12:00"
days = {days}
start = 2027-01-04
engineers = 1
holidays = {holidays}
"""
PERSON = """
[[people]]
name = "{name}"
email = "{name}@x.test"
role = "engineer"
timezone = "Europe/Belgrade"
"""


def config_text(people: int = 2, holidays: str = '"RS"', days: str = '"weekdays"') -> str:
    text = ROTATION.format(holidays=holidays, days=days)
    return text + "".join(PERSON.format(name=f"P{i}") for i in range(people))


def warnings(text: str) -> list[str]:
    return advise(parse_config(text, Path("t.toml")), date(2027, 1, 4))


def test_a_holiday_country_none_of_the_people_live_in_is_named_with_the_likely_code() -> None:
    (line,) = [w for w in warnings(config_text(holidays='"SR"')) if "holidays" in w]
    assert line == (
        "rotation 'emea': holidays = 'SR' (Suriname) is the country of none of its people's"
        " time zones; did you mean 'RS' (Serbia)?"
    )
    assert not [w for w in warnings(config_text()) if "holidays" in w]


def test_a_rotation_one_person_can_cover_is_warned() -> None:
    assert "rotation 'emea': only P0 can take its engineer seat" in warnings(config_text(1))[0]
    assert not [w for w in warnings(config_text(2)) if "only" in w]


def test_uncovered_hours_are_listed_in_utc() -> None:
    # 09:00-12:00 in Belgrade is 08:00-11:00 UTC in winter.
    assert warnings(config_text(2))[-1] == (
        "no rotation covers 00-08, 11-24 UTC on Mon, Tue, Wed, Thu, Fri (week of 2027-01-04)"
    )


def test_a_country_name_hints_its_code() -> None:
    with pytest.raises(
        ConfigError, match=r"no public holidays known for SERBIA \(did you mean 'RS', Serbia\?\)"
    ):
        parse_config(config_text(holidays='"Serbia"'), Path("t.toml"))
    assert country_code("SRB") == "RS" and country_code("united states") == "US"
    assert country_name("SR") == "Suriname" and country_name("XX") == "XX"


def test_weekday_suggests_weekdays() -> None:
    with pytest.raises(
        ConfigError, match=r"unknown weekday 'weekday' \(did you mean 'weekdays'\?\)"
    ):
        parse_config(config_text(days='"weekday"'), Path("t.toml"))
