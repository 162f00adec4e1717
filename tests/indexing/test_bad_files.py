"""Bad input files during ingest: each is skipped and named with the reason, the rest is ingested;
a read-only KB_HOME is a clear message, never a traceback or the advice to delete it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kb.config import Settings
from kb.corpus.parsing import parse_file
from kb.errors import ParseError
from kb.indexing.ingest import ingest
from kb.indexing.manifest import Previous
from tests.conftest import FIXTURES, ROOT, CachingEmbedder, FakeEmbedder


def _documents(settings: Settings) -> set[str]:
    return {state.document_id for state in Previous.read(settings, FakeEmbedder()).files.values()}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURES, folder)
    return folder


def _without_file_permission_bypass(command: list[str]) -> list[str]:
    """``command`` run so that file permissions apply even to root (drops the capabilities that
    let root read and write any file)."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


def _run_ingest(settings: Settings, *paths: Path) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1])\n"
        "from kb.config import Settings; from kb.indexing.ingest import ingest\n"
        "from tests.conftest import FakeEmbedder\n"
        "paths = [Path(p) for p in sys.argv[4:]] or None\n"
        "report = ingest(Settings(home=Path(sys.argv[2]), sources=Path(sys.argv[3])), paths,"
        " embedder=FakeEmbedder(), progress=False)\n"
        "print('\\n'.join(report.errors)); print(report.summary())\n"
    )
    command = [sys.executable, "-c", script, str(ROOT), str(settings.home), str(settings.sources)]
    return subprocess.run(
        _without_file_permission_bypass([*command, *map(str, paths)]),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"},
    )


def test_links_out_of_the_folder_and_odd_files_are_skipped_and_named(docs: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("Private notes on cobalt.\n\nNot for the index.\n", encoding="utf-8")
    (docs / "mem.txt").symlink_to("/proc/self/mem")
    (docs / "secret.txt").symlink_to(outside / "secret.txt")
    (docs / "folder-link").symlink_to(outside, target_is_directory=True)
    (docs / "same.txt").symlink_to(docs / "notice.txt")  # inside the folder: the same file
    (docs / "gone.txt").symlink_to(docs / "missing.txt")
    os.mkfifo(docs / "pipe.txt")
    settings = Settings(home=tmp_path / "home", sources=docs)

    report = ingest(settings, embedder=FakeEmbedder(), progress=False)
    errors = "\n".join(report.errors)
    assert f"{docs / 'mem.txt'}: skipped: a symbolic link to /proc/" in errors
    assert f"{docs / 'secret.txt'}: skipped: a symbolic link to {outside / 'secret.txt'}, outside" in errors
    assert f"{docs / 'folder-link'}: skipped: a symbolic link to {outside}, outside" in errors
    assert f"{docs / 'gone.txt'}: skipped: a broken symbolic link" in errors
    assert f"{docs / 'pipe.txt'}: skipped: not a regular file" in errors
    assert report.skipped == 5 and report.files == 5  # the five fixtures, notice.txt once
    assert _documents(settings) == {"mofcom-fixture-2024-1", "notice", "chinese-notice", "page", "user-notes"}


def test_chunks_reached_through_a_link_out_of_the_folder_are_removed(docs: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text("Private notes on cobalt.\n\nNot for the index.\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", sources=docs)
    # What an earlier version left: the link's target indexed under its own path.
    assert ingest(settings, [docs, outside], embedder=FakeEmbedder(), progress=False).ok
    assert "secret" in _documents(settings)

    (docs / "secret.txt").symlink_to(outside)
    report = ingest(settings, embedder=FakeEmbedder(), progress=False)
    assert report.removed >= 1 and "secret" not in _documents(settings)


def test_an_unreadable_file_is_skipped_and_named_and_the_rest_ingested(docs: Path, tmp_path: Path) -> None:
    locked = docs / "locked.txt"
    locked.write_text("Notes nobody may read.\n", encoding="utf-8")
    locked.chmod(0)
    home = tmp_path / "home"
    home.mkdir()
    settings = Settings(home=home, sources=docs)

    done = _run_ingest(settings)
    assert done.returncode == 0, done.stderr
    assert f"{locked}: cannot parse: cannot read: Permission denied" in done.stdout
    assert "5 files" not in done.stdout and "(5 parsed, 1 skipped)" in done.stdout
    assert "user-notes" in _documents(settings) and "locked" not in _documents(settings)


@pytest.mark.slow
def test_a_read_only_home_is_a_clear_message_and_ask_does_not_advise_deleting_it(
    docs: Path, tmp_path: Path, session_embedder: CachingEmbedder
) -> None:
    settings = Settings(home=tmp_path / "home", sources=docs)
    assert ingest(settings, embedder=session_embedder, progress=False).ok
    folders = [settings.home, *[p for p in settings.home.rglob("*") if p.is_dir()]]
    for folder in folders:
        folder.chmod(0o555)
    try:
        env = {**os.environ, "KB_HOME": str(settings.home), "KB_SOURCES": str(docs), "HF_HUB_OFFLINE": "1"}
        kb = str(Path(sys.executable).with_name("kb"))
        for command in (["ingest", "-q"], ["ask", "Do I need a licence for tungsten powder?"]):
            done = subprocess.run(
                _without_file_permission_bypass([kb, *command]),
                capture_output=True,
                text=True,
                timeout=300,
                env=env,
            )
            output = done.stdout + done.stderr
            assert done.returncode == 1, output
            assert "Traceback" not in output and "delete" not in output
            assert "not writable" in output or "cannot write" in output, output
            assert "point KB_HOME at a writable folder" in output
    finally:
        for folder in folders:
            folder.chmod(0o755)


def test_a_utf16_markdown_file_reads_like_a_utf16_text_file(tmp_path: Path) -> None:
    text = "# Notes on tungsten\n\nTungsten powder needs a licence.\n"
    (tmp_path / "notes.md").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    (tmp_path / "notes.txt").write_bytes(text.encode("utf-16"))
    markdown = parse_file(tmp_path / "notes.md")
    assert markdown.title == "Notes on tungsten" and "Tungsten powder" in markdown.summary
    assert "Tungsten powder needs a licence." in parse_file(tmp_path / "notes.txt").summary


def _docx(document_xml: bytes) -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = document_xml if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def test_a_docx_that_unpacks_too_large_is_refused_before_unpacking(docs: Path, tmp_path: Path) -> None:
    body = b"<w:p><w:r><w:t>tungsten</w:t></w:r></w:p>" * 80_000  # ~3.5 MB unpacked, ~20 KB packed
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + body
        + b"</w:body></w:document>"
    )
    bomb = docs / "bomb.docx"
    bomb.write_bytes(_docx(xml))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ParseError, match="unpacks to 4 MB, over the limit of 2 MB; raise KB_MAX_UNPACKED_MB"):
        parse_file(bomb, max_unpacked_mb=2)
    assert "tungsten" in parse_file(bomb).summary  # under the default limit

    settings = Settings(home=tmp_path / "home", sources=docs, max_unpacked_mb=2)
    report = ingest(settings, embedder=FakeEmbedder(), progress=False)
    assert report.skipped == 1 and f"{bomb}: cannot parse: unpacks to 4 MB" in report.errors[0]
    assert "user-notes" in _documents(settings)


def test_a_file_over_the_size_limit_is_skipped_before_it_is_read(docs: Path, tmp_path: Path) -> None:
    big = docs / "big.txt"
    big.write_text("Gallium wafers need a licence.\n\n" * 40_000, encoding="utf-8")  # 1.2 MB
    settings = Settings(home=tmp_path / "home", sources=docs, max_file_mb=1)
    report = ingest(settings, embedder=FakeEmbedder(), progress=False)
    assert report.errors == (
        f"{big}: cannot parse: 1.2 MB, over the limit of 1 MB per file; "
        "split the file or raise KB_MAX_FILE_MB",
    )
    assert "user-notes" in _documents(settings) and "big" not in _documents(settings)


def test_a_file_of_too_many_chunks_is_skipped_and_named(docs: Path, tmp_path: Path) -> None:
    many = docs / "many.md"
    many.write_text(
        "# Many\n\n" + "".join(f"## Part {n}\n\nCobalt note {n}.\n\n" for n in range(30)), encoding="utf-8"
    )
    settings = Settings(home=tmp_path / "home", sources=docs, max_chunks_per_file=20)
    report = ingest(settings, embedder=FakeEmbedder(), progress=False)
    assert len(report.errors) == 1 and report.errors[0].startswith(f"{many}: cannot parse: ")
    assert (
        "chunks, over the limit of 20 per file; split the file or raise KB_MAX_CHUNKS_PER_FILE"
        in (report.errors[0])
    )
    assert "many" not in _documents(settings) and "user-notes" in _documents(settings)


def test_the_limits_are_settings() -> None:
    settings = Settings.from_env(
        {
            "KB_MAX_FILE_MB": "50",
            "KB_MAX_UNPACKED_MB": "300",
            "KB_MAX_CHUNKS_PER_FILE": "9000",
            "KB_MAX_HISTORY_KB": "64",
        }
    )
    assert (settings.max_file_mb, settings.max_unpacked_mb, settings.max_chunks_per_file) == (50, 300, 9000)
    assert settings.max_history_kb == 64
