"""The ``kb`` command group and what every command shares: settings, clear errors, JSON output."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from kb.config import Settings
from kb.errors import KbError

__all__ = ["friendly_errors", "main", "print_json", "settings_of"]

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Show a ``KbError`` as one clear line and exit 1, instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KbError as exc:
            if kwargs.get("as_json"):
                # Scripts that asked for JSON get JSON on failure too: {"error": ..., "kind": ...}.
                print_json({"error": str(exc), "kind": type(exc).__name__})
            else:
                click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def settings_of(ctx: click.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show progress details and debug logging.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Export-control knowledge base: cited answers on China's export controls on strategic
    minerals (gallium, germanium, antimony, graphite, tungsten, rare earths, ...), as of a date.

    Settings come from KB_* environment variables (KB_HOME, KB_SOURCES, KB_CHROMA_URL, KB_LLM_URL,
    KB_LLM_MODEL, KB_AUTH); see README.md.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        ctx.obj = Settings.from_env()
    except KbError as exc:
        raise click.ClickException(str(exc)) from exc
