"""The topics file: it loads, every provision it names exists, and a broken file is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.corpus.loading import load_corpus
from kb.corpus.topics import load_topics, topic_problems
from kb.errors import SourceError
from tests.conftest import SOURCES


def test_the_corpus_topics_load_and_point_at_real_provisions() -> None:
    topics = load_topics(SOURCES)
    assert len(topics) >= 30
    assert topic_problems(SOURCES, load_corpus(SOURCES)) == []
    for topic in topics:
        assert topic.summary_zh and topic.paraphrases_zh, topic.id


def _with_topics(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    (folder / "topics.yaml").write_text(text, encoding="utf-8")
    return folder


TOPIC = """
  - id: {id}
    name: Review time
    name_zh: 审查时限
    summary: MOFCOM decides within 45 working days.
    summary_zh: 商务部在45个工作日内作出决定。
    paraphrases: ["How long does review take?"]
    paraphrases_zh: [审查需要多久？]
    provisions:
      - {{document: {document}, ref: "{ref}"}}
"""


def test_a_missing_provision_and_a_repeated_id_are_named(tmp_path: Path) -> None:
    text = "topics:" + TOPIC.format(id="review", document="state-council-2024-792", ref="Art. 999")
    text += TOPIC.format(id="review", document="no-such-document", ref="Art. 1")
    folder = _with_topics(tmp_path, text)
    problems = topic_problems(folder, load_corpus(folder))
    messages = [str(p) for p in problems]
    assert any("Art. 999" in m and "topics.0.provisions.0" in m for m in messages), messages
    assert any("'review' is used twice" in m for m in messages), messages
    assert any("no-such-document" in m for m in messages), messages
    assert all("topics.yaml" in m for m in messages)


def test_a_malformed_topics_file_is_a_source_error_naming_the_field(tmp_path: Path) -> None:
    folder = _with_topics(tmp_path, "topics:\n  - id: x\n    name: only a name\n")
    with pytest.raises(SourceError) as caught:
        load_topics(folder)
    assert "topics.yaml" in str(caught.value) and "topics.0" in str(caught.value)
    broken = _with_topics(tmp_path / "b", "topics: [unclosed\n")
    with pytest.raises(SourceError, match="cannot read the topics"):
        load_topics(broken)


def test_no_topics_file_means_no_topics(tmp_path: Path) -> None:
    assert len(load_topics(tmp_path)) == 0
