"""Load and validate the corpus folder: every file against the schema, ids, and the links between files."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.markdown import error_lines, load_source, read_yaml, split_front_matter
from kb.corpus.schema import FrontMatter
from kb.corpus.topics import topic_problems
from kb.errors import SourceError

__all__ = ["load_corpus", "validate_corpus"]


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
    """Load every Markdown file of ``folder``; the first problem raises ``SourceError``."""
    docs, problems = _read(folder)
    if problems:
        raise problems[0]
    return Corpus({doc.id: doc for doc in docs})


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
    for doc in docs:
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
        SourceError(str(doc.path), f"names document {target!r}, which is not in the corpus", where)
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
