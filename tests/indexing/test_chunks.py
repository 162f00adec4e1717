"""Chunks follow the document's structure; long text splits on safe boundaries only."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.corpus.parsing import parse_file
from kb.corpus.schema import ItemSpec
from kb.indexing.chunks import (
    ITEM_COLUMNS,
    MAX_CHARS_ZH,
    Chunk,
    chunk_document,
    chunk_id,
    dense_text,
    keyword_text,
)
from kb.indexing.splitting import split_text
from tests.conftest import FIXTURES, SOURCES

FIXTURE_DOC = FIXTURES / "mofcom-fixture-2024-1.md"
META_KEYS = {
    "number", "number_zh", "title", "title_zh", "kind", "issued", "effective", "url", "families",
    "lang", "confidence", "path", "status", "part", "order",
}  # fmt: skip


def fixture_chunks() -> list[Chunk]:
    return chunk_document(parse_file(FIXTURE_DOC), path="tests/fixtures/mofcom-fixture-2024-1.md")


def test_our_document_chunks_in_reading_order() -> None:
    chunks = fixture_chunks()
    assert [c.locator for c in chunks] == [
        "Summary", "摘要", "Art. 1", "Art. 1", "Art. 2", "Items", "Status history",
    ]  # fmt: skip
    assert [c.lang for c in chunks] == ["en", "zh", "en", "zh", "en", "en", "en"]
    english, chinese = chunks[2], chunks[3]
    assert "### 中文" not in english.text and chinese.text.startswith("下列物项须凭两用物项出口许可证")
    assert {c.document_id for c in chunks} == {"mofcom-fixture-2024-1"}
    assert [c.metadata["order"] for c in chunks] == list(range(len(chunks)))


def test_metadata_carries_the_document_facts() -> None:
    chunk = fixture_chunks()[2]
    assert set(chunk.metadata) == META_KEYS
    assert all(isinstance(v, str | int | float | bool) for v in chunk.metadata.values())
    assert chunk.metadata["number"] == "MOFCOM Fixture Announcement No. 1 of 2024"
    assert chunk.metadata["title_zh"] == "关于对钨测试物项实施出口管制的公告（测试）"
    assert chunk.metadata["issued"] == "2024-03-01"
    assert chunk.metadata["effective"] == "2024-04-01"
    assert chunk.metadata["url"] == "https://example.org/fixture-zh"
    assert chunk.metadata["families"] == "tungsten"
    assert chunk.metadata["status"] == "in_force"
    assert chunk.metadata["kind"] == "announcement"
    assert chunk.metadata["path"] == "tests/fixtures/mofcom-fixture-2024-1.md"


def test_chunk_text_is_clean_and_context_is_added_for_indexing() -> None:
    summary_zh = fixture_chunks()[1]
    assert (
        summary_zh.text
        == "商务部决定自2024年4月1日起对两种钨测试物项实施出口管制。出口上述物项须申请两用物项出口许可证。"
    )
    art1 = fixture_chunks()[2]
    assert art1.text.startswith("The following items may be exported only under a dual-use export licence:")
    dense = dense_text(art1)
    assert dense.startswith("MOFCOM Fixture Announcement No. 1 of 2024 — Fixture Announcement")
    assert "(Art. 1)" in dense and dense.endswith(art1.text)
    keyword = keyword_text(art1)
    assert "商务部测试公告2024年第1号" in keyword and "关于对钨测试物项实施出口管制的公告" in keyword
    # The English-only model gets the glossary's English for a Chinese chunk.
    assert "tungsten" in dense_text(summary_zh) and "export licence" in dense_text(summary_zh)


def test_items_table_and_status_history() -> None:
    chunks = {c.locator: c for c in fixture_chunks()}
    items = chunks["Items"].text.split("\n")
    assert items[0] == "| " + " | ".join(ITEM_COLUMNS) + " |"
    assert items[2] == (
        "| Tungsten test powder | 钨测试粉末 | test tungsten powder, 测试钨粉 | 1C117.d.1 "
        "| 8101100001 | Art. 1(1) |"
    )
    assert chunks["Status history"].text == (
        "- 2024-03-01 — issued\n- 2024-04-01 — in force — The licence duty starts."
    )
    assert "Notes" not in chunks  # internal research notes are never indexed


def test_long_items_table_repeats_its_header_and_never_cuts_a_row() -> None:
    doc = parse_file(FIXTURE_DOC)
    items = [
        ItemSpec(
            name=f"Tungsten test item number {n}",
            name_zh=f"钨测试物项{n}",
            element="tungsten",
            family="tungsten",
            aliases=[f"alias {n}", f"another alias {n}"],
            kind="item",
            control_code=f"1C117.{n}",
            hs_codes=["8101100001", "8101940001"],
            ref=f"Art. 1({n})",
        )
        for n in range(40)
    ]
    doc = dataclasses.replace(doc, meta=doc.meta.model_copy(update={"items": items}))
    pieces = [c for c in chunk_document(doc) if c.locator == "Items"]
    assert len(pieces) > 3
    assert [c.metadata["part"] for c in pieces] == list(range(1, len(pieces) + 1))
    header = pieces[0].text.split("\n")[:2]
    rows: list[str] = []
    for piece in pieces:
        lines = piece.text.split("\n")
        assert lines[:2] == header
        assert len(piece.text) <= 1000
        rows.extend(lines[2:])
    assert len(rows) == 40 and all(re.fullmatch(r"\| Tungsten test item number \d+ \|.*\|", r) for r in rows)


def test_user_documents_chunk_by_section() -> None:
    chunks = chunk_document(parse_file(FIXTURES / "user-notes.md"))
    assert [c.locator for c in chunks] == ["Text", "Licensing", "Customs"]
    assert {c.metadata["kind"] for c in chunks} == {"user"}
    zh = chunk_document(parse_file(FIXTURES / "chinese-notice.txt"))
    assert [c.lang for c in zh] == ["zh"]


def test_ids_are_content_hashes() -> None:
    chunks = fixture_chunks()
    for chunk in chunks:
        assert chunk.id == chunk_id(chunk.document_id, chunk.locator, chunk.text)
    assert [c.id for c in fixture_chunks()] == [c.id for c in chunks]
    assert chunk_id("a", "Art. 1", "text") != chunk_id("a", "Art. 2", "text")
    assert chunk_id("a", "Art. 1", "text") != chunk_id("b", "Art. 1", "text")
    assert chunk_id("a", "Art. 1", "text") != chunk_id("a", "Art. 1", "text.")


def test_chunk_is_frozen_hashable_and_round_trips() -> None:
    chunk = fixture_chunks()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        chunk.text = "changed"  # type: ignore[misc]
    assert hash(chunk) == hash(Chunk.from_dict(chunk.to_dict()))
    assert Chunk.from_dict(chunk.to_dict()) == chunk


def test_every_corpus_document_chunks_cleanly() -> None:
    from kb.corpus.loading import load_corpus

    corpus = load_corpus(SOURCES)
    seen: set[str] = set()
    for doc in corpus:
        chunks = chunk_document(doc)
        locators = [c.locator for c in chunks]
        assert locators[0] == "Summary" and "摘要" in locators, doc.id
        assert {s.locator for s in doc.sections} <= set(locators)
        for chunk in chunks:
            assert chunk.text.strip() and chunk.id not in seen
            seen.add(chunk.id)


# --- splitting ----------------------------------------------------------------------------------


def test_short_text_is_one_piece() -> None:
    assert split_text("One sentence.", 100) == ["One sentence."]
    assert split_text("   ", 100) == []


def test_splits_on_sentences_but_not_after_abbreviations() -> None:
    text = " ".join(f"Sentence {n} refers to Art. {n} of the law and No. {n} of the list." for n in range(20))
    pieces = split_text(text, 200)
    assert len(pieces) > 1
    for piece in pieces:
        assert len(piece) <= 200
        assert piece.startswith("Sentence ") and piece.endswith("of the list.")


def test_chinese_splits_on_chinese_punctuation() -> None:
    sentences = ["第一条规定出口须申请许可证。", "第二条规定审查期限！", "第三条规定什么？", "第四条；"] * 30
    pieces = split_text("".join(sentences), MAX_CHARS_ZH)
    assert len(pieces) > 1
    for piece in pieces:
        assert len(piece) <= MAX_CHARS_ZH
        assert piece[-1] in "。！？；"


blocks = st.lists(
    st.one_of(
        st.tuples(st.just("para"), st.text(alphabet="abc def.", min_size=1, max_size=300)),
        st.tuples(st.just("item"), st.text(alphabet="xyz ", min_size=1, max_size=150)),
        st.tuples(
            st.just("table"), st.lists(st.text(alphabet="0123456789", min_size=1, max_size=40), max_size=12)
        ),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(blocks, st.integers(min_value=80, max_value=400))
def test_split_never_cuts_list_items_or_table_rows(parts: list[tuple[str, object]], limit: int) -> None:
    lines: list[str] = []
    items: list[str] = []
    rows: list[str] = []
    for n, (kind, body) in enumerate(parts):
        if kind == "para":
            lines += [f"Paragraph {n}: {str(body).strip() or 'x'}", ""]
        elif kind == "item":
            item = f"- item {n} {str(body).strip()} end{n}"
            items.append(item)
            lines += [item, ""]
        else:
            table_rows = [f"| t{n}r{i} | {cell} |" for i, cell in enumerate(body)]  # type: ignore[arg-type]
            rows += table_rows
            lines += [f"| head{n} | value |", "|---|---|", *table_rows, ""]
    text = "\n".join(lines)
    pieces = split_text(text, limit)
    joined = "\n".join(pieces)
    for item in items:
        assert sum(item in piece for piece in pieces) == 1, item
    for row in rows:
        assert any(row in piece.split("\n") for piece in pieces), row
        table = row.split(" ")[1].split("r")[0].lstrip("t")
        for piece in pieces:
            if row in piece.split("\n"):
                assert f"| head{table} | value |" in piece  # the header travels with its rows
    for piece in pieces:
        assert len(piece) <= limit or piece.count("\n") <= 3 or piece.startswith("| head")
    assert re.sub(r"\s+", "", joined).count("Paragraph") == text.count("Paragraph")
