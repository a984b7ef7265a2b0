"""The `[followup]` section of the config: who is left alone and how replies are written.

```toml
[followup]
public = false                   # internal notes (the default); true: public replies
fallback_language = "en"         # for languages without a template
skip_tags = ["no-followup"]      # a ticket with one of these tags: its customer is left alone
skip_customers = ["c-42", "ceo@big.example"]   # customer ids as the helpdesk gives them
skip_organizations = ["Big Client Ltd"]
templates = "followup-templates" # a folder searched before the packaged templates/followup/
signature = "The Acme support team"
include_returned = false         # also follow up fixes whose complaints came back

[followup.zendesk]               # per helpdesk: zendesk, freshdesk, helpscout, intercom
public = true                    # overrides the section's
per_minute = 100                 # requests a minute (writes weigh as the vendor counts them)
```
Unknown keys are refused with a "did you mean"; errors name the file, the line and the field.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sddkit.errors import ConfigError, line_in_table

VENDORS = ("zendesk", "freshdesk", "helpscout", "intercom")
_LISTS = ("skip_tags", "skip_customers", "skip_organizations")
_STRINGS = ("fallback_language", "templates", "signature")
_BOOLS = ("public", "include_returned")
_KEYS = (*_BOOLS, *_LISTS, *_STRINGS)
_VENDOR_KEYS = ("public", "per_minute")


@dataclass(frozen=True)
class VendorSettings:
    public: bool | None = None  # None: the section's
    per_minute: float | None = None  # None: the vendor module's documented default


@dataclass(frozen=True)
class FollowupSettings:
    public: bool = False
    fallback_language: str = "en"
    skip_tags: frozenset[str] = frozenset({"no-followup"})
    skip_customers: frozenset[str] = frozenset()  # lower-cased
    skip_organizations: frozenset[str] = frozenset()  # lower-cased
    templates: Path | None = None
    signature: str = ""
    include_returned: bool = False
    vendors: Mapping[str, VendorSettings] = field(default_factory=dict)

    def public_for(self, helpdesk: str) -> bool:
        chosen = self.vendors.get(helpdesk, VendorSettings()).public
        return self.public if chosen is None else chosen

    def per_minute_for(self, helpdesk: str) -> float | None:
        return self.vendors.get(helpdesk, VendorSettings()).per_minute


def load_followup_settings(path: Path) -> FollowupSettings:
    """The `[followup]` section of `path`; the defaults when the file or section is missing."""
    if not path.exists():
        return FollowupSettings()
    text = path.read_text(encoding="utf-8")
    try:
        section = tomllib.loads(text).get("followup", {})
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"invalid TOML: {error}") from None
    if not isinstance(section, dict):
        raise ConfigError(path, "must be a table", None, "followup")
    values: dict[str, Any] = {}
    vendors: dict[str, VendorSettings] = {}
    for key, value in section.items():
        if key in VENDORS and isinstance(value, dict):
            vendors[key] = _vendor(path, text, key, value)
            continue
        where = line_in_table(text, key, "[followup]")
        if key not in _KEYS:
            close = difflib.get_close_matches(key, (*_KEYS, *VENDORS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(path, f"unknown key{hint}", where, f"followup.{key}")
        values[key] = _value(path, where, key, value)
    if isinstance(values.get("templates"), str):
        values["templates"] = path.parent / values["templates"]
    return FollowupSettings(**values, vendors=vendors)


def _value(path: Path, where: int | None, key: str, value: Any) -> Any:
    def fail(message: str) -> ConfigError:
        return ConfigError(path, message, where, f"followup.{key}")

    if key in _BOOLS:
        if not isinstance(value, bool):
            raise fail(f"must be true or false, not {value!r}")
        return value
    if key in _LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"must be a list of non-empty strings, not {value!r}")
        folded = (v.strip() if key == "skip_tags" else v.strip().lower() for v in value)
        return frozenset(folded)
    if not isinstance(value, str) or (key != "signature" and not value.strip()):
        raise fail(f"must be a non-empty string, not {value!r}")
    if key == "fallback_language" and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", value):
        raise fail(f"must be a language code such as 'en' or 'sr-Latn', not {value!r}")
    return value.strip()


def _vendor(path: Path, text: str, vendor: str, table: Mapping[str, Any]) -> VendorSettings:
    chosen: dict[str, Any] = {}
    for key, value in table.items():
        where = line_in_table(text, key, f"[followup.{vendor}]")
        name = f"followup.{vendor}.{key}"
        if key not in _VENDOR_KEYS:
            raise ConfigError(path, f"unknown key (known: {', '.join(_VENDOR_KEYS)})", where, name)
        if key == "public" and not isinstance(value, bool):
            raise ConfigError(path, f"must be true or false, not {value!r}", where, name)
        if key == "per_minute" and (
            isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
        ):
            raise ConfigError(path, f"must be a number > 0, not {value!r}", where, name)
        chosen[key] = float(value) if key == "per_minute" else value
    return VendorSettings(**chosen)
