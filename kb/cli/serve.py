"""The command that serves the app."""

from __future__ import annotations

import logging

import click

from kb.cli.group import friendly_errors, main, settings_of


@main.command()
@click.option(
    "--host",
    envvar="KB_HOST",
    show_envvar=True,
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on.",
)
@click.option(
    "--port",
    envvar="KB_PORT",
    show_envvar=True,
    type=click.IntRange(1, 65535),
    default=7860,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--queue-size",
    envvar="KB_QUEUE_SIZE",
    show_envvar=True,
    type=click.IntRange(1, 100_000),
    default=64,
    show_default=True,
    help="Requests that may wait for a worker before new ones are turned away.",
)
@click.option("--no-build", is_flag=True, help="Do not build a missing index at start (answers will fail).")
@click.pass_context
@friendly_errors
def serve(ctx: click.Context, host: str, port: int, queue_size: int, no_build: bool) -> None:
    """Start the web app (ask, lookup, screening, documents and briefing tabs), building the index
    first if it is missing.

    Options also come from KB_HOST, KB_PORT and KB_QUEUE_SIZE; KB_AUTH=user:password[,user:password]
    turns on a login. Analytics are off and nothing is fetched from outside the machine.

    \b
    Examples:
      kb serve                      # http://127.0.0.1:7860
      KB_AUTH=alice:s3cret kb serve --host 0.0.0.0 --port 8080
    """
    import os

    # Before gradio is imported: no analytics or version checks leave the machine.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    limit_malloc_arenas()
    from kb.app.ui import launch

    logging.getLogger("kb").setLevel(logging.INFO)
    launch(settings_of(ctx), host=host, port=port, queue_size=queue_size, build_index=not no_build)


#: Heaps glibc's malloc keeps for the server's threads. By default it opens up to 8 per core as
#: threads come (Gradio's workers, the embedding threads), each holding freed memory of its own:
#: two kept the app's peak RSS under ``make load`` about 25 MB lower at the same speed.
MALLOC_ARENAS = 2
#: ``mallopt``'s option for the most arenas (glibc's ``M_ARENA_MAX``).
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Ask glibc's malloc for at most ``arenas`` heaps (before the server starts its threads), unless
    ``MALLOC_ARENA_MAX`` says otherwise; ``False`` where the C library is not glibc."""
    import ctypes
    import ctypes.util
    import os

    if os.environ.get("MALLOC_ARENA_MAX"):
        return False  # glibc read it at start
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # no such library or no mallopt (musl, macOS)
        return False
