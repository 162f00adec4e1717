"""Destination countries, in one table: ISO 3166-1 alpha-2 codes, the names questions use for them,
and the names answers give them in English and Chinese."""

from __future__ import annotations

import re

from kb.errors import QueryError
from kb.language.script import has_chinese

__all__ = ["COUNTRY_NAMES", "ISO_CODES", "check_country", "country_name", "find_destination"]

ISO_CODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
    BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER
    ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID
    IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
    LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR
    NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC
    VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)

#: Names and adjectives a question may use -> code. Only what questions in this domain use.
COUNTRY_NAMES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.": "US", "u.s": "US",
    "us": "US", "america": "US", "american": "US", "美国": "US", "美方": "US",
    "japan": "JP", "japanese": "JP", "日本": "JP",
    "germany": "DE", "german": "DE", "德国": "DE", "france": "FR", "french": "FR", "法国": "FR",
    "united kingdom": "GB", "uk": "GB", "britain": "GB", "british": "GB", "英国": "GB",
    "south korea": "KR", "korea": "KR", "korean": "KR", "韩国": "KR", "india": "IN", "印度": "IN",
    "netherlands": "NL", "dutch": "NL", "荷兰": "NL", "taiwan": "TW", "台湾": "TW",
    "russia": "RU", "russian": "RU", "俄罗斯": "RU", "canada": "CA", "加拿大": "CA",
    "australia": "AU", "澳大利亚": "AU", "vietnam": "VN", "越南": "VN", "singapore": "SG", "新加坡": "SG",
    "european union": "EU", "eu": "EU", "欧盟": "EU",
    "self-defense forces": "JP", "self-defence forces": "JP", "jsdf": "JP", "自卫队": "JP", "防卫省": "JP",
    "pentagon": "US", "五角大楼": "US", "美军": "US", "美国军方": "US",
}  # fmt: skip


#: How answers name a destination: code -> (English, Chinese). Others are shown by their code.
_DISPLAY: dict[str, tuple[str, str]] = {
    "US": ("the United States", "美国"), "JP": ("Japan", "日本"), "DE": ("Germany", "德国"),
    "FR": ("France", "法国"), "GB": ("the United Kingdom", "英国"), "KR": ("South Korea", "韩国"),
    "IN": ("India", "印度"), "NL": ("the Netherlands", "荷兰"), "TW": ("Taiwan", "台湾地区"),
    "RU": ("Russia", "俄罗斯"), "CA": ("Canada", "加拿大"), "AU": ("Australia", "澳大利亚"),
    "VN": ("Vietnam", "越南"), "SG": ("Singapore", "新加坡"), "EU": ("the European Union", "欧盟"),
    "IT": ("Italy", "意大利"), "ES": ("Spain", "西班牙"), "BE": ("Belgium", "比利时"),
    "CZ": ("Czechia", "捷克"), "PL": ("Poland", "波兰"), "SE": ("Sweden", "瑞典"),
    "CH": ("Switzerland", "瑞士"), "MY": ("Malaysia", "马来西亚"), "TH": ("Thailand", "泰国"),
    "ID": ("Indonesia", "印度尼西亚"), "MX": ("Mexico", "墨西哥"), "BR": ("Brazil", "巴西"),
    "TR": ("Türkiye", "土耳其"), "IL": ("Israel", "以色列"), "AE": ("the UAE", "阿联酋"),
    "SA": ("Saudi Arabia", "沙特阿拉伯"), "MA": ("Morocco", "摩洛哥"), "AR": ("Argentina", "阿根廷"),
    "HU": ("Hungary", "匈牙利"), "PH": ("the Philippines", "菲律宾"),
}  # fmt: skip


#: Adjectives of nationality a question uses for a place ("our Vietnamese factory"), read by
#: ``check_country`` but not searched for as a destination: "a Malaysian buyer" says who buys, not
#: always where the goods go. "Polish" is left out: it is also a word of the trade (polishing powder).
_NATIONALITIES: dict[str, str] = {
    "vietnamese": "VN", "malaysian": "MY", "thai": "TH", "indonesian": "ID", "mexican": "MX",
    "indian": "IN", "brazilian": "BR", "turkish": "TR", "italian": "IT", "spanish": "ES",
    "belgian": "BE", "czech": "CZ", "swedish": "SE", "swiss": "CH", "israeli": "IL", "emirati": "AE",
    "saudi": "SA", "moroccan": "MA", "hungarian": "HU", "filipino": "PH", "singaporean": "SG",
    "taiwanese": "TW", "canadian": "CA", "australian": "AU",
}  # fmt: skip


#: The display names read back: "the United States" / "united states" / "美国" -> code.
_DISPLAY_NAMES = {
    name.casefold().removeprefix("the "): code for code, names in _DISPLAY.items() for name in names
}


def country_name(code: str, lang: str) -> str:
    """The destination as an answer in ``lang`` (en/zh) names it: 'the United States', '美国', or the code."""
    names = _DISPLAY.get(code)
    return (names[1] if lang == "zh" else names[0]) if names else code


#: Three-letter codes people type for the destinations this domain sees most.
_ALPHA3 = {
    "USA": "US", "GBR": "GB", "JPN": "JP", "DEU": "DE", "FRA": "FR", "KOR": "KR", "IND": "IN", "NLD": "NL",
    "RUS": "RU", "CAN": "CA", "AUS": "AU", "VNM": "VN", "SGP": "SG", "ITA": "IT", "ESP": "ES", "BEL": "BE",
    "CZE": "CZ", "POL": "PL", "SWE": "SE", "CHE": "CH", "MYS": "MY", "THA": "TH", "IDN": "ID", "MEX": "MX",
    "BRA": "BR", "TUR": "TR", "ISR": "IL", "ARE": "AE", "SAU": "SA", "TWN": "TW", "CHN": "CN",
}  # fmt: skip
#: China itself: the controls are on exports from China, so it is never a destination.
_CHINA = {"CN", "CHN", "CHINA", "PRC", "中国", "中华人民共和国", "PEOPLE'S REPUBLIC OF CHINA"}


def check_country(code: str, destination: bool = True) -> str:
    """The ISO alpha-2 code of a country given as a code (``US``, ``usa``), a name (``United
    States``, ``美国``) or a three-letter code; ``QueryError`` says what is expected otherwise. As a
    ``destination`` China is refused: it is where the exports under these controls come from (a
    party's own country may be China)."""
    text = " ".join(code.split())
    value = text.upper()
    if not destination and value in _CHINA:
        return "CN"
    if value in _CHINA or value.replace(".", "") in _CHINA:
        raise QueryError(
            f"destination {code!r} is China itself: these controls are on exports from China, so give the "
            "country the goods are going to (e.g. US, JP, DE)"
        )
    if value in ISO_CODES or value == "EU":
        return value
    name = text.casefold().removeprefix("the ")
    named = (
        COUNTRY_NAMES.get(name) or _ALPHA3.get(value) or _DISPLAY_NAMES.get(name) or _NATIONALITIES.get(name)
    )
    if named is not None:
        return named
    raise QueryError(
        f"destination {code!r} is not an ISO 3166 alpha-2 country code (e.g. US, JP, DE) or a country "
        "name the knowledge base knows (e.g. United States)"
    )


_CASE_SENSITIVE = {"US"}  # "us" as a pronoun must not mean the United States


def find_destination(text: str) -> str | None:
    """The destination a question names ("to the US", "日本"), or ``None``."""
    for name in sorted(COUNTRY_NAMES, key=len, reverse=True):
        if has_chinese(name):
            if name in text:
                return COUNTRY_NAMES[name]
            continue
        flags = 0 if name.upper() in _CASE_SENSITIVE else re.IGNORECASE
        pattern = re.escape(name.upper() if name.upper() in _CASE_SENSITIVE else name)
        if re.search(rf"(?<![\w.]){pattern}(?![\w])", text, flags):
            return COUNTRY_NAMES[name]
    return None
