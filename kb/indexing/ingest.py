"""Build and update the search index: chunks embedded into Chroma, plus a keyword index beside it.

    KB_HOME/
      index.json       which generation is in use (see ``kb.indexing.generations``)
      generations/<name>/
        chroma/        the embedded Chroma store (or a Chroma server when KB_CHROMA_URL is set)
        keyword.json   the keyword index's header: the Chinese -> English names the documents
                       define and the folder holding the rest (``kb.indexing.keyword``)
        keyword.<stamp>/  BM25 in bm25s's own format and every indexed chunk (text, metadata,
                       keyword tokens, fingerprints), memory-mapped when read
        manifest.json  every indexed file: content hash, document id, chunk ids

Ingest is incremental: a file whose content hash is unchanged is not parsed again; a chunk whose
id (a content hash) is in the store with the same embedded text is not embedded again, and one
whose metadata alone changed (a status, a URL) is stored again with its old vector. It is atomic:
everything is parsed and embedded before the store is touched; new vectors are added first, then
the keyword folder is written and ``keyword.json`` (what the retriever trusts, naming that folder)
is replaced in one rename, then stale vectors are deleted and ``manifest.json`` is replaced last.
A crash at any point leaves the previous index usable, and the next ingest repairs the difference.
An ingest that finds nothing changed touches neither the store nor the model.
A rebuild (``fresh``, or an index of another model or format) is written into a new generation
and switched to only when complete.

A file that cannot be parsed is skipped and named in the report; its previous chunks stay.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.config import Settings
from kb.corpus.documents import SourceDocument, Trust
from kb.corpus.parsing import discover, outside_links, parse_file
from kb.errors import KbError, ParseError
from kb.files import exclusive_lock, write_json_atomic
from kb.indexing.chunks import Chunk, chunk_document, dense_text, keyword_text, lexicon
from kb.indexing.embedding import Embedder, MiniLMEmbedder
from kb.indexing.export import indexing_embedder
from kb.indexing.generations import clean_generations, new_generation, switch_to
from kb.indexing.keyword import write_keyword_index
from kb.indexing.manifest import INDEX_FORMAT, FileState, Previous
from kb.indexing.store import ChunkStore
from kb.language.tokens import TOKENIZER_VERSION, keyword_tokens

__all__ = ["IngestReport", "ingest"]

log = logging.getLogger(__name__)

#: Chunks per call of the embedder (a step of the progress bar); the embedder batches them and
#: spreads them over the cores itself.
EMBED_GROUP = 256


@dataclass(frozen=True)
class IngestReport:
    """What one ``ingest`` did. Chunks are counted by place (document, locator, piece): a changed
    text at the same place is *updated*; ``unchanged`` chunks were neither parsed nor embedded."""

    files: int
    changed: int
    added: int
    updated: int
    removed: int
    unchanged: int
    embedded: int
    errors: tuple[str, ...]
    seconds: float
    #: How the chunks were embedded (e.g. ``onnxruntime fp32``); empty when none was.
    runtime: str = ""

    @property
    def skipped(self) -> int:
        """Files that could not be parsed (their previous chunks, if any, were kept)."""
        return len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.files} files ({self.changed} parsed, {self.skipped} skipped): "
            f"{self.added} chunks added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged; {self.embedded} embedded in {self.seconds:.1f} s"
            + (f" ({self.runtime})" if self.runtime and self.embedded else "")
        )

    def to_dict(self) -> dict[str, object]:
        return {**dataclasses.asdict(self), "skipped": self.skipped}


def _checked_hash(path: Path, settings: Settings) -> str:
    """The content hash of ``path``; ``ParseError`` when it cannot be read or is over the size limit
    (checked before reading, so a huge file is never loaded)."""
    try:
        size = path.stat().st_size
        if size > settings.max_file_mb * 2**20:
            raise ParseError(
                str(path),
                f"{size / 2**20:.1f} MB, over the limit of {settings.max_file_mb} MB per file; "
                "split the file or raise KB_MAX_FILE_MB",
            )
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(2**20), b""):
                digest.update(block)
                if handle.tell() > settings.max_file_mb * 2**20:  # grew, or a device
                    raise ParseError(str(path), f"over the limit of {settings.max_file_mb} MB per file")
    except OSError as exc:
        raise ParseError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def _hash(value: object) -> str:
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def _fingerprints(chunk: Chunk) -> tuple[str, str]:
    """(what is embedded, what is stored with the vector): a change of the first needs the
    model again; a change of the second only (a status, a date) re-stores the same vector."""
    embedded = dense_text(chunk)
    return _hash(embedded), _hash([embedded, chunk.metadata])


def _label(path: Path, settings: Settings) -> str:
    """The path recorded with each chunk: relative to the project when inside it."""
    base = settings.sources.resolve().parent
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _is_under(path: str, roots: Sequence[Path]) -> bool:
    target = Path(path)
    return any(target == root or root in target.parents for root in roots)


# --- ingest -------------------------------------------------------------------------------------


def ingest(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    embedder: Embedder | None = None,
    progress: bool = True,
    fresh: bool = False,
) -> IngestReport:
    """Index ``paths`` (files or folders; default ``settings.sources``) incrementally and atomically.

    Files under the given folders that were indexed before and are gone now are removed from the
    index; files elsewhere are left alone. ``fresh`` ignores what was indexed before and builds
    everything again. Raises ``KbError`` only when the store itself fails.
    """
    try:
        return _ingest(settings, paths, embedder, progress, fresh)
    except OSError as exc:
        # Reading a document fails inside (and skips it); this is the index itself not being written.
        raise KbError(
            f"cannot write the index in {settings.home} ({exc.strerror or exc}: {exc.filename}); "
            "make the folder writable for this user or point KB_HOME at a writable folder"
        ) from exc


def _ingest(
    settings: Settings, paths: Sequence[Path] | None, embedder: Embedder | None, progress: bool, fresh: bool
) -> IngestReport:
    started = time.perf_counter()
    # The model is loaded only when something is to be embedded; its name is known before.
    model = embedder.name if embedder is not None else MiniLMEmbedder.name
    roots = [Path(p).resolve() for p in (paths if paths is not None else [settings.sources])]
    with exclusive_lock(
        settings.home / ".ingest.lock",
        f"another `kb ingest` is running on {settings.home}; wait for it to finish",
    ):
        try:
            current = settings.pinned()
        except KbError:
            if not fresh:
                raise  # an unreadable pointer: the message says to rebuild
            current = dataclasses.replace(settings, generation="")
        previous = Previous({}, {}, None, False) if fresh else Previous.read(current, model)
        # A rebuild (asked for, or a new model or format) goes into a new generation beside the
        # index in use, which keeps answering until the switch; an update works in place.
        target = new_generation(settings) if not previous.compatible else current
        if (
            target is not current
            and current.manifest_path.exists()
            and settings.sources.resolve() not in roots
        ):
            roots.append(settings.sources.resolve())  # what replaces an index still holds the corpus
        files, parsed, found, errors = _read_files(target, roots, previous, progress)
        if target is current and not parsed and not errors and files == previous.files:
            # Nothing changed: the index stays as it is, without opening the store or the model
            # (importing Chroma alone costs more than the whole check). What opening it would
            # have told is checked cheaply: the index can be written, the store's file is one.
            _check_untouched(target)
            clean_generations(settings)
            report = IngestReport(
                files=len(found),
                changed=0,
                added=0,
                updated=0,
                removed=0,
                unchanged=len(previous.records),
                embedded=0,
                errors=tuple(errors),
                seconds=round(time.perf_counter() - started, 3),
            )
            log.info("ingest: %s", report.summary())
            return report
        store = ChunkStore(target, create=True)

        # What the index should hold now, and what must be embedded or re-stored for it.
        wanted: dict[str, Chunk] = {}
        for path, state in files.items():
            for chunk in parsed.get(path) or [Chunk.from_dict(previous.records[c]) for c in state.chunks]:
                wanted.setdefault(chunk.id, chunk)
        prints = {cid: _fingerprints(chunk) for cid, chunk in wanted.items()}
        stored = store.ids()
        to_embed: list[Chunk] = []
        to_restore: list[Chunk] = []
        for cid, chunk in wanted.items():
            record = previous.records.get(cid, {})
            if cid not in stored or record.get("embedded") != prints[cid][0]:
                to_embed.append(chunk)
            elif record.get("fingerprint") != prints[cid][1]:
                to_restore.append(chunk)
        if to_embed and embedder is None:
            embedder = indexing_embedder(settings, len(to_embed))
            if embedder.name != model:  # the index records the model by name
                raise KbError(
                    f"the embedding model is {embedder.name!r}, not {model!r}; run `kb ingest --rebuild`"
                )
        vectors = _embed(to_embed, embedder, progress) if embedder is not None else {}
        vectors.update(store.stored_vectors([c.id for c in to_restore]))

        # Commit: new vectors, then the keyword index (its header replaced in one rename), then
        # stale vectors dropped, then the manifest. Until the keyword header is replaced, the
        # retriever sees the previous index; a crash before the manifest is written leaves the
        # previous manifest, so the next ingest reads the changed files again and finishes.
        changed = [*to_embed, *to_restore]
        store.delete([c.id for c in changed if c.id in stored])
        store.add(changed, [vectors[c.id] for c in changed])
        write_keyword_index(
            target,
            {
                "format": INDEX_FORMAT,
                "embedder": model,
                "tokenizer": TOKENIZER_VERSION,
                "lexicon": sorted({tuple(pair) for state in files.values() for pair in state.lexicon}),
            },
            list(wanted.values()),
            prints,
            {cid: _tokens(chunk, prints[cid][1], previous) for cid, chunk in wanted.items()},
        )
        store.delete(sorted(stored - set(wanted)))
        write_json_atomic(
            target.manifest_path,
            {
                "format": INDEX_FORMAT,
                "embedder": model,
                "files": {p: dataclasses.asdict(s) for p, s in sorted(files.items())},
            },
        )
        if target is not current:
            switch_to(target, previous=str(current.generation))
        clean_generations(settings)

    added, updated, removed, unchanged = _classify(previous.records, wanted, prints)
    report = IngestReport(
        files=len(found),
        changed=len(parsed),
        added=added,
        updated=updated,
        removed=removed,
        unchanged=unchanged,
        embedded=len(to_embed),
        errors=tuple(errors),
        seconds=round(time.perf_counter() - started, 3),
        runtime=str(getattr(embedder, "runtime", type(embedder).__name__)) if to_embed else "",
    )
    log.info("ingest: %s", report.summary())
    return report


#: The first bytes of every SQLite database file (the embedded Chroma store is one).
_SQLITE_HEADER = b"SQLite format 3\x00"


def _check_untouched(settings: Settings) -> None:
    """What an ingest that changes nothing must still report: an index folder it could not write
    and an embedded store that would not open."""
    folder = settings.index_path
    if not os.access(folder, os.W_OK):
        raise PermissionError(13, "Permission denied", str(folder))
    if settings.chroma_url:
        return
    database = settings.chroma_path / "chroma.sqlite3"
    try:
        with database.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        header = b""
    if header != _SQLITE_HEADER:
        problem = "file is not a database" if header else "its database file is missing"
        raise KbError(
            f"vector store at {settings.home}: cannot open the store ({problem}: {database}); "
            "run `kb ingest --rebuild` to build it again"
        )


def _tokens(chunk: Chunk, fingerprint: str, previous: Previous) -> list[str]:
    """A chunk's keyword tokens: the stored ones while the chunk and the tokenizer are unchanged."""
    record = previous.records.get(chunk.id, {})
    if record.get("fingerprint") == fingerprint and previous.tokenizer == TOKENIZER_VERSION:
        return list(record["tokens"])
    return keyword_tokens(keyword_text(chunk))


def _read_files(
    settings: Settings, roots: list[Path], previous: Previous, progress: bool
) -> tuple[dict[str, FileState], dict[str, list[Chunk]], list[Path], list[str]]:
    """Parse what is new or changed under ``roots``; drop what is gone. A file that fails to
    parse keeps its previous state. Returns (files now indexed, new chunks by file, files found
    under ``roots``, problems)."""
    from tqdm import tqdm

    files = dict(previous.files)
    existing = [r for r in roots if r.exists()]
    found, errors = discover(existing)
    for root in roots:
        if not root.exists() and not any(_is_under(p, [root]) for p in files):
            errors.append(f"{root}: no such file or folder")
    present = {str(p) for p in found}
    # Files reached before through a link out of a folder (no longer followed) leave the index too.
    outside = {str(p) for p in outside_links(existing)}
    for gone in [p for p in files if p not in present and (_is_under(p, roots) or p in outside)]:
        del files[gone]
    hashes: dict[str, str] = {}
    for path in found:
        try:
            hashes[str(path)] = _checked_hash(path, settings)
        except ParseError as exc:  # unreadable or too large: skipped, its previous chunks kept
            log.warning("skipped %s", exc)
            errors.append(str(exc))
    todo = [
        p
        for p in found
        if str(p) in hashes
        and (
            str(p) not in files
            or files[str(p)].sha256 != hashes[str(p)]
            or any(c not in previous.records for c in files[str(p)].chunks)
        )
    ]
    owners = {state.document_id: path for path, state in files.items()}
    sources = settings.sources.resolve()
    # Official files first, so that their ids are taken before a user's file can claim one.
    todo.sort(key=lambda p: (not _is_under(str(p), [sources]), str(p)))
    parsed: dict[str, list[Chunk]] = {}
    for path in tqdm(todo, desc="parsing", unit="file", disable=not progress or not todo):
        try:
            doc = _parse(path, owners, settings, "official" if _is_under(str(path), [sources]) else "user")
        except ParseError as exc:
            log.warning("skipped %s", exc)
            errors.append(str(exc))
            continue
        chunks = chunk_document(doc, path=_label(path, settings))
        if len(chunks) > settings.max_chunks_per_file:
            problem = ParseError(
                str(path),
                f"{len(chunks)} chunks, over the limit of {settings.max_chunks_per_file} per file; "
                "split the file or raise KB_MAX_CHUNKS_PER_FILE",
            )
            log.warning("skipped %s", problem)
            errors.append(str(problem))
            continue
        owners[doc.id] = str(path)
        parsed[str(path)] = chunks
        pairs = [list(pair) for pair in lexicon(doc)]
        files[str(path)] = FileState(hashes[str(path)], doc.id, [c.id for c in chunks], pairs)
    return files, parsed, found, errors


def _embed(chunks: list[Chunk], embedder: Embedder, progress: bool) -> dict[str, list[float]]:
    from tqdm import tqdm

    # Ordered by length and handed over in groups: the embedder orders each group by token count,
    # batches it and runs its batches on every core (the ONNX embedder one per core, the torch one
    # spreading each over the cores). The bar shows chunks/s.
    ordered = sorted(chunks, key=lambda chunk: len(dense_text(chunk)))
    vectors: dict[str, list[float]] = {}
    with tqdm(total=len(ordered), desc="embedding", unit="chunk", disable=not progress or not ordered) as bar:
        for start in range(0, len(ordered), EMBED_GROUP):
            group = ordered[start : start + EMBED_GROUP]
            embedded = embedder.embed_documents([dense_text(c) for c in group])
            vectors.update(zip([c.id for c in group], embedded, strict=True))
            bar.update(len(group))
    return vectors


def _parse(path: Path, owners: dict[str, str], settings: Settings, trust: Trust) -> SourceDocument:
    """Parse ``path`` (``trust``: from ``sources/`` or not); a user document whose id another file
    already uses gets a longer one."""
    doc = parse_file(path, trust, max_unpacked_mb=settings.max_unpacked_mb)
    owner = owners.get(doc.id)
    if owner is None or owner == str(path):
        return doc
    if doc.meta.kind != "user":
        raise ParseError(str(path), f"document id {doc.id!r} is already used by {owner}")
    base = f"{doc.id}-{path.suffix.lstrip('.').lower()}"
    new_id, n = base, 1
    while new_id in owners and owners[new_id] != str(path):
        n += 1
        new_id = f"{base}-{n}"
    return dataclasses.replace(doc, id=new_id, meta=doc.meta.model_copy(update={"id": new_id}))


def _classify(
    before: dict[str, dict[str, Any]], after: dict[str, Chunk], prints: dict[str, tuple[str, str]]
) -> tuple[int, int, int, int]:
    """Count chunks added, updated, removed and unchanged, by place (document, locator, piece)."""

    def place(document_id: str, locator: str, metadata: dict[str, Any]) -> tuple[str, str, object]:
        return (document_id, locator, metadata.get("part", 1))

    old = {place(r["document_id"], r["locator"], r["metadata"]): r for r in before.values()}
    new = {place(c.document_id, c.locator, c.metadata): c for c in after.values()}
    added = sum(1 for key in new if key not in old)
    removed = sum(1 for key in old if key not in new)
    unchanged = sum(
        1
        for key, chunk in new.items()
        if key in old and old[key]["id"] == chunk.id and old[key].get("fingerprint") == prints[chunk.id][1]
    )
    updated = sum(1 for key in new if key in old) - unchanged
    return added, updated, removed, unchanged
