"""The feedback log: complete records, appended durably, never rewritten, safe across processes."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest

from kb.answering.records import Answer, Citation
from kb.app.feedback import FeedbackLog, FeedbackRecord, corpus_version, index_version
from kb.corpus.loading import load_corpus
from kb.errors import KbError, QueryError
from tests.conftest import SOURCES


def _answer() -> Answer:
    citation = Citation(
        n=1,
        document_id="mofcom-gac-2023-23",
        number="MOFCOM & GAC Announcement No. 23 of 2023",
        number_zh="商务部 海关总署公告2023年第23号",
        title="Announcement on Implementing Export Control on Gallium and Germanium Related Items",
        title_zh="关于对镓、锗相关物项实施出口管制的公告",
        locator="Art. 1(1)2",
        issued=dt.date(2023, 7, 3),
        effective=dt.date(2023, 8, 1),
        status="in force",
        url=None,
        text="Gallium nitride (氮化镓); control code 3C001.b",
    )
    return Answer(
        question="Do I need a licence to export gallium nitride?",
        verdict="licence_required",
        text="As of 2026-11-22: licence required. [1]",
        citations=(citation,),
        as_of=dt.date(2026, 11, 22),
        lang="en",
        destination="US",
    )


def _record(rating: str = "up", comment: str = "") -> FeedbackRecord:
    return FeedbackRecord.for_answer(_answer(), rating, comment, "corpus123", "index456", user="alice")


def test_a_record_holds_what_an_audit_needs(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.append(_record("down", "  wrong date  "))
    (stored,) = list(log.records())
    assert stored["rating"] == "down" and stored["comment"] == "wrong date" and stored["user"] == "alice"
    assert stored["question"] == "Do I need a licence to export gallium nitride?"
    assert stored["answer"] == "As of 2026-11-22: licence required. [1]"
    assert (stored["verdict"], stored["as_of"]) == ("licence_required", "2026-11-22")
    assert stored["destination"] == "US"
    assert (stored["corpus_version"], stored["index_version"]) == ("corpus123", "index456")
    citation = stored["citations"][0]  # type: ignore[index]
    assert (citation["document_id"], citation["locator"]) == ("mofcom-gac-2023-23", "Art. 1(1)2")
    assert str(stored["recorded_at"]).endswith("Z") and len(str(stored["id"])) == 32


def test_a_record_can_be_made_from_an_answer_dict() -> None:
    from_dict = FeedbackRecord.for_answer(_answer().to_dict(), "up", "", "c", "i")
    from_answer = FeedbackRecord.for_answer(_answer(), "up", "", "c", "i")
    assert {**from_dict.to_dict(), "id": "", "recorded_at": ""} == {
        **from_answer.to_dict(),
        "id": "",
        "recorded_at": "",
    }


@pytest.mark.parametrize(
    ("rating", "comment", "message"),
    [("maybe", "", "'up' or 'down'"), ("up", "x" * 4001, "the limit is 4000")],
)
def test_bad_feedback_is_refused(rating: str, comment: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        FeedbackRecord.for_answer(_answer(), rating, comment, "c", "i")


def test_the_log_survives_a_restart_and_only_grows(tmp_path: Path) -> None:
    path = tmp_path / "home" / "feedback.jsonl"
    FeedbackLog(path).append(_record("up"))
    before = path.read_bytes()
    restarted = FeedbackLog(path)  # a new process would build a new log object on the same file
    restarted.append(_record("down"))
    after = path.read_bytes()
    assert after.startswith(before)
    assert [r["rating"] for r in restarted.records()] == ["up", "down"]
    assert len(restarted) == 2


def test_existing_content_is_never_truncated_even_a_damaged_line(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    damaged = b'{"rating": "up"}\n{"rating": "do'  # a line cut short by a crash
    path.write_bytes(damaged)
    log = FeedbackLog(path)
    log.append(_record("down"))
    data = path.read_bytes()
    assert data.startswith(damaged)
    assert json.loads(data.split(b"\n")[-2])["rating"] == "down"  # the new record is on a line of its own
    with pytest.raises(KbError, match=r"feedback.jsonl: line 2 is not a JSON record"):
        list(log.records())


def test_every_append_is_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.append(_record())
    assert len(synced) == 2  # the file, and its folder the first time (so the new file itself is durable)
    log.append(_record())
    assert len(synced) == 3


def test_an_unwritable_log_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "feedback.jsonl"
    folder.mkdir()  # a folder where the file should be
    with pytest.raises(KbError, match="cannot write the feedback log"):
        FeedbackLog(folder).append(_record())


def _append_many(path: str, count: int) -> None:
    log = FeedbackLog(Path(path))
    for i in range(count):
        log.append(_record("up" if i % 2 else "down", f"worker {os.getpid()} #{i} " + "x" * 3000))


def test_several_processes_append_without_mixing_lines(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(path), 25)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    records = list(FeedbackLog(path).records())
    assert len(records) == 100
    assert len({r["id"] for r in records}) == 100


def test_corpus_version_follows_the_content(tmp_path: Path) -> None:
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    first = corpus_version(load_corpus(copy))
    assert first == corpus_version(load_corpus(copy)) and len(first) == 12
    target = next(p for p in sorted(copy.glob("*.md")) if p.name != "README.md")
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert corpus_version(load_corpus(copy)) != first


def test_index_version_follows_the_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    assert index_version(manifest) == "none"
    manifest.write_text('{"files": {}}', encoding="utf-8")
    first = index_version(manifest)
    manifest.write_text('{"files": {"a": 1}}', encoding="utf-8")
    assert index_version(manifest) not in (first, "none")
