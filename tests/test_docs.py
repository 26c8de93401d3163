"""The README documents every CLI command, and its Quickstart is the two commands CI runs."""

from __future__ import annotations

import re

from conftest import ROOT

from mapapp.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented() -> None:
    import typer.main

    group = typer.main.get_command(app)
    commands = sorted(group.commands)  # type: ignore[attr-defined]
    assert len(commands) >= 6
    missing = [name for name in commands if f"mapapp {name}" not in README]
    assert missing == []


def test_quickstart_first_block_holds_exactly_the_two_commands() -> None:
    section = README.split("## Quickstart", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["python3 quickstart.py app", "python3 quickstart.py test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
