"""Organisation names folded for matching: the one place that knows legal forms and articles.

``Mitsubishi Heavy Industries Shipbuilding Co.``, ``mitsubishi heavy industries shipbuilding`` and
``MITSUBISHI HEAVY INDUSTRIES SHIPBUILDING CO., LTD`` all fold to the same key; so do
``芒廷帕斯材料公司`` and ``芒廷帕斯材料``, and ``洛克希德·马丁公司`` and ``洛克希德马丁``. Folding:

1. NFKC (full-width letters and digits), case folding, accents off Latin letters (``Wrocław``);
2. punctuation to spaces, apostrophes dropped; runs of single letters joined (``S.p.A.`` -> ``spa``,
   ``U.S.`` -> ``us``), Chinese characters joined across spaces and dots (``洛克希德 马丁``);
3. the articles and connectors ``the``, ``and`` (``&``), ``und``, ``et`` dropped;
4. legal forms removed: at the end, repeatedly (``Co., Ltd.``, ``GmbH``, ``S.r.l.``, ``a.s.``,
   ``Sp. z o.o.``, ``KK``, ``B.V.``, ``有限公司``, ``株式会社``), the unambiguous ones anywhere
   (``CSBC Corporation, Taiwan``), ``SARL`` and ``株式会社`` also at the start. A name that is
   nothing but a legal form keeps it.

What was removed is kept, so a match can say after which normalisation it matched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb.language.script import HAN, IDEOGRAPHS

__all__ = [
    "COMMON_WORDS",
    "NameForm",
    "fold_name",
    "fold_word",
    "is_legal_form",
    "name_form",
    "name_tokens",
    "organisations_in",
]

#: Articles and connectors that names write or leave out at will.
_FILLERS = frozenset({"the", "and", "und", "et"})

#: Legal forms (folded) removed wherever they stand: no ordinary name word looks like them.
_ANYWHERE = frozenset(
    "inc incorporated corp corporation ltd limited llc plc gmbh mbh kabushiki kaisha".split()
)
#: Legal forms removed only at the end of a name, as token sequences (short ones look like words or
#: initials elsewhere: ``AG``, ``SA``, ``AS``).
_TRAILING: tuple[tuple[str, ...], ...] = tuple(
    tuple(form.split())
    for form in """limited partnership|kabushiki kaisha|godo kaisha|yugen kaisha|sp zoo|sp zo o|spol sro
    |co|company|lp|llp|pty|pte|bhd|sdn|ag|kg|kgaa|se|ev|ug|sa|sas|sasu|sarl|spa|srl|sl|bv|nv|as|sro|spol
    |kk|gk|yk|uab|oy|oyj|ab|asa|aps|ltda""".split("|")
)
_TRAILING_SET = frozenset(_TRAILING)
_LEADING = frozenset({"sarl", "株式会社"})
#: Chinese and Japanese legal forms at the end of a name (longest first), and at its start.
_HAN_TRAILING = ("股份有限公司", "有限责任公司", "有限公司", "株式会社", "有限会社", "合同会社", "公司")
_HAN_LEADING = ("株式会社",)

#: Latin letters that are not a base letter plus a mark, so NFKD leaves them alone.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})
_PUNCT = re.compile(r"[^\w]+|_")
_APOSTROPHES = re.compile(r"['’`´]")
_HAN_SPLIT = re.compile(f"([{IDEOGRAPHS}]+)")

#: Ordinary English words that organisation names are made of. A name built only from such words
#: (``Rapid Flight``, ``Red Cat``, ``Global Dimensions``) is found in free text only when written
#: as a name; a one-word name among them (``Cubic``, ``Garnet``) only with its legal form.
COMMON_WORDS = frozenset(
    """able academy access advanced aero aerospace affairs agency air aircraft alliance allied america
    american analysis analytics applied army arts asia associated association atlantic atomic atomics
    autonomy aviation ball bay bearing best black blue board bridge brown business cable capital cat
    center centre central chemical chemicals circuit city clear clean coalition coast coastal com
    communications computer computing consulting control controls core creative cubic data
    defence defense design development devices digital dimensions direct drone drones dynamics
    earth east eastern echo echoes edge electric electrical electronic electronics energy engine
    engineering engines enterprise enterprises environmental equipment europe european exploration
    express federal field fire first flight force forum foundation free fuel fund future garnet
    general global gold good great green ground group health heavy high holding holdings home
    image industrial industries industry info information innovation innovations institute
    integration intelligence intelligent inter international jet joint key lab laboratories
    laboratory labs land laser life light line link logistics machine machinery machines main
    maintenance management manufacturing marine maritime market master materials medical metal
    metals micro mission missile missiles mobile motor motors mountain national natural naval net
    network networks new north northern nuclear ocean office one operations optical optics orbit
    pacific parachute park parts partners partnership photonics planet plus point polar power
    precision prime private products programme project prosperous quantum radar rapid rare recorded
    red research resources rim river robotics rock royal rudder safety science sciences security
    sensor sensors service services shield silicon simulation six sky smart software solar
    solutions source south southern space special spectrum standard star steel stick strategic
    strategy studies summit sun supply systems system tactical teal tech technical technics
    technologies technology tele trade trading trans trucks trust turbocharger union united
    universal university unmanned valley vehicles venture ventures video vision water west western
    white wireless works world""".split()
)


@dataclass(frozen=True)
class NameForm:
    """A name folded for matching: its key, its folded words and what folding removed."""

    #: The name as written.
    text: str
    #: Folded, legal forms and fillers kept: ``mp materials corp``.
    folded: str
    #: Folded, legal forms and fillers removed: ``mp materials``; what names are matched on.
    key: str
    #: Legal forms and fillers removed, folded (``("corp",)``).
    removed: tuple[str, ...]

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.key.split())

    @property
    def sorted_key(self) -> str:
        """The key's words in alphabetical order (for names written in another word order)."""
        return " ".join(sorted(self.key.split()))

    @property
    def is_chinese(self) -> bool:
        return HAN.search(self.key) is not None


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    for char in decomposed:
        # Only marks on Latin letters go: Japanese kana keep their voicing marks.
        if unicodedata.category(char) == "Mn" and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFKC", "".join(kept)).translate(_LETTERS)


def name_tokens(text: str) -> list[str]:
    """The folded words of ``text`` (steps 1-2 of the module docstring), fillers kept."""
    text = _strip_accents(unicodedata.normalize("NFKC", text).casefold())
    text = _APOSTROPHES.sub("", text)
    raw = _HAN_SPLIT.sub(r" \1 ", _PUNCT.sub(" ", text)).split()
    tokens: list[str] = []
    letters: list[str] = []  # a run of single Latin letters being read (S.p.A., U.S., E&S)
    for token in [*raw, ""]:
        if len(token) == 1 and token.isascii() and token.isalpha():
            letters.append(token)
            continue
        if letters:
            tokens.append("".join(letters))
            letters = []
        if not token:
            break
        if HAN.match(token) and tokens and HAN.match(tokens[-1][-1]):
            tokens[-1] += token  # Chinese names have no word breaks: 洛克希德·马丁
        else:
            tokens.append(token)
    return tokens


def fold_word(word: str) -> str:
    """One word folded as names are: ``Wrocławska`` -> ``wroclawska``."""
    return _strip_accents(unicodedata.normalize("NFKC", word).casefold())


def is_legal_form(word: str) -> bool:
    """True for a folded word that is a legal form on its own (``inc``, ``gmbh``, ``srl``, ``kk``)."""
    return word in _ANYWHERE or (word,) in _TRAILING_SET


def fold_name(text: str) -> str:
    """``text`` folded for comparison, legal forms kept: ``MP Materials Corp.`` -> ``mp materials corp``."""
    return " ".join(name_tokens(text))


def name_form(text: str) -> NameForm:
    """Fold ``text`` and remove legal forms and fillers (see the module docstring)."""
    tokens = name_tokens(text)
    removed: list[str] = []
    kept = [t for t in tokens if t not in _FILLERS]
    removed.extend(t for t in tokens if t in _FILLERS)
    kept, cut = _strip_legal_forms(kept)
    removed.extend(cut)
    if not kept:  # nothing but a legal form ("Company"): keep it whole
        kept, removed = [t for t in tokens if t not in _FILLERS] or tokens, []
    return NameForm(text=text, folded=" ".join(tokens), key=" ".join(kept), removed=tuple(removed))


def _strip_legal_forms(tokens: list[str]) -> tuple[list[str], list[str]]:
    removed: list[str] = []
    words = list(tokens)
    changed = True
    while changed and words:
        changed = False
        for form in sorted(_TRAILING, key=len, reverse=True):
            if len(words) > len(form) and tuple(words[-len(form) :]) == form:
                removed.append(" ".join(form))
                del words[-len(form) :]
                changed = True
                break
        if words and words[-1] in _ANYWHERE and len(words) > 1:
            removed.append(words.pop())
            changed = True
        if words and HAN.match(words[-1][-1]):
            for suffix in _HAN_TRAILING:
                if words[-1].endswith(suffix) and len(words[-1]) > len(suffix):
                    words[-1] = words[-1][: -len(suffix)]
                    removed.append(suffix)
                    changed = True
                    break
                if words[-1] == suffix and len(words) > 1:
                    removed.append(words.pop())
                    changed = True
                    break
    if len(words) > 1 and words[0] in _LEADING:
        removed.append(words.pop(0))
    if words and HAN.match(words[0][0]):
        for prefix in _HAN_LEADING:
            if words[0].startswith(prefix) and len(words[0]) > len(prefix):
                words[0] = words[0][len(prefix) :]
                removed.append(prefix)
                break
    middle = [w for w in words if w in _ANYWHERE]
    if middle and len(middle) < len(words):
        removed.extend(middle)
        words = [w for w in words if w not in _ANYWHERE]
    return words, removed


#: Words that introduce the party an export goes to ("sell ... to", "our customer", "end user").
_TO_PARTY = (
    r"(?:to|for|from|with|buyer|customer|client|end[- ]user|importer|consignee|distributor|supplier)"
    r"(?:\s+(?:is|was|called|named))?"
)
#: A run of capitalised words (a name), joined by '&', 'and', 'of' or hyphens, possibly with a legal form.
_NAME_RUN = (
    r"((?:[A-Z][\w.'’-]*|[A-Z]{2,}\d*)(?:\s+(?:&|and|of|de|für|für)?\s*(?:[A-Z][\w.'’-]*|[A-Z]{2,}\d*)){0,5}"
    r"(?:,?\s+(?:Inc|Corp|Co|Ltd|LLC|GmbH|AG|SA|SE|plc|KK|BV|NV|S\.A|S\.p\.A|Pte|Pty|Limited|Corporation|"
    r"Company)\.?(?:,?\s*(?:Ltd|Inc)\.?)?)?)"
)
_ORG_EN = re.compile(rf"\b{_TO_PARTY}\s+(?:the\s+)?{_NAME_RUN}")
_ORG_WITH_FORM = re.compile(
    r"\b((?:[A-Z][\w.'’-]*\s+){0,5}[A-Z][\w.'’-]*,?\s+(?:Inc|Corp|Co|Ltd|LLC|GmbH|AG|plc|KK|BV|NV|Pte|Pty|"
    r"Limited|Corporation|Company)\b\.?(?:,?\s*(?:Ltd|Inc)\.?)?)"
)
_ORG_ZH = re.compile(
    rf"([{IDEOGRAPHS}A-Za-z0-9·]{{2,16}}?(?:股份有限公司|有限责任公司|有限公司|株式会社|公司|集团|研究所|研究院|大学|"
    r"工厂|厂))"
)
#: Chinese words that open a clause rather than a name ("卖给", "出口到"): a name starts after them.
_ZH_LEAD = re.compile(r"^.*?(?:卖给|售给|出口给|出口到|供应给|发给|提供给|给|向|对|为|的|与|和|家|一家|某)")


#: Places and authorities written like names ("to South Korea", "apply to MOFCOM"): never the party.
_PLACES = frozenset(
    " ".join(
        """united states|united states of america|united kingdom|south korea|north korea|saudi arabia
        |new zealand|czech republic|south africa|hong kong|united arab emirates|costa rica|sri lanka
        |european union|the netherlands|netherlands|the us|the uk|the eu|middle east|southeast asia
        |latin america|mofcom|gac|most|miit|customs|china customs|state council|bis|ofac|un|asean|wto
        |nato|npc""".split()
    )
    .replace(" |", "|")
    .split("|")
)
#: Words that open a description of a party, not its name ("朋友公司", "同行的公司", "客户公司", "对方公司").
_NOT_A_NAME_ZH = (
    "这家", "该", "我", "本", "贵", "一家", "朋友", "同行", "客户", "对方", "他们", "你们", "自己", "别人",
    "别的", "其他", "另一", "那家", "这个", "那个", "母公司", "子公司", "分公司", "关联公司",
)  # fmt: skip

#: A kind of business written like a name ("一家贸易公司", "外贸公司", "新材料科技公司"): no name.
_GENERIC_ORG_ZH = re.compile(
    r"(?:小|大|中|一般|普通|国有|民营|私营|外资|合资|上市|本地|当地|境外|海外|国外|外国)?"
    r"(?:(?:外贸|贸易|进出口|国际贸易|物流|货代|报关|科技|技术|新材料|材料|电子|化工|矿业|实业|工贸|商贸|"
    r"生产|制造|加工|代理|经销|销售|投资|咨询)){1,3}(?:有限责任公司|股份有限公司|有限公司|公司|集团|工厂|厂)"
)


def organisations_in(text: str, not_names: frozenset[str] = frozenset()) -> list[str]:
    """Organisation names a text gives for the party it deals with ("to Acme Magnetics GmbH",
    "our customer Nordwind Metals", "卖给美国诺沃泰克公司"), as written; ``not_names`` (folded) are
    words that are no name here (countries, products). An unnamed party ("a German firm",
    "某材料公司") is none."""
    not_names = not_names | _PLACES
    found: list[str] = []
    for pattern in (_ORG_EN, _ORG_WITH_FORM):
        for match in pattern.finditer(text):
            name = _first_sentence(match.group(1)).strip(" ,.")
            words = name.split()
            if not words or name.casefold() in not_names or all(w.casefold() in not_names for w in words):
                continue
            one_word = pattern is _ORG_EN and len(words) == 1 and not name.isupper()
            if one_word and not _looks_like_company(name):
                continue  # one capitalised word after "to" is as likely a place or a product as a company
            found.append(name)
    for match in _ORG_ZH.finditer(text):
        name = _ZH_LEAD.sub("", match.group(1))
        if len(name) >= 3 and "某" not in name and not name.startswith(_NOT_A_NAME_ZH):
            if _GENERIC_ORG_ZH.fullmatch(name):
                continue  # a kind of business ("马来西亚的贸易公司"), not its name
            found.append(name)
    unique: list[str] = []
    for name in found:
        if not any(name in other and name != other for other in found) and name not in unique:
            unique.append(name)
    return unique


#: Abbreviations after which a full stop does not end the sentence ("Acme Co. Ltd", "St. Louis").
_ABBREVIATIONS = frozenset({"co", "inc", "corp", "ltd", "st", "s.a", "s.p.a", "no", "dr", "mr", "ms"})


def _first_sentence(name: str) -> str:
    """A run of capitalised words up to a sentence's end: "China. We export" is "China"."""
    for stop in re.finditer(r"\.\s+", name):
        head = name[: stop.start()]
        last = head.split()[-1] if head.split() else ""
        if last.casefold() in _ABBREVIATIONS or len(last) <= 1:
            continue
        return head
    return name


def _looks_like_company(word: str) -> bool:
    """A single capitalised word that reads as a company's name: CamelCase or mixed with digits."""
    return bool(re.search(r"[a-z][A-Z]|\d", word))
