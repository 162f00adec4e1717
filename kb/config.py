"""Settings: defaults plus ``KB_*`` environment variables, built once and passed in.

| variable        | meaning                                                    | default                |
|-----------------|------------------------------------------------------------|------------------------|
| KB_HOME         | where the index, manifest and feedback log live            | ``<project>/.kb``      |
| KB_SOURCES      | the corpus folder                                          | ``<project>/sources``  |
| KB_CHROMA_URL   | a Chroma server (``http://host:port``) instead of embedded | unset (embedded)       |
| KB_LLM_URL      | optional OpenAI-compatible endpoint for phrasing answers   | unset (extractive)     |
| KB_LLM_MODEL    | model name to ask that endpoint for                        | ``default``            |
| KB_AUTH         | ``user:password`` pairs, comma separated, for the app      | unset (no login)       |
| KB_INGEST_BF16  | ``1``: a large ingest embeds under torch's bfloat16 auto-  | ``0``                  |
|                 | cast where the CPU has bfloat16 matrix units (slower here  |                        |
|                 | than the ONNX export, which batches by token count)        |                        |

The index lives in a *generation* folder, ``KB_HOME/generations/<name>/`` (``chroma/``,
``keyword.json`` and the keyword folder it names, ``manifest.json``), named by the pointer file
``KB_HOME/index.json``. A rebuild
writes a new generation beside the one answering and replaces the pointer in one rename, so a
reader sees the old index or the new one, never a half-built one. An index built before
generations (those files directly under ``KB_HOME``) is read where it is until the next rebuild.

The app's limits (each a whole number; raise one by setting its variable):

| variable              | meaning                                                  | default |
|-----------------------|----------------------------------------------------------|---------|
| KB_MAX_QUESTION_CHARS | longest question the app accepts                         | 2000    |
| KB_MAX_TURNS          | questions a conversation keeps (older ones are dropped)  | 50      |
| KB_MAX_CONVERSATIONS  | conversations kept in the browser                        | 20      |
| KB_MAX_UPLOAD_MB      | largest document the app accepts for upload, in MB       | 20      |
| KB_LOGIN_ATTEMPTS     | failed sign-ins allowed per address per minute           | 5       |
| KB_MAX_FILE_MB        | largest file an ingest reads, in MB                      | 20      |
| KB_MAX_UNPACKED_MB    | most a ``.docx`` may unpack to, in MB                    | 100     |
| KB_MAX_CHUNKS_PER_FILE| most chunks one file may become                          | 2000    |
| KB_MAX_HISTORY_KB     | largest history a session keeps, in kB (1,000 characters)| 1000    |
| KB_MAX_SESSIONS       | sessions the app server keeps (least recently used go)   | 100     |

A file over a limit is skipped and named with the limit and its variable; the rest is ingested.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kb.errors import KbError

__all__ = ["GENERATION_NAME", "PROJECT_ROOT", "Settings"]

#: The checkout this package lives in; the corpus and the default KB_HOME sit beside it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: What an index generation may be called (it also names a Chroma collection, hence the alphabet).
GENERATION_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,40}")


#: The generation each index pointer named when last read, with the pointer's (inode, mtime, size).
_POINTERS_READ: dict[Path, tuple[tuple[int, int, int], str]] = {}


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured, with the defaults of the embedded set-up."""

    home: Path = PROJECT_ROOT / ".kb"
    sources: Path = PROJECT_ROOT / "sources"
    chroma_url: str | None = None
    collection: str = "kb_chunks"
    llm_url: str | None = None
    llm_model: str = "default"
    auth: tuple[tuple[str, str], ...] = ()
    max_question_chars: int = 2000
    max_turns: int = 50
    max_conversations: int = 20
    max_upload_mb: int = 20
    login_attempts: int = 5
    max_file_mb: int = 20
    max_unpacked_mb: int = 100
    max_chunks_per_file: int = 2000
    max_history_kb: int = 1000
    max_sessions: int = 100
    #: A large ingest may embed under bfloat16 autocast on a CPU made for it (``KB_INGEST_BF16``);
    #: off by default: the ONNX export, batched by token count, embeds the corpus faster (a full
    #: build in 15.9 s against 24.2 s in bfloat16 on 2 cores) and needs no torch.
    ingest_bf16: bool = False
    #: The index generation to use; ``None`` follows ``KB_HOME/index.json`` (see the module help),
    #: ``""`` is an index built before generations, directly under ``KB_HOME``.
    generation: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``KB_*`` variables; a bad value raises ``KbError`` saying how to fix it."""
        env = os.environ if env is None else env
        settings = cls()
        if env.get("KB_HOME"):
            settings = replace(settings, home=Path(env["KB_HOME"]).expanduser())
        if env.get("KB_SOURCES"):
            settings = replace(settings, sources=Path(env["KB_SOURCES"]).expanduser())
        if env.get("KB_CHROMA_URL"):
            settings = replace(settings, chroma_url=_checked_url("KB_CHROMA_URL", env["KB_CHROMA_URL"]))
        if env.get("KB_LLM_URL"):
            settings = replace(settings, llm_url=_checked_url("KB_LLM_URL", env["KB_LLM_URL"]))
        if env.get("KB_LLM_MODEL"):
            settings = replace(settings, llm_model=env["KB_LLM_MODEL"])
        if env.get("KB_AUTH"):
            settings = replace(settings, auth=_parse_auth(env["KB_AUTH"]))
        if env.get("KB_INGEST_BF16"):
            settings = replace(settings, ingest_bf16=_switch("KB_INGEST_BF16", env["KB_INGEST_BF16"]))
        limits: dict[str, Any] = {
            field_name: _whole_number(name, env[name])
            for name, field_name in _LIMITS.items()
            if env.get(name)
        }
        return replace(settings, **limits) if limits else settings

    @property
    def pointer_path(self) -> Path:
        """The file naming the index generation in use (replaced in one rename by a rebuild)."""
        return self.home / "index.json"

    def current_generation(self) -> str:
        """The generation these settings use: the pinned one, else the one the pointer names
        (``""`` without a pointer: an index built before generations, or none yet)."""
        if self.generation is not None:
            return self.generation
        pointer = self.pointer_path
        try:
            info = pointer.stat()
        except FileNotFoundError:
            return ""
        except OSError:
            info = None  # read below, which says what is wrong
        # A rebuild replaces the pointer in one rename (a new inode), so its stat tells whether the
        # name read last is still the one: every search asks, and a read cost about 1 ms of each answer.
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size) if info is not None else None
        known = _POINTERS_READ.get(pointer)
        if stamp is not None and known is not None and known[0] == stamp:
            return known[1]
        try:
            data = json.loads(pointer.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return ""
        except (OSError, ValueError) as exc:
            raise KbError(
                f"cannot read the index pointer {self.pointer_path} ({exc}); run `kb ingest --rebuild`"
            ) from exc
        name = data.get("generation") if isinstance(data, dict) else None
        if not isinstance(name, str) or not GENERATION_NAME.fullmatch(name):
            raise KbError(
                f"the index pointer {self.pointer_path} names no generation; run `kb ingest --rebuild`"
            )
        if stamp is not None:
            _POINTERS_READ[pointer] = (stamp, name)
        return name

    def pinned(self) -> Settings:
        """These settings fixed to the generation in use now, so that a rebuild finishing meanwhile
        does not switch one reader between two indexes half-way."""
        return replace(self, generation=self.current_generation())

    @property
    def index_path(self) -> Path:
        """The folder of the index generation in use."""
        name = self.current_generation()
        return self.home / "generations" / name if name else self.home

    @property
    def collection_name(self) -> str:
        """The Chroma collection of the generation in use: on a Chroma server one per generation
        (embedded, each generation has a folder of its own)."""
        name = self.current_generation() if self.chroma_url else ""
        return f"{self.collection}-{name}" if name else self.collection

    @property
    def chroma_path(self) -> Path:
        return self.index_path / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.index_path / "manifest.json"

    @property
    def keyword_path(self) -> Path:
        """The keyword index's header (it names the folder of BM25 arrays and chunk records)."""
        return self.index_path / "keyword.json"

    @property
    def model_path(self) -> Path:
        """The ONNX export of the embedding model and its reference vectors (the query path's model)."""
        return self.home / "model"

    @property
    def feedback_path(self) -> Path:
        return self.home / "feedback.jsonl"

    @property
    def uploads_path(self) -> Path:
        """The user's own documents uploaded from the app (evidence only, never rules)."""
        return self.home / "uploads"


#: The app's limits: variable -> ``Settings`` field.
_LIMITS = {
    "KB_MAX_QUESTION_CHARS": "max_question_chars",
    "KB_MAX_TURNS": "max_turns",
    "KB_MAX_CONVERSATIONS": "max_conversations",
    "KB_MAX_UPLOAD_MB": "max_upload_mb",
    "KB_LOGIN_ATTEMPTS": "login_attempts",
    "KB_MAX_FILE_MB": "max_file_mb",
    "KB_MAX_UNPACKED_MB": "max_unpacked_mb",
    "KB_MAX_CHUNKS_PER_FILE": "max_chunks_per_file",
    "KB_MAX_HISTORY_KB": "max_history_kb",
    "KB_MAX_SESSIONS": "max_sessions",
}


def _whole_number(name: str, value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise KbError(f"{name}={value!r} is not a whole number of at least 1; use e.g. {name}=100")
    return number


def _switch(name: str, value: str) -> bool:
    word = value.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise KbError(f"{name}={value!r} is neither on nor off; use {name}=0 or {name}=1")


def _checked_url(name: str, value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise KbError(f"{name}={value!r} is not a URL; use the form http://127.0.0.1:8000")
    return value.rstrip("/")


def _parse_auth(value: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in value.split(","):
        user, sep, password = part.strip().partition(":")
        if not sep or not user or not password:
            raise KbError(
                "KB_AUTH must be user:password pairs separated by commas, e.g. alice:s3cret,bob:pa55"
            )
        pairs.append((user, password))
    return tuple(pairs)
