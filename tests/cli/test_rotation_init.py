"""`sddkit init` and the way into an empty folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from sddkit.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_who_in_an_empty_folder_says_how_to_start(in_tmp: Path) -> None:
    result = run("rotation", "who")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: rotations.toml: file not found; `sddkit init` writes a starting one here"
        " (or point to yours with --config or SDDKIT_CONFIG)\n"
    )


def test_init_writes_a_commented_file_that_plans(in_tmp: Path) -> None:
    result = run(
        "init", "--today", "2026-12-09", "--team", "Acme", "--timezone", "Asia/Tokyo",
        "--person", "Aiko Sato <aiko@example.com>", "--person", "ken@example.com",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (in_tmp / "rotations.toml").read_text(encoding="utf-8")
    assert 'organizer = "Aiko Sato"' in text and 'name = "ken"' in text
    assert 'holidays = "JP"' in text and "start = 2026-12-14" in text
    assert "# max_shifts = 4" in text  # the less common keys, shown commented out
    check = run("rotation", "check", "--today", "2026-12-14")
    assert check.exit_code == 0, check.output
    who = run("rotation", "who", "--at", "2026-12-14T10:00", "--today", "2026-12-14")
    assert "support: on now: " in who.output


def test_init_keeps_an_existing_file_and_refuses_bad_flags(in_tmp: Path) -> None:
    (in_tmp / "rotations.toml").write_text("mine\n", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 1 and "rotations.toml exists" in result.stderr
    assert (in_tmp / "rotations.toml").read_text(encoding="utf-8") == "mine\n"
    result = run("init", "--force", "--timezone", "Europe/Warsow")
    assert result.exit_code == 1
    assert "unknown time zone 'Europe/Warsow' (did you mean 'Europe/Warsaw'?)" in result.stderr
    assert (in_tmp / "rotations.toml").read_text(encoding="utf-8") == "mine\n"
    assert run("init", "--force").exit_code == 0
