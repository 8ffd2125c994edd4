"""Docs checked by machine: docs/cli.md is what scripts/build_cli_reference.py makes from --help today."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from repo_scripts import loaded

from borderwatch.cli import app

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "docs" / "cli.md"


@pytest.fixture(scope="module")
def build_script():
    with loaded("scripts/build_cli_reference.py") as module:
        yield module


def test_cli_reference_is_up_to_date(build_script):
    assert REFERENCE.read_text(encoding="utf-8") == build_script.render_reference(), (
        "docs/cli.md is out of date: run .venv/bin/python scripts/build_cli_reference.py")


def test_every_command_has_a_section_and_an_index_entry():
    text = REFERENCE.read_text(encoding="utf-8")
    commands = list(typer.main.get_command(app).commands)
    assert commands
    for name in commands:
        assert f"## `borderwatch {name}`" in text
        assert f"[`borderwatch {name}`](#borderwatch-{name})" in text
        assert f"Usage: borderwatch {name} [OPTIONS]" in text


def test_every_option_of_every_command_is_documented():
    text = REFERENCE.read_text(encoding="utf-8")
    for name, command in typer.main.get_command(app).commands.items():
        section = text.split(f"## `borderwatch {name}`", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            for flag in param.opts:
                if flag.startswith("-"):
                    assert flag in section, f"{name}: {flag} is missing from docs/cli.md"


def test_rendering_ignores_the_callers_terminal(build_script, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("BORDERWATCH_DB", "/elsewhere/other.db")
    assert build_script.render_reference() == REFERENCE.read_text(encoding="utf-8")


def test_check_mode_reports_a_stale_reference(build_script, tmp_path):
    stale = tmp_path / "cli.md"
    stale.write_text("# old\n", encoding="utf-8")
    assert build_script.main(["--check", "--out", str(stale)]) == 1
    assert build_script.main(["--out", str(stale)]) == 0
    assert build_script.main(["--check", "--out", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == REFERENCE.read_text(encoding="utf-8")


def test_every_command_is_in_the_readme_command_table(build_script) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table_rows = [line for line in readme.splitlines() if line.startswith("| `")]
    listed = {row.split("`")[1] for row in table_rows}
    missing = [name for name in build_script.command_names() if name not in listed]
    assert not missing, f"commands missing from README.md's command table: {missing}"
