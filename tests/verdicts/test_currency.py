"""Current and traceable: the 2026 customs codes, lapsed and scheduled ends said plainly, the state of
a suspension document after its end, the freshness report and which links are the issuer's own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kb.answering.knowledge import KnowledgeBase
from kb.answering.wording import headline, lapsed_sentence, say, verdict_when
from kb.cli import main
from kb.config import Settings
from kb.corpus.links import choose_link
from kb.verdicts.freshness import freshness
from tests.conftest import WordOverlapSearcher

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase()


def _tariff(shared_dir: Path) -> list[dict[str, object]]:
    path = shared_dir / "facts" / "tariff-2026.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is not beside the checkout")
    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


#: Lists that repeat the announcements' items (the 2024 consolidated list and the 2026 catalogue): a code
#: of theirs finds the announcement's own item, which carries it too.
REPEATING = {"mofcom-miit-gac-sca-2024-51", "mofcom-gac-2025-91"}


def test_every_2026_code_of_the_tariff_file_looks_up_to_its_item(
    base: KnowledgeBase, shared_dir: Path
) -> None:
    checked = 0
    for entry in _tariff(shared_dir):
        for code in entry["hs_codes_2026"]:  # type: ignore[attr-defined]
            results = base.lookup(str(code), as_of="2026-06-01")
            where = (entry["document"], entry["ref"], code)
            assert results, where
            # Every item found carries the code: a code never finds an item (or family) it does not name.
            assert all(code in (*r.match.item.hs_codes, *r.match.item.hs_codes_2026) for r in results), where
            if entry["document"] not in REPEATING:
                own = [(r.match.item.document_id, r.match.item.ref) for r in results]
                assert (entry["document"], entry["ref"]) in own, where
            checked += 1
    assert checked > 100


def test_a_code_not_held_is_not_listed_with_related_codes_never_a_match(base: KnowledgeBase) -> None:
    # 2850001999: same heading as gallium nitride's 2850001901, but no list holds it.
    assert base.lookup("2850001999", as_of="2026-06-01") == []
    related = base.related_codes("2850001999")
    assert related and all(code.startswith("285000") for code, _ in related)
    result = CliRunner().invoke(main, ["lookup", "2850001999", "--as-of", "2026-06-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["verdict"] == "not_listed" and data["matches"] == []
    assert {r["hs_code"] for r in data["related"]} >= {"2850001901"}
    text = CliRunner().invoke(main, ["lookup", "2850001999", "--as-of", "2026-06-01"]).output
    assert text.startswith("As of 2026-06-01: not listed")
    assert "Related codes of the same heading (not a match" in text


def test_a_2026_code_says_where_it_comes_from(base: KnowledgeBase) -> None:
    text = CliRunner().invoke(main, ["lookup", "3818009020", "--as-of", "2026-06-01"]).output
    assert "Gallium nitride" in text
    assert "matched HS 3818009020, a code of the 2026 catalogue" in text
    assert "verdict as of 2026-06-01: licence required" in text


@pytest.mark.parametrize(
    ("day", "value"),
    [("2026-11-26", "licence_required"), ("2026-11-27", "licence_required"), ("2026-11-28", "uncertain")],
)
def test_the_us_rule_for_antimony_before_on_and_after_its_end(
    base: KnowledgeBase, day: str, value: str
) -> None:
    verdict = base.lookup("antimony oxide", as_of=day, destination="US")[0].verdict
    assert verdict.value == value
    words = headline(verdict, False, "en")
    if value == "uncertain":
        assert "that part is certain" in words and "since the end of its suspension on" in words
        assert "holds no official text" in words
        assert verdict_when(verdict) == "suspension ended 2026-11-27; nothing held since"
        zh = headline(verdict, False, "zh")
        assert "这一点是确定的" in zh and "没有任何官方文本" in zh
    else:
        # While the US rule is suspended, the licence duty stands and nothing is said to be unknown.
        assert "unknown" not in words and "nothing held since" not in verdict_when(verdict)


@pytest.mark.parametrize(
    ("day", "lapsed"), [("2026-11-09", False), ("2026-11-10", False), ("2026-11-11", True)]
)
def test_the_rare_earth_suspension_before_on_and_after_its_end(
    base: KnowledgeBase, day: str, lapsed: bool
) -> None:
    (result,) = base.lookup("holmium oxide", as_of=day)[:1]
    assert (result.verdict.value == "uncertain") is lapsed
    if not lapsed:
        assert result.verdict.value == "suspended" and result.verdict.until == D("2026-11-10")
    else:
        texts = [say(r, base.corpus, "en") for r in result.verdict.reasons]
        assert any("holds no official text" in t for t in texts), texts


def test_a_suspension_document_has_ended_after_its_end(base: KnowledgeBase) -> None:
    assert base.timeline.state("mofcom-2025-72", D("2026-11-20")).state == "in_force"
    after = base.timeline.state("mofcom-2025-72", D("2026-11-28"))
    assert after.state == "ended"


def test_freshness_names_the_lapsed_ends_and_the_unconfirmed_facts(base: KnowledgeBase) -> None:
    before = freshness(base.corpus, base.timeline, D("2026-11-01"))
    after = freshness(base.corpus, base.timeline, D("2026-12-01"))
    assert not before.lapsed and before.scheduled
    ends = {(e.document_id, e.until) for e in after.lapsed}
    assert ("mofcom-2025-72", D("2026-11-27")) in ends
    assert ("mofcom-gac-2025-70", D("2026-11-10")) in ends
    assert any(u.document_id == "mofcom-gac-2025-91" for u in after.unconfirmed)
    sentence = lapsed_sentence(
        next(e for e in after.lapsed if e.document_id == "mofcom-2025-72"), base.corpus, "en"
    )
    assert "27 November 2026" in sentence and "holds no official text" in sentence
    assert "mofcom-2025-72" not in sentence


def test_kb_status_reports_in_both_forms() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["status", "--as-of", "2026-12-01"])
    assert text.exit_code == 0, text.output
    assert "Fixed end dates passed with no later official text held:" in text.output
    assert "ran until 27 November 2026" in text.output
    data = json.loads(runner.invoke(main, ["status", "--as-of", "2026-11-01", "--json"]).output)
    assert data["as_of"] == "2026-11-01" and data["documents"] >= 60
    assert data["lapsed"] == [] and data["scheduled"]
    zh = runner.invoke(main, ["status", "--as-of", "2026-12-01", "--lang", "zh"]).output
    assert "暂停" in zh


def test_links_say_whether_they_are_the_issuers_page(base: KnowledgeBase) -> None:
    official = choose_link(["https://www.mofcom.gov.cn/a.html"], ["https://www.reuters.com/x"])
    assert official is not None and official.official
    copy = choose_link(
        [None], ["https://github.com/x/y", "https://www.reuters.com/x", "http://blog.example/x"]
    )
    assert copy is not None and not copy.official and copy.url == "https://www.reuters.com/x"
    assert choose_link([None, None], []) is None
    kinds = {doc.link.official for doc in base.corpus if doc.link is not None}
    assert kinds == {True, False}
    searching = KnowledgeBase(Settings(), searcher=WordOverlapSearcher())
    answer = searching.answer("Do I need a licence for gallium nitride?", as_of="2026-06-01")
    data = answer.to_dict()
    for c in data["citations"]:  # type: ignore[union-attr]
        assert c["link"] in ("official", "secondary", None) and c["trust"] == "official"
