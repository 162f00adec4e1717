"""Every command has help; JSON output parses; errors are one clear line."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from kb.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


def test_main_help() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Export-control knowledge base" in result.output


@pytest.mark.parametrize("command", _commands(main))
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    body = result.output.split("\n\n", 2)[1].strip()
    assert len(body) > 20, f"kb {' '.join(command)} needs a docstring"


def test_validate_passes_on_the_corpus() -> None:
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


def test_lookup_json_gallium_nitride() -> None:
    result = CliRunner().invoke(main, ["lookup", "2850001901", "--json", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    match = data["matches"][0]
    assert (match["name"], match["number"], match["verdict"]) == (
        "Gallium nitride",
        "MOFCOM & GAC Announcement No. 23 of 2023",
        "licence_required",
    )
    assert data["verdict"] == "licence_required"


def test_lookup_not_listed_mentions_catch_all() -> None:
    result = CliRunner().invoke(main, ["lookup", "copper cathode", "--json"])
    data = json.loads(result.output)
    assert data["verdict"] == "not_listed" and data["matches"] == []
    assert "Art. 12(3)" in data["note"] and "does not mean no licence" in data["note"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lookup", "12345"], "8 or 10 digits"),
        (["lookup", "GaN", "--as-of", "22/11/2026"], "not an ISO date"),
        (["lookup", "GaN", "--destination", "XX"], "ISO 3166"),
    ],
)
def test_errors_are_one_clear_line(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_ask_refuses_a_question_over_the_limit_and_names_the_setting() -> None:
    result = CliRunner().invoke(
        main, ["ask", "Is gallium controlled? " + "x" * 120], env={"KB_MAX_QUESTION_CHARS": "100"}
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "the question has 143 characters; the limit is 100" in result.output
    assert "KB_MAX_QUESTION_CHARS" in result.output
