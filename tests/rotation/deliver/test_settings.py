from __future__ import annotations

from pathlib import Path

import pytest

from sddkit.errors import ConfigError, SddkitError
from sddkit.rotation.deliver.settings import (
    CaldavSettings,
    SmtpSettings,
    load_caldav_settings,
    load_smtp_settings,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rotations.toml"
    path.write_text('[team]\nname = "Web"\n\n' + text, encoding="utf-8")
    return path


def test_smtp_defaults_follow_security(tmp_path: Path) -> None:
    path = write(tmp_path, '[smtp]\nhost = "mail.example.com"\nsecurity = "ssl"\nuser = "nina"\n')
    assert load_smtp_settings(path) == SmtpSettings(
        host="mail.example.com", port=465, security="ssl", user="nina"
    )
    path = write(tmp_path, '[smtp]\nhost = "mail.example.com"\n')
    assert load_smtp_settings(path).port == 587
    assert load_smtp_settings(path).security == "starttls"


def test_caldav_settings_normalise_the_url(tmp_path: Path) -> None:
    path = write(tmp_path, '[caldav]\nurl = "https://dav.example.com/cal/team"\nauth = "basic"\n')
    assert load_caldav_settings(path) == CaldavSettings(
        url="https://dav.example.com/cal/team/", auth="basic"
    )


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('[smtp]\nhost = "m"\nport = 70000\n', ":6: smtp.port: expected a port number"),
        ('[smtp]\nhost = "m"\nsecurity = "tls"\n', ":6: smtp.security: expected one of"),
        ('[smtp]\nhots = "m"\n', ":5: smtp.hots: unknown setting; did you mean 'host'?"),
        ('[smtp]\nhost = "m"\npassword = "s3cret"\n', ":6: smtp.password: remove it"),
        ("[smtp]\nport = 25\n", ":4: smtp.host: required text is missing"),
        (
            '[smtp]\nhost = "mail.example.com"\nsecurity = "none"\nuser = "nina"\n',
            ":6: smtp.security: 'none' would send the SMTP password in clear text",
        ),
        ('[caldav]\nurl = "dav.example.com"\n', ":5: caldav.url: expected an http(s) URL"),
        ('[caldav]\nurl = "https://d/"\nverify_tls = "no"\n', ":6: caldav.verify_tls:"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, section: str, message: str) -> None:
    path = write(tmp_path, section)
    loader = load_smtp_settings if section.startswith("[smtp]") else load_caldav_settings
    with pytest.raises(ConfigError) as caught:
        loader(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_missing_section_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no \[caldav\] section"):
        load_caldav_settings(write(tmp_path, ""))


def test_password_comes_from_the_environment_only() -> None:
    settings = SmtpSettings(host="m", port=587, user="nina")
    assert settings.password({"SDDKIT_SMTP_PASSWORD": "pw"}) == "pw"
    assert SmtpSettings(host="m", port=25).password({}) is None
    with pytest.raises(SddkitError, match="SDDKIT_SMTP_PASSWORD is not set"):
        settings.password({})
    caldav = CaldavSettings(url="https://d/", user="nina")
    assert caldav.password({"SDDKIT_CALDAV_PASSWORD": "pw2"}) == "pw2"
