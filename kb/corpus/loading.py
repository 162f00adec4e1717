"""Load and validate the corpus folder: every file against the schema, ids, and the links between files."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import yaml
from pydantic import ValidationError

from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.markdown import error_lines, load_source, read_yaml, split_front_matter
from kb.corpus.schema import FrontMatter
from kb.corpus.topics import topic_problems
from kb.errors import SourceError

__all__ = ["load_corpus", "validate_corpus"]

log = logging.getLogger(__name__)

_NOT_THERE = ", which is not in the corpus"


def _source_paths(folder: Path) -> list[Path]:
    """Our Markdown files in ``folder`` and its sub-folders (``parties/``), READMEs and hidden ones aside."""
    return sorted(
        p
        for p in folder.rglob("*.md")
        if p.is_file()
        and p.name.lower() != "readme.md"
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def load_corpus(folder: Path) -> Corpus:
    """Load every Markdown file of ``folder``. A file with a problem is skipped, named and logged
    (``Corpus.skipped``); a link to a document that is not there (never was, or was skipped) is
    ignored and named, and its document keeps answering. A missing folder raises ``SourceError``:
    with no corpus at all nothing can be answered."""
    if not folder.is_dir():
        raise SourceError(str(folder), "corpus folder not found (set KB_SOURCES, or run kb ingest --rebuild)")
    docs, problems = _read(folder)
    dangling = [p for p in problems if p.problem.endswith(_NOT_THERE)]
    bad = {Path(p.path) for p in problems if p not in dangling}
    good = [doc for doc in docs if doc.path not in bad]
    known = {doc.id for doc in good}
    skipped = [f"{p} (file skipped)" for p in problems if p not in dangling]
    skipped += [
        f"{p} (link ignored)"
        for doc in good
        for p in _link_problems(doc, known)
        if p.problem.endswith(_NOT_THERE)
    ]
    for line in skipped:
        log.warning("%s", line)
    return Corpus(
        {doc.id: _without_dangling_links(doc, known) for doc in good},
        skipped=tuple(skipped),
        bad_files=tuple(sorted(str(path) for path in bad)),
    )


def _without_dangling_links(doc: SourceDocument, known: set[str]) -> SourceDocument:
    """``doc`` without its links to documents outside ``known``."""
    meta = doc.meta
    update: dict[str, object] = {}
    if any(rel.target not in known for rel in meta.relations):
        update["relations"] = [rel for rel in meta.relations if rel.target in known]
    if any(e.by is not None and e.by not in known for e in meta.status_history):
        update["status_history"] = [
            e if e.by is None or e.by in known else e.model_copy(update={"by": None})
            for e in meta.status_history
        ]
    if any(i.governed_by is not None and i.governed_by not in known for i in meta.items):
        update["items"] = [
            i
            if i.governed_by is None or i.governed_by in known
            else i.model_copy(update={"governed_by": None})
            for i in meta.items
        ]
    if any(basis not in known for basis in meta.legal_basis):
        update["legal_basis"] = [basis for basis in meta.legal_basis if basis in known]
    if not update:
        return doc
    return dataclasses.replace(doc, meta=meta.model_copy(update=update))


def validate_corpus(folder: Path) -> list[SourceError]:
    """Check every corpus file, the links between them and the topics file; return all problems found."""
    docs, problems = _read(folder)
    if not problems:
        problems = topic_problems(folder, Corpus({doc.id: doc for doc in docs}))
    return problems


def _read(folder: Path) -> tuple[list[SourceDocument], list[SourceError]]:
    """Every file of ``folder`` read once: the documents, and every problem found in them."""
    if not folder.is_dir():
        return [], [SourceError(str(folder), "corpus folder not found")]
    problems: list[SourceError] = []
    docs: list[SourceDocument] = []
    for path in _source_paths(folder):
        try:
            doc = load_source(path)
        except SourceError as first:
            problems.extend(_all_problems(path) or [first])
            continue
        docs.append(doc)
        if doc.meta.kind != "user" and doc.id != path.stem:
            problems.append(SourceError(str(path), f"id {doc.id!r} does not match the file name", "id"))
    seen: dict[str, Path] = {}
    # The file named after an id keeps it; another file claiming the same id is the problem.
    for doc in sorted(docs, key=lambda d: d.id != d.path.stem):
        if doc.id in seen:
            problems.append(
                SourceError(str(doc.path), f"id {doc.id!r} is also used by {seen[doc.id].name}", "id")
            )
        seen.setdefault(doc.id, doc.path)
    for doc in docs:
        problems.extend(_link_problems(doc, set(seen)))
    return docs, problems


def _all_problems(path: Path) -> list[SourceError]:
    """Every schema problem of a file, not just the first (for ``kb validate``)."""
    try:
        header, _ = split_front_matter(path.read_text(encoding="utf-8"))
        raw = read_yaml(header) if header else None
        if isinstance(raw, dict):
            FrontMatter.model_validate(raw)
    except ValidationError as exc:
        return error_lines(path, exc)
    except (OSError, ValueError, yaml.YAMLError):
        return []
    return []


def _link_problems(doc: SourceDocument, known: set[str]) -> list[SourceError]:
    meta = doc.meta
    links: list[tuple[str, str | None]] = []
    links += [(f"status_history.{i}.by", entry.by) for i, entry in enumerate(meta.status_history)]
    links += [(f"relations.{i}.target", rel.target) for i, rel in enumerate(meta.relations)]
    links += [(f"items.{i}.governed_by", item.governed_by) for i, item in enumerate(meta.items)]
    links += [(f"legal_basis.{i}", basis) for i, basis in enumerate(meta.legal_basis)]
    problems = [
        SourceError(str(doc.path), f"names document {target!r}{_NOT_THERE}", where)
        for where, target in links
        if target is not None and target not in known
    ]
    refs = [(f"roles.{role}", ref) for role, ref in meta.roles.items()]
    refs += [(f"fines.{i}.ref", rule.ref) for i, rule in enumerate(meta.fines)]
    problems += [
        SourceError(str(doc.path), f"names provision {ref!r}, which has no '## {ref}' section", where)
        for where, ref in refs
        if doc.section(ref) is None
    ]
    for i, rel in enumerate(meta.relations):
        if rel.start and rel.until and rel.until < rel.start:
            problems.append(SourceError(str(doc.path), "'until' is before 'from'", f"relations.{i}.until"))
    if meta.kind != "user" and not doc.sections:
        problems.append(
            SourceError(str(doc.path), "the body has no '## <locator>' provision sections", "body")
        )
    if meta.kind != "user" and not doc.summary:
        problems.append(
            SourceError(str(doc.path), "the body has no summary before the first section", "body")
        )
    return problems
