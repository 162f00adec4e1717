"""Our corpus Markdown: ``---``-fenced YAML front matter, a summary, one ``##`` section per provision.

A Markdown file without front matter is a user document (id from its file name, title from its first
heading). Other formats are read by :mod:`kb.corpus.parsing`.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from kb.corpus.documents import Section, SourceDocument, user_document
from kb.corpus.schema import FrontMatter
from kb.errors import SourceError
from kb.files import decode_text

__all__ = ["error_lines", "load_source", "read_yaml", "split_front_matter", "split_sections"]


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Split ``---``-fenced YAML front matter from a Markdown body; ``None`` when there is none."""
    if not text.startswith("---"):
        return None, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, text
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :])
    raise ValueError("front matter opened with '---' is never closed")


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


#: The heading inside a ``##`` section of ours under which its Chinese text follows.
ZH_HEADING = "### 中文"


def split_sections(body: str, bilingual: bool = False) -> tuple[str, str | None, list[Section]]:
    """Split a Markdown body into (preamble, first ``#`` title, ``##`` sections).

    The preamble is the text before the first ``##`` heading, the title line removed. Deeper
    headings (``###``) stay inside their section's text; with ``bilingual`` (our corpus files), the
    text after a section's ``### 中文`` line is its Chinese text.
    """
    title: str | None = None
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1 and title is None and not sections:
            title = match.group(2)
            continue
        if match and len(match.group(1)) == 2:
            sections.append((match.group(2), []))
            continue
        (sections[-1][1] if sections else preamble).append(line)
    return "\n".join(preamble).strip(), title, [_section(loc, lines, bilingual) for loc, lines in sections]


def _section(locator: str, lines: list[str], bilingual: bool) -> Section:
    if bilingual:
        for i, line in enumerate(lines):
            if line.strip() == ZH_HEADING:
                english, chinese = "\n".join(lines[:i]).strip(), "\n".join(lines[i + 1 :]).strip()
                return Section(locator, english, chinese or None)
    return Section(locator, "\n".join(lines).strip())


# libyaml's parser when PyYAML is built with it: the corpus's front matter loads ~8x faster, which
# is most of a cold `kb ask`.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """YAML loader that leaves dates as text, so pydantic checks them and names the field."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(text: str) -> object:
    return yaml.load(text, Loader=_Loader)


def error_lines(path: Path, exc: ValidationError) -> list[SourceError]:
    problems = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or None
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (check its spelling against the schema in sources/README.md)"
        problems.append(SourceError(str(path), message, where))
    return problems


def load_source(path: Path) -> SourceDocument:
    """Load one Markdown corpus file; raises ``SourceError`` naming the file and field."""
    try:
        text = decode_text(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise SourceError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise SourceError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        header, body = split_front_matter(text)
    except ValueError as exc:
        raise SourceError(str(path), str(exc), "front matter") from exc
    preamble, title, sections = split_sections(body, bilingual=header is not None)
    if header is None:
        return user_document(path, title, preamble, sections)
    try:
        raw = read_yaml(header)
    except yaml.YAMLError as exc:
        raise SourceError(str(path), f"front matter is not valid YAML: {exc}", "front matter") from exc
    if not isinstance(raw, dict):
        raise SourceError(str(path), "front matter must be a YAML mapping", "front matter")
    try:
        meta = FrontMatter.model_validate(raw)
    except ValidationError as exc:
        problems = error_lines(path, exc)
        raise problems[0] from exc
    return SourceDocument(id=meta.id, path=path, meta=meta, summary=preamble, sections=tuple(sections))


def load_user_markdown(path: Path, text: str) -> SourceDocument:
    """A user's Markdown file: its front matter is metadata only (a ``title`` at most), never rules.

    Whatever items, statuses, relations or ids the front matter claims, the document is a ``user``
    document: its id comes from the file name and it defines nothing the verdicts rest on.
    """
    try:
        header, body = split_front_matter(text)
    except ValueError:
        header, body = None, text
    claimed: object = None
    if header is not None:
        try:
            raw = read_yaml(header)
        except yaml.YAMLError:
            raw = None
        claimed = raw.get("title") if isinstance(raw, dict) else None
    preamble, title, sections = split_sections(body)
    shown = claimed if isinstance(claimed, str) and claimed.strip() else title
    return user_document(path, shown, preamble, sections)
