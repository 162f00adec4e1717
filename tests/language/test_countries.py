"""Country names in one table: what questions call a destination, what answers call it."""

from __future__ import annotations

import pytest

from kb.errors import QueryError
from kb.language.countries import check_country, country_name, find_destination


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Can I ship gallium to the United States?", "US"),
        ("exports to the U.S. market", "US"),
        ("a buyer in Japan", "JP"),
        ("出口到日本需要许可吗", "JP"),
        ("卖给美国客户", "US"),
        ("Can you help us with this?", None),
        ("for a German customer", "DE"),
    ],
)
def test_find_destination(text: str, code: str | None) -> None:
    assert find_destination(text) == code


def test_check_country_upper_cases_and_refuses_non_codes() -> None:
    assert check_country(" jp ") == "JP"
    assert check_country("Japan") == "JP"
    with pytest.raises(QueryError, match="ISO 3166"):
        check_country("Atlantis")


@pytest.mark.parametrize(("code", "lang", "name"), [("US", "en", "the United States"), ("JP", "zh", "日本"),
                                                    ("DE", "zh", "德国"), ("ZW", "en", "ZW")])  # fmt: skip
def test_country_name(code: str, lang: str, name: str) -> None:
    assert country_name(code, lang) == name
