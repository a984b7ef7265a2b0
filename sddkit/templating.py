"""Jinja2 environment over the packaged templates, overridable by a user directory.

Templates live in the repository's top-level `templates/`; the wheel force-includes them as
`sddkit/templates/`. A user directory, when given, is searched first.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

_PACKAGE_DIR = Path(__file__).resolve().parent


def packaged_template_dir() -> Path:
    installed = _PACKAGE_DIR / "templates"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "templates"  # source checkout / editable install


def environment(
    user_dir: str | Path | None = None, *, autoescape: bool = False
) -> jinja2.Environment:
    search = [str(user_dir)] if user_dir else []
    search.append(str(packaged_template_dir()))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
