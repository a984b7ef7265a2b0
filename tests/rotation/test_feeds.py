from __future__ import annotations

from sddkit.rotation.feeds import feed_names


def test_feed_names_are_the_local_part_when_it_is_unique() -> None:
    assert feed_names(["ana@example.com", "Bo.Li@example.com"]) == {
        "ana@example.com": "ana",
        "Bo.Li@example.com": "Bo.Li",
    }


def test_two_people_sharing_a_local_part_get_distinct_files() -> None:
    names = feed_names(["ana@one.test", "ANA@two.test", "team@x.test", "sam@one.test"])
    assert names == {
        "ana@one.test": "ana-one.test",
        "ANA@two.test": "ANA-two.test",
        "team@x.test": "team-x.test",  # team.ics is the whole team's
        "sam@one.test": "sam",
    }
    assert len({n.casefold() for n in names.values()}) == len(names)
