"""The `[followup]` section: values, defaults and one-line errors naming file, line, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sddkit.errors import ConfigError
from sddkit.followup.settings import FollowupSettings, load_followup_settings

GOOD = """
[team]
name = "Acme"

[followup]
public = false
fallback_language = "sr-Latn"
skip_tags = ["no-followup", "legal"]
skip_customers = ["CEO@Big.example"]
skip_organizations = ["Big Ltd"]
templates = "mine"
signature = "Acme support"

[followup.zendesk]
public = true
per_minute = 50
"""


def test_values_and_per_helpdesk_overrides(tmp_path: Path) -> None:
    path = tmp_path / "rotations.toml"
    path.write_text(GOOD, encoding="utf-8")
    settings = load_followup_settings(path)
    assert settings.skip_tags == {"no-followup", "legal"}
    assert settings.skip_customers == {"ceo@big.example"}
    assert settings.skip_organizations == {"big ltd"}
    assert settings.templates == tmp_path / "mine"
    assert settings.fallback_language == "sr-Latn"
    assert settings.public_for("zendesk") and not settings.public_for("freshdesk")
    assert settings.per_minute_for("zendesk") == 50 and settings.per_minute_for("intercom") is None


def test_missing_file_or_section_gives_the_defaults(tmp_path: Path) -> None:
    assert load_followup_settings(tmp_path / "none.toml") == FollowupSettings()
    (tmp_path / "a.toml").write_text("[team]\nname = 'x'\n", encoding="utf-8")
    assert load_followup_settings(tmp_path / "a.toml") == FollowupSettings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[followup]\npublik = true\n",
            ":2: followup.publik: unknown key (did you mean 'public'?)",
        ),
        ("[followup]\npublic = 'yes'\n", ":2: followup.public: must be true or false, not 'yes'"),
        ("[followup]\nskip_tags = 'x'\n", ":2: followup.skip_tags: must be a list of non-empty"),
        ("[followup]\nfallback_language = 'English'\n", ":2: followup.fallback_language:"),
        ("[followup.zendesk]\nper_minute = 0\n", ":2: followup.zendesk.per_minute: must be a"),
        ("[followup.intercom]\nadmin = 1\n", ":2: followup.intercom.admin: unknown key"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "rotations.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_followup_settings(path)
    assert f"{path}{expected}" in str(caught.value)
