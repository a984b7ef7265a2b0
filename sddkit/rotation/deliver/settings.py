"""The `[smtp]` and `[caldav]` sections of the team config (rotations.toml).

Only where to connect and as whom lives in the file; passwords come from the environment
(SDDKIT_SMTP_PASSWORD, SDDKIT_CALDAV_PASSWORD) and are never read from, or written to, a file.
Errors name the file, the line and the field, like the rest of the config.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sddkit.errors import ConfigError, SddkitError
from sddkit.rotation.config import Locator

SMTP_PASSWORD_ENV = "SDDKIT_SMTP_PASSWORD"
CALDAV_PASSWORD_ENV = "SDDKIT_CALDAV_PASSWORD"
SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
CALDAV_AUTH = ("auto", "basic", "digest", "bearer")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"  # one of SECURITY_MODES
    user: str | None = None
    timeout: float = 30.0

    def password(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The password for `user` from the environment; an error if a user needs one."""
        return _password(self.user, SMTP_PASSWORD_ENV, "SMTP", environ)


@dataclass(frozen=True)
class CaldavSettings:
    url: str
    user: str | None = None
    auth: str = "auto"  # one of CALDAV_AUTH; "auto" answers the server's challenge
    timeout: float = 30.0
    verify_tls: bool = True

    def password(self, environ: Mapping[str, str] | None = None) -> str | None:
        return _password(self.user, CALDAV_PASSWORD_ENV, "CalDAV", environ)


def _password(
    user: str | None, variable: str, what: str, environ: Mapping[str, str] | None
) -> str | None:
    if user is None:
        return None
    value = (os.environ if environ is None else environ).get(variable)
    if not value:
        raise SddkitError(f"{variable} is not set: the {what} user {user!r} needs a password")
    return value


def load_smtp_settings(path: str | Path) -> SmtpSettings:
    section = _Section.read(path, "smtp", ("host", "port", "security", "user", "timeout"))
    security = section.choice("security", SECURITY_MODES, "starttls")
    host = section.text("host")
    user = section.optional_text("user")
    if security == "none" and user is not None and host not in _LOOPBACK:
        raise section.error(
            "security",
            "'none' would send the SMTP password in clear text; use 'starttls' or 'ssl'",
        )
    return SmtpSettings(
        host=host,
        port=section.port("port", DEFAULT_PORTS[security]),
        security=security,
        user=user,
        timeout=section.number("timeout", 30.0),
    )


def load_caldav_settings(path: str | Path) -> CaldavSettings:
    section = _Section.read(path, "caldav", ("url", "user", "auth", "timeout", "verify_tls"))
    url = section.text("url")
    if not re.match(r"^https?://[^/\s]+", url):
        raise section.error("url", f"expected an http(s) URL of a calendar collection, got {url!r}")
    verify = section.values.get("verify_tls", True)
    if not isinstance(verify, bool):
        raise section.error("verify_tls", "expected true or false")
    return CaldavSettings(
        url=url if url.endswith("/") else url + "/",
        user=section.optional_text("user"),
        auth=section.choice("auth", CALDAV_AUTH, "auto"),
        timeout=section.number("timeout", 30.0),
        verify_tls=verify,
    )


@dataclass
class _Section:
    """One table of the TOML file, and where its keys are (tomllib keeps no lines)."""

    path: Path
    name: str
    values: dict[str, Any]
    locator: Locator

    @classmethod
    def read(cls, path: str | Path, name: str, known: tuple[str, ...]) -> _Section:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(file, f"cannot read: {error.strerror}") from error
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            match = re.search(r"at line (\d+)", str(error))
            line = int(match.group(1)) if match else None
            raise ConfigError(file, f"not valid TOML: {error}", line=line) from error
        raw = data.get(name)
        if not isinstance(raw, dict):
            raise ConfigError(file, f"no [{name}] section; add one (see docs/calendar.md)")
        section = cls(file, name, raw, Locator(text))
        section.check_keys(known)
        return section

    def check_keys(self, known: tuple[str, ...]) -> None:
        for key in self.values:
            if key == "password":
                variable = SMTP_PASSWORD_ENV if self.name == "smtp" else CALDAV_PASSWORD_ENV
                raise self.error(key, f"remove it: the password is read from ${variable} only")
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self.error(key, f"unknown setting{hint}")

    def error(self, key: str, message: str) -> ConfigError:
        line = self.locator.line(self.name, None, key)
        return ConfigError(self.path, message, line=line, field=f"{self.name}.{key}")

    def text(self, key: str) -> str:
        value = self.values.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "required text is missing or empty")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.values else None

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.values.get(key, default)
        if value not in allowed:
            raise self.error(key, f"expected one of {', '.join(allowed)}, got {value!r}")
        return str(value)

    def port(self, key: str, default: int) -> int:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            raise self.error(key, f"expected a port number 1-65535, got {value!r}")
        return value

    def number(self, key: str, default: float) -> float:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.error(key, f"expected a positive number of seconds, got {value!r}")
        return float(value)
