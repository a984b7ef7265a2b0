"""The example workflow pulls with the documented variables and keeps the store."""

from __future__ import annotations

import re
from pathlib import Path

from sddkit.tickets.pull.sources import SOURCES


def _workflow(repo_root: Path) -> str:
    return (repo_root / "docs" / "examples" / "weekly-triage.yml").read_text(encoding="utf-8")


def test_the_workflow_pulls_and_pins_sddkit(repo_root: Path) -> None:
    workflow = _workflow(repo_root)
    assert 'sddkit tickets pull --source "$HELPDESK"' in workflow
    assert re.search(r'pip install "sddkit==\d+\.\d+\.\d+"', workflow)
    assert "cache: pip" not in workflow  # fails without a requirements file
    assert "curl" not in workflow


def test_the_store_is_restored_and_saved_even_after_a_failure(repo_root: Path) -> None:
    workflow = _workflow(repo_root)
    key = "key: sddkit-db-${{ github.run_id }}-${{ github.run_attempt }}"
    assert workflow.count(key) == 2  # restore and save, a new key per run
    assert "restore-keys: sddkit-db-" in workflow
    save = workflow[workflow.index("name: Save the sddkit store") :]
    assert "if: always()" in save.split("uses:")[0]
    # SQLite runs in WAL mode: committed pages of a pull cut short may sit in the -wal file.
    assert workflow.count("sddkit.db-wal") == 2


def test_every_variable_the_pull_reads_is_in_the_workflow_and_docs(repo_root: Path) -> None:
    workflow = _workflow(repo_root)
    guide = (repo_root / "docs" / "ci.md").read_text(encoding="utf-8")
    code = "".join(
        (repo_root / "sddkit" / "tickets" / "pull" / f"{name}.py").read_text(encoding="utf-8")
        for name in SOURCES
    )
    names = set(re.findall(r"SDDKIT_[A-Z]+_[A-Z_]+", code))
    assert names
    for name in names:
        assert f"`{name}`" in guide, name
        if not name.endswith(("_URL", "_OAUTH_TOKEN")):  # overrides, not needed by default
            assert f"{name}: ${{{{" in workflow, name
