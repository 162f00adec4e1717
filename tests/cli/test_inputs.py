"""What the CLI accepts and how it refuses: destinations in their common forms, China refused as a
destination, JSON errors for scripts, and the caveat of a date past what the documents cover."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kb.answering.knowledge import KnowledgeBase
from kb.cli import main
from kb.config import Settings
from kb.errors import QueryError
from kb.language.countries import check_country
from kb.verdicts.freshness import knowledge_limit
from tests.conftest import WordOverlapSearcher


@pytest.mark.parametrize("given", ["US", "us", "USA", "usa", "United States", "the United States", "美国"])
def test_a_destination_in_its_common_forms(given: str) -> None:
    assert check_country(given) == "US"


@pytest.mark.parametrize("given", ["CN", "cn", "China", "中国", "CHN", "PRC"])
def test_china_is_refused_as_a_destination(given: str) -> None:
    with pytest.raises(QueryError, match="China itself"):
        check_country(given)


def test_an_unknown_destination_says_what_is_expected() -> None:
    with pytest.raises(QueryError, match="ISO 3166 alpha-2 country code"):
        check_country("Atlantis")


def test_lookup_accepts_usa_and_reports_the_code() -> None:
    result = CliRunner().invoke(
        main, ["lookup", "antimony oxide", "--destination", "USA", "--as-of", "2025-01-10", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["destination"] == "US" and data["verdict"] == "prohibited"


def test_json_errors_are_json_and_plain_errors_are_one_line() -> None:
    runner = CliRunner()
    failed = runner.invoke(main, ["lookup", "gallium", "--destination", "CN", "--json"])
    assert failed.exit_code == 1
    data = json.loads(failed.stdout)
    assert data["kind"] == "QueryError" and "China itself" in data["error"]
    plain = runner.invoke(main, ["lookup", "gallium", "--destination", "CN"])
    assert plain.exit_code == 1 and plain.stderr.startswith("error: destination 'CN' is China itself")
    bad_date = runner.invoke(main, ["status", "--as-of", "2026-13-45", "--json"])
    assert bad_date.exit_code == 1 and "error" in json.loads(bad_date.stdout)


def test_a_date_past_the_documents_gets_that_caveat() -> None:
    base = KnowledgeBase(Settings(), searcher=WordOverlapSearcher())
    limit = knowledge_limit(base.corpus)
    assert limit is not None
    later = base.answer("Do I need a licence for gallium nitride?", as_of="2027-06-01")
    assert any("official documents run to" in c and limit.isoformat() in c for c in later.caveats)
    earlier = base.answer("Do I need a licence for gallium nitride?", as_of=limit)
    assert not any("official documents run to" in c for c in earlier.caveats)
    zh = base.answer("氮化镓出口需要许可证吗？", as_of="2027-06-01")
    assert any("知识库所载官方文件截至" in c for c in zh.caveats)


def test_a_partys_own_country_may_be_china() -> None:
    assert check_country("CN", destination=False) == "CN"
    result = CliRunner().invoke(main, ["screen", "MP Materials", "--country", "CN", "--json"])
    assert result.exit_code == 0, result.output
