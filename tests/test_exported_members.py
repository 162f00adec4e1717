"""The public surface: ``kb.__all__`` is sorted, complete and loads lazily (as httpx checks its own)."""

from __future__ import annotations

import subprocess
import sys

import kb


def test_all_names_are_sorted_and_resolve() -> None:
    assert kb.__all__ == sorted(kb.__all__)
    for name in kb.__all__:
        assert getattr(kb, name) is not None, name


def test_dir_shows_the_public_surface_only() -> None:
    public = [name for name in dir(kb) if not name.startswith("_")]
    assert public == sorted(kb.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        kb.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("kb.NoSuchThing resolved")


def _modules_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.split()


def test_importing_kb_or_its_errors_loads_nothing_heavy() -> None:
    for statement in ("import kb", "import kb.errors"):
        loaded = _modules_after(statement)
        ours = [m for m in loaded if m == "kb" or m.startswith("kb.")]
        assert ours in (["kb"], ["kb", "kb.errors"]), (statement, ours)
        heavy = [m for m in loaded if m.split(".")[0] in ("chromadb", "gradio", "torch", "llama_index")]
        assert not heavy, (statement, heavy)
