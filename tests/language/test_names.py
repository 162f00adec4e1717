"""Organisation names fold to one key whatever their case, punctuation, legal form or script."""

from __future__ import annotations

import pytest

from kb.language.countries import COUNTRY_NAMES
from kb.language.names import fold_name, fold_word, is_legal_form, name_form, organisations_in


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("MP Materials Corp.", "mp materials"),
        ("mp materials, inc", "mp materials"),
        ("MITSUBISHI HEAVY INDUSTRIES SHIPBUILDING CO., LTD", "mitsubishi heavy industries shipbuilding"),
        ("HENSOLDT AG", "hensoldt"),
        ("Hensoldt GmbH", "hensoldt"),
        ("Lafert S.p.A.", "lafert"),
        ("Garnet S.r.l.", "garnet"),
        ("TATRA TRUCKS a.s.", "tatra trucks"),
        ("EXCALIBUR ARMY spol.s.r.o", "excalibur army"),
        ("TechInsights Europe Sp zo.o", "techinsights europe"),
        ("TechInsights Europe Sp. z o.o.", "techinsights europe"),
        ("TechInsights Japan KK", "techinsights japan"),
        ("IHC Merwede Holding B.V.", "ihc merwede holding"),
        ("Ekspla UAB", "ekspla"),
        ("SARL Strategy Analytics", "strategy analytics"),
        ("TCOM, Limited Partnership", "tcom"),
        ("Marvin Engineering Company, Inc.", "marvin engineering"),
        ("CSBC Corporation, Taiwan", "csbc taiwan"),
        ("The Fujikura Parachute Co., Ltd.", "fujikura parachute"),
        ("Gibbs&Cox, Inc.", "gibbs cox"),
        ("Gibbs and Cox", "gibbs cox"),
        ("Politechnika Wrocławska", "politechnika wroclawska"),
        ("Ｔｏｋｉｎ　Ｃｏｒｐｏｒａｔｉｏｎ", "tokin"),
        ("芒廷帕斯材料公司", "芒廷帕斯材料"),
        ("汉翔航空工业股份有限公司", "汉翔航空工业"),
        ("三菱造船株式会社", "三菱造船"),
        ("株式会社三菱造船", "三菱造船"),
        ("洛克希德·马丁公司", "洛克希德马丁"),
        ("L3哈里斯公司", "l3 哈里斯"),
        ("Source Intelligence公司", "source intelligence"),
    ],
)
def test_legal_forms_case_and_punctuation_fold_away(written: str, key: str) -> None:
    assert name_form(written).key == key


def test_what_was_removed_is_kept() -> None:
    form = name_form("The Fujikura Parachute Co., Ltd.")
    assert form.folded == "the fujikura parachute co ltd"
    assert set(form.removed) == {"the", "co", "ltd"}


def test_a_name_that_is_only_a_legal_form_keeps_it() -> None:
    assert name_form("Company").key == "company"
    assert name_form("株式会社").key == "株式会社"


def test_initials_are_joined_but_words_are_not() -> None:
    assert name_form("U.S. Steel").key == "us steel"
    assert name_form("Mitsui E&S").key == "mitsui es"
    assert name_form("Group W").key == "group w"
    assert name_form("III-V LAB").key == "iii v lab"


def test_word_order_has_one_sorted_key() -> None:
    assert name_form("Materials MP").sorted_key == name_form("MP Materials").sorted_key


def test_helpers() -> None:
    assert fold_name("Hensoldt AG") == "hensoldt ag"
    assert fold_word("Wrocławska") == "wroclawska"
    assert is_legal_form("gmbh") and is_legal_form("srl") and not is_legal_form("materials")
    assert name_form("斯巴鲁株式会社").is_chinese and not name_form("Subaru").is_chinese


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Can I export samarium magnets to MP Materials?", ["MP Materials"]),
        ("We want to sell gallium to Acme Magnetics GmbH in Germany.", ["Acme Magnetics GmbH"]),
        ("Our customer Nordwind Metals asks for germanium.", ["Nordwind Metals"]),
        ("Mitsubishi Precision Co., Ltd. asked for magnets.", ["Mitsubishi Precision Co., Ltd"]),
        ("把钐钴磁体卖给美国诺沃泰克公司可以吗？", ["美国诺沃泰克公司"]),
        # places, authorities and unnamed parties are no names
        ("Can we sell gallium to South Korea?", []),
        ("Can we ship antimony to Japan?", []),
        ("We must apply to MOFCOM first.", []),
        ("向德国某材料公司出口锑锭需要许可证吗", []),
        ("朋友公司没办证就出了一票锑精矿，这种一般罚多少钱？", []),
        ("客户公司说要改发给他们在捷克的另一家工厂", []),
        # a kind of business is no name either
        ("我们是马来西亚的贸易公司，从中国买了一批氧化镝", []),
        ("客户是德国一家新材料科技公司，要买锗片", []),
        ("卖给华为技术有限公司需要注意什么", ["华为技术有限公司"]),
        ("Do I need a licence to export gallium nitride wafers?", []),
    ],
)
def test_organisations_in_text(text: str, names: list[str]) -> None:
    assert organisations_in(text, frozenset(COUNTRY_NAMES)) == names


def test_a_name_stops_at_the_end_of_its_sentence() -> None:
    text = "Our bismuth comes from China. We sell the bars to Mexico. Does China's rule apply?"
    assert organisations_in(text) == []
    assert organisations_in("We ship to Nordwind Metals AG. They make magnets.") == ["Nordwind Metals AG"]
    assert organisations_in("sold to Acme Co. Ltd in Korea") == ["Acme Co. Ltd"]
