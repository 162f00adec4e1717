"""Is a question about China's export controls at all? And what does it assume?

Two readings of the question's words, before any verdict:

- **Scope**: a question about another jurisdiction's own rules (the EU dual-use regulation, the US
  EAR and its licences, Japan's or Korea's export licensing, another country's export ban, foreign
  sanctions, the duties or certification another country imposes on imports) or about something
  outside export control (export tax rebates, cargo insurance, freight, the weather) is out of
  scope. A question about China's rules for exports *to* such a country is in scope: it names
  China, MOFCOM or a Chinese licence, or simply asks about exporting a product.
- **Premises**: a question may assert a status ("now that the dysprosium controls are suspended",
  "since gallium was freed", "as the antimony ban still applies"); :func:`premises_in` reads the
  status it asserts, so the answer can say first when the timeline contradicts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Premise", "PremiseKind", "foreign_regime", "premises_in", "unrelated"]

#: Authorities, laws and lists of other jurisdictions.
_FOREIGN = re.compile(
    r"\b(EAR|ECCN|BIS|OFAC|OFSI|ITAR|METI|FEFTA|OGEL|SIEL|BAFA|DDTC|Wassenaar|Commerce Control List|"
    r"Entity List|CHIPS Act|SECO|Regulation \(EU\)|2021/821|428/2009|EU dual[- ]use regulation|"
    r"Bureau of Industry and Security|Department of Commerce|Office of Foreign Assets Control|"
    r"European Commission|Export Control Joint Unit|Federal Office for Economic Affairs)\b"
    r"|\b(EU|European|US|U\.S\.|American|UK|British|Japan(ese)?|Korean?|German|Dutch|Indian|Indonesian?|"
    r"Australian?|Canadian?)('s)?\s+(dual[- ]use )?(export control |export )?"
    r"(regulations?|laws?|regimes?|rules|sanctions|licen[cs]es?|authoris|authoriz|authorit|ban|bans|controls?)\b"
    r"|\b(Indonesia|India|Philippines|Vietnam|Malaysia|Myanmar|Congo|DRC|Chile|Zimbabwe|Guinea|Russia)('s)?\s+"
    r"(\w+\s+){0,3}(export )?(ban|bans|duty|duties|tax|quotas?|suspension)\b"
    r"|\b(US|U\.S\.|American|Japan(ese)?|Dutch|Netherlands|Korean?|EU|UK|German|Taiwan(ese)?)('s)?\s+"
    r"(restrictions|curbs|limits|controls) on (exports?|exporting|shipping|selling)\b.{0,60}\bto China\b"
    r"|(美国|日本|韩国|荷兰|欧盟|英国|德国|台湾)(政府)?对(向)?(中国|华|我国)(的)?出口"
    r"|美国商务部|美国.{0,4}实体清单|出口管理条例|欧盟(的|对俄|两用).{0,12}(条例|法规|制裁|许可)|对俄.{0,6}制裁"
    r"|英国(的|政府).{0,12}(许可|制裁)|日本经济产业省|经产省|韩国(的|企业|政府).{0,12}(战略物资|许可)"
    r"|(印尼|印度尼西亚|印度|越南|菲律宾|刚果|智利|津巴布韦|几内亚)的.{0,12}(禁令|禁止出口|出口禁|出口税|配额)"
    # "刚果（金）2025年以后对钴出口实行配额制": that country's measure on its own exports
    r"|(印尼|印度尼西亚|印度|越南|菲律宾|刚果|智利|津巴布韦|几内亚)\S{0,16}对\S{0,6}出口(实行|实施|采取)?"
    r"\S{0,4}(配额|禁令|禁止|出口税|关税|政策)"
    # that country's own exports as the subject: "印尼现在镍矿原矿出口是完全禁止的吗"
    r"|(?<![对向往至到赴])(印尼|印度尼西亚|印度|越南|菲律宾|刚果|智利|津巴布韦|几内亚)(现在|目前|政府)?"
    r"[^，。？！,?!对向往到]{0,10}出口(是|已|已经|被)?(完全|全面)?(禁止|禁令|限制|配额)"
    # another country banning its own exports: "is Indonesia still banning exports of nickel ore"
    r"|\b(Indonesia|India|Philippines|Vietnam|Malaysia|Myanmar|Congo|DRC|Chile|Zimbabwe|Guinea|Russia)\s+"
    r"(is\s+)?(still\s+|now\s+)?(bans?|banning|banned|restricts?|restricting|prohibits?|prohibiting)\s+"
    r"(the\s+)?exports?\b",
    re.IGNORECASE,
)
_ELSEWHERE_ZH_NAMES = (
    r"美国|日本|韩国|欧盟|欧洲|英国|德国|法国|荷兰|印度尼西亚|印尼|印度|越南|加拿大|澳大利亚|澳洲|俄罗斯|台湾|"
    r"马来西亚|菲律宾|智利|刚果|巴西|墨西哥|新加坡|泰国|意大利|西班牙|瑞士|土耳其|以色列|乌克兰|哈萨克斯坦|"
    r"缅甸|津巴布韦|几内亚|摩洛哥|阿根廷|玻利维亚|秘鲁|匈牙利|波兰|瑞典|挪威|芬兰|比利时|奥地利"
)
#: Words that make a question about China's own rules (China as the regulator or the origin; goods
#: "imported from China" are another country's imports).
_CHINA = re.compile(
    r"\bChina'?s\s+(own\s+)?(export|rules|controls?|dual|licen|law|regulation|measures)|\bChinese\s+(export|licen|"
    r"rules?|controls?|law|regulation|authorit|customs|dual|paperwork|papers|permits?|approvals?)|\b(MOFCOM|PRC)\b|"
    r"(?<!imported )(?<!imports )from China|out of China|"
    r"中国(的)?(出口管制|规定|法律|管制|许可|海关|商务部)|我国|(?<!美国)商务部|海关总署|中方|"
    r"从中国(出口|发)|国内出口"
    # China set against a foreign rule the asker has already settled: "does China itself require ...",
    # "那中国的出口商那边还需要办许可证吗"
    r"|\b(China|Beijing)\s+(itself|themselves)\b|\bthe Chinese side\b|\bon the Chinese side\b"
    r"|中国(的)?(出口商|出口企业|供应商|卖家)|中国(这边|那边|方面)|(我们|我司|我方)(这边|这里|国内)"
    r"|\b(on|at) our (side|end)\b"
    # whether we may let a foreign authority check or question us is a question of China's rules
    r"|\b(we|our)\b.{0,60}\b(host|accept|allow|cooperate with|submit to|answer)\b.{0,30}\b(BIS|foreign)\b"
    r"|\b(BIS|foreign)\b.{0,160}\b(can|may|should|must)\s+we\b.{0,30}\b(host|accept|allow|cooperate|agree|let)\b"
    r"|(我们|我司|公司)(能|可以|能不能|可不可以|是否可以)(直接)?(答应|配合|接受|同意|安排|接待)"
    # what China will do, or China's rules for exports to that country: "中国会不会因此改变规则",
    # "现在往美国出天然鳞片石墨要走什么流程"
    r"|中国(会|将|是否|会不会|有没有)[^，。？！]{0,20}(出口|管制|许可|规则)"
    rf"|(往|向|发往|出口到|出到|卖到|卖给)(?:{_ELSEWHERE_ZH_NAMES})[^，。？！]{{0,3}}(出口|出|发|卖)",
    re.IGNORECASE,
)
#: Topics that are not export control.
_UNRELATED = re.compile(
    r"\bVAT\b|\brebates?\b|tax refund|退税|增值税|出口退|关税税率|tariff rate|duty rate|"
    # what another country charges or certifies on imports, and freight: not China's export control
    r"进口关税|反倾销|反补贴|征收.{0,8}(关税|税)|\banti-?dumping\b|\bcountervailing\b|"
    r"\bimport (duty|duties|tariffs?)\b|"
    r"认证要求|强制性.{0,6}认证|\bLCL\b|\bFCL\b|\bcheapest\b|最便宜|(?:电商|邮政)小包|小包(?:渠道|专线)|"
    r"\bdangerous[- ]goods\b|\bIATA\b|\bIMDG\b|\bUN number\b|\bMSDS\b|\bUN ?38\.3\b|危险品(申报|包装|运输)|"
    # payment and banking: letters of credit and their discrepancies
    r"信用证|\bUCP ?600\b|\bletters? of credit\b|不符点|开证行|"
    r"packing instruction|危险品包装|"
    r"\binsurance\b|\binsurers?\b|\bcargo cover\b|\bICC ?\([ABC]\)|保险|"
    # who bears the cost and risk of carriage: trade terms, not export control
    r"\bIncoterms?\b|\bdemurrage\b|滞期费|滞港费|贸易术语|"
    r"weather|\brain\b|天气|下雨|income tax|"
    r"个人所得税|"
    r"年终奖|\bvisa\b|签证|freight rate|运费|exchange rate|汇率|stock price|股价",
    re.IGNORECASE,
)
#: Words that make a question about export control after all.
_CONTROL = re.compile(
    r"licen[cs]|controlled|control list|dual[- ]use|export control|MOFCOM|管制|许可|两用|出口管制|商务部",
    re.IGNORECASE,
)


#: Other jurisdictions by name or adjective, English and Chinese (China itself is not one).
_ELSEWHERE_EN = (
    # the short forms as capitals only: "us" and "eu" are words too
    r"(?-i:EU|US|U\.S\.|USA|UK|DRC)|European Union|European|Brussels|United States|America|American|"
    r"United Kingdom|"
    r"Britain|British|Japan|Japanese|Korea|Korean|South Korea|Germany|German|France|French|Netherlands|"
    r"Dutch|India|Indian|Indonesia|Indonesian|Vietnam|Vietnamese|Canada|Canadian|Australia|Australian|"
    r"Russia|Russian|Taiwan|Taiwanese|Malaysia|Malaysian|Philippines|Philippine|Chile|Chilean|Congo|"
    r"Congolese|Brazil|Brazilian|Mexico|Mexican|Singapore|Thailand|Thai|Italy|Italian|Spain|Spanish|"
    r"Switzerland|Swiss|Turkey|Turkish|Israel|Israeli|Ukraine|Ukrainian|Kazakhstan|Myanmar|Zimbabwe|"
    r"Guinea|Morocco|Moroccan|Argentina|Argentine|Bolivia|Bolivian|Peru|Peruvian|Hungary|Hungarian|"
    r"Poland|Polish|Sweden|Swedish|Norway|Norwegian|Finland|Finnish|Belgium|Belgian|Austria|Austrian"
)
_ELSEWHERE_ZH = _ELSEWHERE_ZH_NAMES
#: Another jurisdiction's own instrument: "Canada's Export and Import Permits Act", "the EU's new
#: reporting regulation", "Indonesia's nickel export quota", "日本出口管制的白名单",
#: "越南对稀土精矿出口有没有配额".
_OWN_INSTRUMENT = re.compile(
    rf"\b(?:{_ELSEWHERE_EN})(?:['’]s)?\s+"
    r"(?:(?!(?:under|for|to|from|with|in|on|by|at|into|about|than)\b)[\w-]+\s+){0,4}?"
    r"(?:act|acts|law|laws|regulations?|regime|permits?|registration|quotas?|whitelist|white list|"
    r"directive|mechanism|sanctions|taxe?s?|dut(?:y|ies)|tariffs?|export bans?|licensing system|"
    r"strategy|investment rules|foreign investment)\b"
    # the other country as the one that requires: "what permit does Canada require for ..."
    rf"|\b(?:does|do|did|will|would)\s+(?:the\s+)?(?:{_ELSEWHERE_EN})(?:\s+government)?\s+"
    r"(?:require|need|impose|demand|allow|restrict|charge|levy)\b"
    rf"|(?<![对向往至到赴])(?:{_ELSEWHERE_ZH})(?:的|对|政府|方面)?[^，。？！,?!]{{0,14}}?"
    r"(?:法案|法律|条例|法规|白名单|配额|禁令|机制|制度|制裁|关税|出口税|出口管制|注册|许可制度|战略|外资|投资审查)"
    # what the buyer must do in its own country: "需要在韩国办什么进口许可吗"
    rf"|在(?:{_ELSEWHERE_ZH})(?:那边|当地|本地)?[^，。？！,?!]{{0,6}}(?:办|申请|取得|拿)[^，。？！,?!]{{0,6}}进口"
    # the importing country's own papers: "韩国那边进口钨精矿，需要办哪些进口许可和检验检疫手续"
    rf"|(?<![对向往至到赴])(?:{_ELSEWHERE_ZH})(?:那边|当地|方面|的客户|客户)?(?:进口|入境)[^。？！?!]{{0,24}}"
    r"(?:进口许可|进口证|检验检疫|清关手续|进口手续|入境手续)",
    re.IGNORECASE,
)
#: A foreign authority's own licence asked for ("do we need a BIS licence", "an EAR license"): the
#: question is about that regime whatever it says of China, unless it asks for China's licence too.
_FOREIGN_LICENCE = re.compile(
    r"\b(?-i:BIS|EAR|ITAR|OFAC|BAFA|METI|ECJU|DDTC|OGEL|SIEL)\s+(?:export\s+)?"
    r"(?:licen[cs]es?|authori[sz]ations?|permits?|approvals?)\b",
    re.IGNORECASE,
)
_CHINESE_LICENCE = re.compile(
    r"\bMOFCOM\b|\b(?:Chinese|China'?s)\s+(?:export\s+)?(?:licen[cs]e|permit|approval|paperwork)|"
    r"(?:中国|商务部)(?:的)?(?:出口)?许可",
    re.IGNORECASE,
)
#: "from China" in a sentence about importing ("that we import into the United States from China"):
#: the buyer's country's rules, not China's.
_IMPORTED_FROM_CHINA = re.compile(r"\bimport(?:s|ed|ing)?\b[^.?!]{0,60}\bfrom China\b", re.IGNORECASE)
#: Instruments of other jurisdictions and regimes outside export control, named as such.
_NAMED_INSTRUMENT = re.compile(
    r"\b(?-i:REACH|CBAM|CRMA|FDPR|ECRA|DFARS|NDAA)\b|\bSection (232|301)\b|"
    r"\b(Critical Raw Materials Act|Foreign Direct Product Rule|"
    r"Export Control Reform Act|Inflation Reduction Act|Export and Import Permits Act|"
    r"Strategic Trade Authori[sz]ation|"
    r"Foreign Exchange and Foreign Trade Act|conflict minerals rule|Dodd-Frank|FIRB|CFIUS|"
    r"Foreign Investment Review Board|Committee on Foreign Investment)\b"
    r"|外国直接产品规则|碳边境调节机制|关键原材料法案|通胀削减法案|国防授权法|国防(部)?采购(规则|条例)"
    r"|外汇及外国贸易法|外汇与外国贸易法|经济产业省|(?:投资|并购|收购)审查|审查中资",
    re.IGNORECASE,
)


def foreign_regime(question: str) -> str | None:
    """The foreign regime a question is about (its words), or ``None`` when it asks about China's rules."""
    match = (
        _FOREIGN.search(question) or _NAMED_INSTRUMENT.search(question) or _OWN_INSTRUMENT.search(question)
    )
    if match is None or _chinas_own_ban(match.group(0), question):
        return None
    licence = _FOREIGN_LICENCE.search(question)
    if licence is not None and not _CHINESE_LICENCE.search(question):
        return licence.group(0)
    if _asks_of_china(question):
        return None
    return match.group(0)


def _asks_of_china(question: str) -> bool:
    """Whether the question speaks of China's rules or side; "from China" after an import is the
    importing country's business."""
    imported = [m.span() for m in _IMPORTED_FROM_CHINA.finditer(question)]
    for match in _CHINA.finditer(question):
        if match.group(0).lower() == "from china" and any(a <= match.start() < b for a, b in imported):
            continue
        return True
    return False


#: "the US ban", "the Japan dual-use ban": China's bans on exports to those countries, unless the
#: question speaks of that country's restrictions on China ("the US ban on chip exports to China").
_TARGET_BAN = re.compile(
    r"^(US|U\.S\.|American|Japan(ese)?)('s)?\s+(dual[- ]use )?(export )?bans?$", re.IGNORECASE
)
_ON_CHINA = re.compile(
    r"\b(to|on|against|into) China\b|\bChinese (firms|companies|entities)\b", re.IGNORECASE
)


def _chinas_own_ban(words: str, question: str) -> bool:
    return bool(_TARGET_BAN.match(words)) and not _ON_CHINA.search(question)


def unrelated(question: str) -> bool:
    """True for a question on something outside export control (tax rebates, insurance, weather)."""
    return _UNRELATED.search(question) is not None and _CONTROL.search(question) is None


PremiseKind = Literal["suspended", "lifted", "repealed", "banned", "in_force", "extended", "not_in_force"]


@dataclass(frozen=True)
class Premise:
    """A status the question takes for granted, and the words that say it."""

    kind: PremiseKind
    text: str


_PREMISES: list[tuple[PremiseKind, str]] = [
    (
        "extended",
        r"\b(was|were|has been|have been|got|being)\s+extended\b|extension (to|until)|已(经)?延长|延期到",
    ),
    (
        "lifted",
        r"\b(lifted|scrapped|removed|abolished|freed|dropped|"
        r"no longer (controlled|required|needed|applies|apply)|"
        r"not controlled any ?more|decontrolled|liberali[sz]ed|"
        r"(effectively|basically|all but) (gone|over|ended)|controls? (are|is) (gone|over))\b|"
        r"已(经)?(取消|解除|放开|撤销)|不再管制|"
        # "已经把对美国军事用户的两用物项禁令撤了吧"
        r"(把|将)[^，。？！]{0,24}(禁令|管制|限制|禁止)(给)?(撤|取消|解除|放开|废)(了|掉|除)|"
        r"不用(再)?(办证|许可)",
    ),
    # the document said to be gone: "the 2023 gallium announcement was repealed", "已经废止了"
    (
        "repealed",
        r"\b(repealed|revoked|rescinded|annulled|superseded|replaced|invalidated|"
        r"no longer (in force|valid))\b|"
        r"已(经)?(废止|废除|失效|作废)|被(废止|废除|取代|替代)",
    ),
    ("suspended", r"\b(suspended|paused|on hold|put on ice)\b|(已经?|现在|既然).{0,12}暂停|暂停(了|实施)"),
    # the rules said to be a draft or not yet in force: "还只是征求意见稿，没正式施行"
    (
        "not_in_force",
        r"\b((only|still|just) a draft|draft for (public )?comment|not (yet )?(in force|in effect|effective)|"
        r"(has|have)n'?t (yet )?(taken|come into) effect|not (yet )?taken effect)\b|"
        r"征求意见稿|(还|尚)?(没|未|尚未)(有)?(正式)?(施行|生效)",
    ),
    ("banned", r"\b(banned|prohibited|forbidden|embargoed|ban (is )?still)\b|(一律|全面)?禁止(出口)?了|被禁"),
    (
        "in_force",
        r"\bstill (in force|applies|apply|valid|in effect)\b|仍(然)?(有效|在实施|适用)|继续(有效|实施)|"
        r"实施(了)?(一年多|很久|多年|这么久)|一直(在)?(实施|管制)|"
        # a licence said to be needed from a date on: "从2025年11月8日起就要出口许可了"
        r"(起|以来)(就)?(要|需要|须)(办)?(出口)?(许可|证)|"
        r"\b(has|have) (required|needed) (an? )?(export )?licen[cs]es? since\b",
    ),
]
#: Words that introduce what the asker takes for granted.
_ASSUMING = re.compile(
    r"\b(now that|since|as|given that|after|because|i heard|we heard|heard|i read|we were told|apparently|"
    r"my understanding is|isn'?t it|aren'?t they|right\?|(said|says|claims?|reported|told (us|me)) (that )?)|"
    r"既然|听说|据说|由于|因为|已经|现在.{0,4}(已|都)|(起|以来)(就)?(要|需要|须)|吧[？?]",
    re.IGNORECASE,
)


def premises_in(question: str) -> list[Premise]:
    """The statuses a question asserts ("now that the controls are suspended ..."), strongest first."""
    if not _ASSUMING.search(question):
        return []
    found: list[Premise] = []
    for kind, pattern in _PREMISES:
        match = re.search(pattern, question, re.IGNORECASE)
        if match and not _negated(question, match.start()):
            found.append(Premise(kind, match.group(0)))
    return found


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].casefold()
    return bool(re.search(r"\b(not|never|no)\s+(yet\s+)?(been\s+)?$|未|没有|尚未", before))
