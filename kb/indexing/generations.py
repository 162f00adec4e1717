"""Index generations: a rebuild is written beside the index that answers, then switched to at once.

    KB_HOME/
      index.json               {"generation": "<name>", "previous": "<name>"}: the one in use
      generations/<name>/      chroma/, keyword.json and keyword.<stamp>/, manifest.json of one generation

A reader resolves the pointer (``Settings.current_generation``) and sees a whole generation: the
pointer is replaced in one rename, only after the new generation is complete. A rebuild killed
half-way leaves a folder nobody points at, removed by the next ingest. The generation replaced last
is kept (an app that has not yet looked at the pointer may still be reading it); older ones go.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import shutil
from dataclasses import replace

from kb.config import Settings
from kb.files import write_json_atomic
from kb.indexing.store import drop_collections

__all__ = ["clean_generations", "new_generation", "switch_to"]

log = logging.getLogger(__name__)

#: The files of an index built before generations, directly under ``KB_HOME`` (and its keyword
#: folders, ``keyword.<stamp>/``).
_LEGACY = ("chroma", "keyword.json", "manifest.json")


def new_generation(settings: Settings) -> Settings:
    """Settings pinned to a new, empty generation (its folder created; nothing points at it yet)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    fresh = replace(settings, generation=f"{stamp}-{secrets.token_hex(3)}")
    fresh.index_path.mkdir(parents=True)
    return fresh


def switch_to(target: Settings, previous: str) -> None:
    """Make ``target``'s generation the one in use, in one rename; ``previous`` (the generation it
    replaces) is remembered so the next clean-up keeps it."""
    assert target.generation, "switch to a pinned generation"
    write_json_atomic(target.pointer_path, {"generation": target.generation, "previous": previous})
    log.info("the index in %s is now generation %s", target.home, target.generation)


def clean_generations(settings: Settings) -> list[str]:
    """Remove every generation but the one in use and the one it replaced (folders, a Chroma
    server's collections and the files of an index built before generations); returns what went.
    Call it holding the ingest lock, so that no generation is being built meanwhile."""
    from kb.files import read_json

    current = settings.current_generation()
    pointer = read_json(settings.pointer_path) or {}
    keep = {current, str(pointer.get("previous") or "")} if current else {""}
    removed: list[str] = []
    gone: list[str] = []  # generations whose server collections go too
    folder = settings.home / "generations"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
                gone.append(path.name)
    if "" not in keep:
        folders = [p.name for p in settings.home.glob("keyword.*") if p.is_dir()]
        for name in (*_LEGACY, *folders):
            path = settings.home / name
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(name)
            elif path.exists():
                path.unlink()
                removed.append(name)
                if name == "manifest.json":
                    gone.append("")  # this home's index from before generations
    removed.extend(drop_collections(settings, gone))
    if removed:
        log.info("removed old index generations from %s: %s", settings.home, ", ".join(removed))
    return removed
