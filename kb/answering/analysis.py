"""Question analysis: what a question asks about, in which language, for which date and destination.

Only structure is read here (item names and codes through the catalogue, country names, dates,
military end users, the kind of question); nothing in a question can change a verdict's rules,
so "ignore your sources" is just more words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from kb.answering.scope import Premise, premises_in
from kb.errors import QueryError
from kb.language.codes import hs_codes_in
from kb.language.countries import check_country, find_destination
from kb.language.dates import date_in_text
from kb.language.script import has_chinese, question_language
from kb.verdicts.catalogue import Catalogue, Match
from kb.verdicts.classify import ProductQuery, products_in
from kb.verdicts.lexicon import default_lexicon
from kb.verdicts.quantities import Composition, Stated, composition_in, stated_in

__all__ = [
    "MAX_QUESTION_CHARS",
    "Analysis",
    "Intent",
    "analyse",
    "is_military",
    "kinds_in",
    "serves_weapons_of_mass_destruction",
]

Intent = Literal["verdict", "information"]

#: Longest question accepted; longer input is an error, not silently cut.
MAX_QUESTION_CHARS = 4000

#: Words that make the end user or end use military (English and Chinese).
_MILITARY = re.compile(
    r"\b(military|militar(y|ies)|defen[cs]e[- ]([\w-]+[- ]){0,2}(contractor|compan|industr|user|end|prime|"
    r"firm|supplier|manufacturer|ministry|department|forces?|programme|program|project|sector|group)|"
    r"armed forces|army|"
    r"navy|naval|air force|marines?|weapons?|munitions?|missiles?|warships?|warheads?|"
    r"fighter (jets?|aircraft)|"
    r"ministry of defen[cs]e|department of defen[cs]e|pentagon|self[- ]defen[cs]e forces?|jsdf|\bsdf\b|"
    r"arms (maker|manufacturer|producer|company)|ammunition|ordnance|combat)"
    r"|美军|军工|军事|军方|军队|军用|陆军|海军|空军|部队|国防|武器|导弹|弹药|军舰|战斗机|自卫队|防卫省|国防部|五角大楼|军火|防务|防卫装备|"
    r"防卫产业|防卫厂商|军品",
    re.IGNORECASE,
)
#: Words right before a military word that deny it ("no military end use", "not for the army").
_NOT_BEFORE = re.compile(
    r"(\b(no|not|non|never|without|nothing to do with|unrelated to|no link to|no connection (to|with)|"
    r"not (for|used (for|in|by)|intended for|related to|a))[- ]+(\w+[- ]+){0,2}$)"
    r"|(非|不是|不涉及|不用于|不属于|不会用于|并非|没有|无)[^，。,.;；]{0,4}$",
    re.IGNORECASE,
)
#: Words right after a military word that deny it ("军工没有关系", "军事用途无关").
_NOT_AFTER = re.compile(r"^[^，。,.;；]{0,4}(没有关系|没关系|无关|无涉|不相关)")
#: Chinese questions about a procedure rather than an item (审查期限, 有效期, 罚款, 申请材料 ...).
_PROCEDURE_ZH = re.compile(
    r"多少天|多久|多长时间|几年|几天|期限|有效期|流程|程序|哪些材料|什么材料|哪些文件|怎么申请|如何申请|罚款|处罚|"
    # what to file and where: "材料大概要准备哪些", "是直接找商务部还是先走省商务厅"
    r"(?:申请|申报|提交|准备)[^，。？！]{0,6}材料|材料[^，。？！]{0,6}(?:准备|提交|哪些|什么)|"
    r"找谁|向谁|哪个部门|去哪(?:里|儿)?(?:申请|办|报)|在哪(?:里|儿)?(?:申请|办|报)|(?:找|问)商务部还是|"
    # a refusal challenged: "不予许可……我们不服，可以起诉吗？还有什么救济途径？"
    r"行政复议|申请复议|起诉|诉讼|救济途径|不服"
)
#: Questions about what the controls are ("are the graphite controls an export ban?").
_NATURE_OF_CONTROLS = re.compile(
    r"\b(controls?|restrictions?|measures?|rules?)\b.{0,20}\b(an?|a total|a full|effectively an?)\s+"
    r"(export )?(ban|embargo)\b|管制.{0,6}(是|算).{0,4}(禁令|禁止出口|禁运)|等于禁止出口|是否等同于禁止",
    re.IGNORECASE,
)
_VERDICT_ASK = re.compile(
    r"\b(need|needs|needed|require|requires|required)\b.{0,60}\blicen[cs]e"
    r"|\blicen[cs]e (required|needed)"
    r"|\b(controlled|subject to (export )?control|export[- ]controlled|a controlled item)"
    r"|\bon the (control )?list"
    r"|^\s*(can|may|could)\b.{0,120}\b((export|sell|ship|supply)|(send|go|be sent)\b)"
    r"|\b(allowed|permitted|banned|prohibited) to\b|\bis (it|there) a ban"
    r"|需要.{0,20}许可|须.{0,10}许可|是否.{0,20}管制|受.{0,10}管制|属于.{0,10}管制|管制物项"
    r"|(可以|能否|能不能|是否可以|可否).{0,30}(出口|销售|卖|发货|发给|供货)"
    r"|要.{0,6}证吗|办证|要不要.{0,8}(许可|证)|需不需要|能(出口|卖|发)吗|可以(出口|卖|发)吗|算不算.{0,6}(管制|出口)"
    r"|\b(licen[cs]e or not|any restrictions?|restricted|is that ok|ok to (ship|quote|sell|export))",
    re.IGNORECASE,
)
#: For a named product: whether an ordinary application will do ("can we apply for a licence, or is
#: it a non-starter?", "按正常流程申请许可就行了？") asks for its verdict, not for the procedure.
_APPLY_ASK = re.compile(
    r"\bcan (we|i) (still |even )?apply for (a|an|the) (\w+ )?licen[cs]e|\b(normal|usual|routine|ordinary) "
    r"(\w+ )?(licen[cs]e|application)|non-starter"
    r"|(能|可以|能不能|可不可以)(正常)?申请.{0,6}(许可|证)|申请许可.{0,3}就行|(正常|按正常流程)(申请|办理|走)",
    re.IGNORECASE,
)
_INFORMATION_START = re.compile(
    r"^\s*(how|what|which|when|who|why|where|list|describe|explain|summari[sz]e)\b"
    r"|多少|多久|多长|几年|几天|哪些|什么|怎么|如何|怎样|为什么|期限|流程|程序",
    re.IGNORECASE,
)
#: The question a long English message ends on ("... It's not on any list. What exactly are we
#: obliged to do now?"): a sentence or clause that opens with a question word, after the context.
_ASKED_HOW = re.compile(
    # a sentence's start, or its main clause after a condition ("If we go along with it, what is ...")
    r"(?:^|[.?!:;]\s+|,\s*(?:but|and|so|then)\s+|\bif\b[^.?!,]{0,80},\s*|"
    # a main clause after an aside: "Apart from being a terrible idea, which rules does that break?"
    r"\b(?:apart from|aside from|besides|other than|beyond)\b[^.?!,]{0,60},\s*)"
    r"(?:(?:so|and|but|then|also|now|ok(?:ay)?|quick question)[,:]?\s+)?"
    r"(how|what|which|when|who|why|where)\b(?![^.?!]*\b(licen[cs]es?|permits?|status|verdict|positions?|"
    r"apply|applies|need|needs|needed|require[sd]?|required|allowed|covered|controlled|restrictions?|"
    r"filed|classified|classify|listed|ban)\b)"
    r"[^.?!]*\?",
    re.IGNORECASE,
)
_TECHNOLOGY = re.compile(
    r"\btechnolog|\bknow[- ]how|\bprocess (package|technology|know|data|design|documentation)|technical data|"
    r"design data|production process|manufacturing process|licen[cs]e (our|the|a) (process|technology)|"
    r"flow ?sheet|process route|process recipe|\brecipe|blueprints?|drawings and|process parameters|"
    r"licen[cs]e (its|their|our) [\w -]{0,30}\bprocess\b|"
    r"\b(extraction|separation|refining|smelting|production|preparation|technology) package\b|"
    r"\b(diffusion|coating|sintering|smelting|separation|extraction|refining|synthesis|preparation|"
    r"purification|doping|growth) (process|method|route)\b|heat[- ]treatment (profiles?|parameters)|"
    r"技术|工艺|工艺包|技术资料|专有技术|技术转让|生产线设计|工艺流程|图纸",
    re.IGNORECASE,
)
#: Words before a technology that make it news or a premise, not the thing asked about.
_NEWS_BEFORE = re.compile(
    r"(now that|since|given that|with all the news about|news about|reports? (about|of|that)|heard that|"
    r"听说|既然|新闻|据报道)[^.?!。？！]{0,50}$",
    re.IGNORECASE,
)
#: Words after a technology that state its status ("... technology is restricted").
_STATUS_AFTER = re.compile(
    r"^[^.?!。？！,，]{0,20}?\b(is|are|being|has been|have been|was|were|got)\s+(now\s+)?"
    r"(restricted|controlled|listed|banned|caught)|^[^。？！，]{0,8}(被|已经?|已)(限制|管制|列入|禁止)",
    re.IGNORECASE,
)
_EQUIPMENT = re.compile(
    r"\bequipment|\bmachine(s|ry)?\b(?!\s+(our|the|it|them|into|down|parts))|\bpress(es)?\b|\bfurnaces?\b|"
    r"\bkilns?\b|设备|压机|炉",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Analysis:
    """What a question is about."""

    question: str
    lang: Literal["en", "zh"]
    intent: Intent
    as_of: dt.date
    date_from_text: bool
    destination: str | None
    military: bool
    items: tuple[Match, ...]
    families: tuple[str, ...]
    kinds: tuple[str, ...]
    #: HS codes (8 or 10 digits) written in the question, listed or not.
    hs_codes: tuple[str, ...] = ()
    #: Documents of the corpus the question names by number ("No. 46 of 2024").
    documents: tuple[str, ...] = ()
    #: The products the question names (catalogue names and codes, and the product lexicon's).
    products: tuple[ProductQuery, ...] = ()
    #: Specifications the question states, and what it says the product contains or lacks.
    stated: tuple[Stated, ...] = ()
    composition: Composition = field(default_factory=Composition)
    #: The country whose armed forces are the military end user, when the question names them ("parts
    #: they deliver to the US Army", "给自卫队做"): its ban applies wherever the goods are shipped first.
    military_country: str | None = None
    #: A message that sets the scene and then asks how ("... so we can ship our germanium under it.
    #: What would the legal exposure be?"): a verdict question that asks mainly for the procedure.
    asks_how: bool = False
    #: The statuses the question takes for granted ("now that the controls are suspended ..."),
    #: strongest first: the answer corrects those the timeline contradicts.
    premises: tuple[Premise, ...] = ()

    @property
    def names_something(self) -> bool:
        """True when the question names an item, family, customs code or one of the corpus's
        documents: it is about export control."""
        return bool(self.items or self.families or self.hs_codes or self.documents or self.products)

    @property
    def asks_product_verdict(self) -> bool:
        """True when the answer is a product's verdict: the question asks for one, names a product
        and does not ask how. A procedure it also asks about is taken only when named closely."""
        return (
            self.intent == "verdict"
            and bool(self.items or self.products)
            and not self.asks_how
            and not self.premises  # a status asserted: its correction may quote a topic
        )


#: A country's armed forces or defence ministry, named as the end user.
_FORCES_OF = (
    (
        "US",
        re.compile(
            r"\b(?:US|U\.S\.|American|United States)\s+(?:Army|Navy|Air Force|Marines?|Space Force|military|"
            r"armed forces|Department of (?:Defen[cs]e|War)|DoD|defen[cs]e (?:department|forces))\b|"
            r"\bPentagon\b|"
            r"美军|美国(?:军方|军队|国防部|陆军|海军|空军|军工|军事)|五角大楼",
            re.IGNORECASE,
        ),
    ),
    (
        "JP",
        re.compile(
            r"\bJapan(?:ese)?\s+(?:Self[- ]Defen[cs]e Forces?|military|Ministry of Defen[cs]e|"
            r"defen[cs]e forces)\b|"
            r"\bJSDF\b|自卫队|日本(?:防卫省|军方|军队|军工)",
            re.IGNORECASE,
        ),
    ),
)


def military_country_in(text: str) -> str | None:
    """The country whose armed forces the text names as the end user, if one."""
    for country, pattern in _FORCES_OF:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 30) : match.start()]
            if not _NOT_BEFORE.search(before):
                return country
    return None


def is_military(text: str) -> bool:
    """True when the text names a military end user or end use (English or Chinese) and does not
    deny it ("not for military use", "非军用", "和军工没有关系")."""
    for match in _MILITARY.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        if _NOT_BEFORE.search(before) or _NOT_AFTER.match(after):
            continue
        return True
    return False


#: End uses the catch-all rule names: weapons of mass destruction and their means of delivery
#: (missiles), and terrorism.
_WEAPONS_OF_MASS_DESTRUCTION = re.compile(
    r"\b(missiles?|ballistic|nuclear weapons?|chemical weapons?|biological weapons?|bioweapons?|"
    r"weapons? of mass destruction|WMDs?|terroris[mt]s?|terrorist organi[sz]ations?)\b|"
    r"导弹|核武器|化学武器|生物武器|大规模杀伤性武器|恐怖主义|恐怖组织|恐怖活动",
    re.IGNORECASE,
)


def serves_weapons_of_mass_destruction(text: str) -> bool:
    """True when the text says the goods are for weapons of mass destruction, missiles or terrorism
    and does not deny it ("not for missiles", "不用于导弹")."""
    for match in _WEAPONS_OF_MASS_DESTRUCTION.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        if not (_NOT_BEFORE.search(before) or _NOT_AFTER.match(after)):
            return True
    return False


#: A Chinese sentence that asks how, what to do or what follows ("有没有简化一点的办法", "这样操作有什么
#: 风险", "发现了要怎么办", "主动报告能从轻吗").
_ASKED_HOW_ZH = re.compile(
    r"有没有[^，。？！]{0,10}(办法|渠道|途径|便利|简化)|怎么(办|操作|处理|罚|处罚|申请|做)|如何(处理|操作|办理|申请)|"
    r"(要|应该|需要)?注意(什么|哪些)|什么(法律)?(风险|处罚)|能(否|不能)?从轻|多久|后果|"
    r"罚多少|法律风险|挨罚|会不会.{0,6}(罚|处罚|追责)|(会|要)被(罚|处罚)|(有|要履行|要承担|承担)什么义务|"
    # what the law makes of an act, what follows it, whom to ask: "这样做法律上是什么性质", "被查到会怎么样",
    # "可以直接问商务部吗"
    r"什么性质|会怎么样|会怎样|(承担|负)什么(法律)?责任|(问|咨询|请示)(一下)?商务部|向商务部(咨询|确认|提问)"
)
#: A message that already says how the product stands with its licence ("we hold a single licence
#: for GaAs wafers", "shipped without a licence", "没办证就出了一票", "手上有一张许可证"): the asker
#: knows it is controlled and asks what follows.
_LICENCE_SETTLED = re.compile(
    r"\bwithout (?:a |any |the )?(?:dual[- ]use )?(?:export )?licen[cs]e|"
    r"\b(?:we|i|they)\s+(?:hold|have|got|obtained|were granted)\s+(?:a|an|the|our)\s+"
    r"(?:\w+\s+){0,3}licen[cs]e\b|"
    r"\b(?:under|on) (?:the|our|their|its) (?:exporter'?s |same |existing |current )?licen[cs]e\b|"
    r"\blicen[cs]e (?:was|has been|had been|is) (?:granted|approved|issued|refused|rejected|denied)\b|"
    r"\b(?:refused|rejected|denied|turned down)\s+(?:our|the|my|their)\s+(?:\w+\s+){0,4}"
    r"(?:licen[cs]e|application)\b|不予许可|(?:申请|许可)被(?:驳回|拒)|"
    r"没(?:有)?办(?:证|许可)|没(?:有)?证|无证|未(?:办|取得|申请|领取)(?:许可|证)|"
    r"许可证(?:已经?)?(?:批(?:下来|了)|拿到|下来)|(?:手上|手里)有.{0,12}许可证|"
    r"借(?:用)?(?:一下)?.{0,4}证|借证",
    re.IGNORECASE,
)


def _asks_how(text: str) -> bool:
    """A question whose asking sentence, after any context, asks how or what follows and does not
    itself ask for a licence verdict ("what licence do we need" does): in English one that opens with
    a question word, in Chinese one that asks for a way, a risk or what to do."""
    if has_chinese(text):
        sentences = re.split(r"(?<=[？?！!。])", text)
        return any(_ASKED_HOW_ZH.search(s) and not _VERDICT_ASK.search(s) for s in sentences)
    return any(not _VERDICT_ASK.search(m.group(0)) for m in _ASKED_HOW.finditer(text))


def kinds_in(text: str) -> tuple[str, ...]:
    """``technology`` and/or ``equipment`` when the text asks about them. A technology named only
    as news or a premise ("now that lithium extraction technology is restricted, does the carbonate
    ...") is not what is asked about."""
    kinds = []
    for kind, pattern in (("technology", _TECHNOLOGY), ("equipment", _EQUIPMENT)):
        matches = list(pattern.finditer(text))
        if kind == "technology":
            matches = [m for m in matches if not _premise_only(text, m)]
        if matches:
            kinds.append(kind)
    return tuple(kinds)


def _premise_only(text: str, match: re.Match[str]) -> bool:
    before, after = text[max(0, match.start() - 60) : match.start()], text[match.end() : match.end() + 40]
    return bool(_NEWS_BEFORE.search(before) or _STATUS_AFTER.match(after))


def analyse(
    question: str,
    catalogue: Catalogue,
    as_of: dt.date | None = None,
    destination: str | None = None,
    lang: str | None = None,
    today: dt.date | None = None,
    names: Sequence[str] = (),
) -> Analysis:
    """Read a question. ``as_of``/``destination``/``lang`` given by the caller win over the text.
    ``names`` are the parties it names ("USA Rare Earth", "MP Materials"): no product or place is read
    in them."""
    text = question.strip()
    if not text:
        raise QueryError("the question is empty: ask about an item, an HS code or a procedure")
    if len(text) > MAX_QUESTION_CHARS:
        raise QueryError(f"the question has {len(text)} characters; the limit is {MAX_QUESTION_CHARS}")
    if lang is not None and lang not in ("en", "zh"):
        raise QueryError(f"language {lang!r} is not supported; use en or zh")
    today = today or dt.date.today()
    found_date = date_in_text(text, today)
    day = as_of or found_date or today
    read = text
    for name in names:
        read = read.replace(name, " " * len(name))
    country = check_country(destination) if destination else find_destination(read)
    items, families = catalogue.mentions(read)
    kinds = kinds_in(text)
    lexicon = default_lexicon()
    products = products_in(read, catalogue, lexicon)
    # A question asks for a verdict when it says so ("need a licence", "controlled", "can I ship"),
    # or names a product without asking how, what or when.
    names_product = bool(items or products)
    procedural = (
        bool(_INFORMATION_START.match(text))
        or (has_chinese(text) and bool(_PROCEDURE_ZH.search(text)))
        or bool(_NATURE_OF_CONTROLS.search(text))
    )
    # A Chinese question on the procedure for shipping a product to a place ("现在往美国出天然鳞片石墨
    # 要走什么流程") asks how, after the verdict in brief, as an English one does.
    applies = bool(_APPLY_ASK.search(text))
    military = is_military(text)
    how_to_ship = has_chinese(text) and names_product and procedural and country is not None and not applies
    # A question that takes a product's status for granted ("LFP has been controlled for a year: how
    # long does a licence take?") gets that product's verdict, so that a wrong premise is corrected.
    premises = tuple(premises_in(text))
    asserts = names_product and bool(premises)
    asks_verdict = (
        bool(_VERDICT_ASK.search(text))
        or (names_product and (not procedural or applies))
        or how_to_ship
        or asserts
    )
    return Analysis(
        question=text,
        lang=question_language(text) if lang is None else lang,  # type: ignore[arg-type]
        intent="verdict" if asks_verdict else "information",
        asks_how=_asks_how(text) or how_to_ship or (names_product and bool(_LICENCE_SETTLED.search(text))),
        as_of=day,
        date_from_text=as_of is None and found_date is not None,
        destination=country,
        military=military,
        military_country=military_country_in(text) if military else None,
        items=tuple(items),
        families=tuple(families),
        kinds=kinds,
        hs_codes=tuple(hs_codes_in(text)),
        documents=catalogue.documents_named(text),
        products=tuple(products),
        stated=stated_in(read, lexicon.symbols),
        composition=composition_in(read, lexicon.symbols, lexicon.names_zh),
        premises=premises,
    )
