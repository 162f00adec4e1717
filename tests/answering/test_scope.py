"""What a question is about before any verdict: another jurisdiction's rules, a denied military
end use, a technology named only as news."""

from __future__ import annotations

import pytest

from kb.answering.analysis import is_military, kinds_in
from kb.answering.scope import foreign_regime, unrelated


@pytest.mark.parametrize(
    "question",
    [
        "Does the EU Critical Raw Materials Act oblige our German plant to report its gallium stock?",
        "What REACH registration do we need to import antimony trioxide into the EU?",
        "How does a Canadian miner apply for an export permit under Canada's Export and Import Permits Act?",
        "美国的外国直接产品规则（FDPR）在什么情况下会适用？",
        "越南对稀土精矿出口有没有配额或者禁令？",
        "刚果（金）2025年以后对钴出口实行配额制，配额怎么分？中国买家怎么拿货？",
        "日本出口管制的白名单国家现在包括哪些？",
        "Does the US EAR control gallium oxide?",
        "美国国防部采购规则（DFARS）禁止美国军工承包商使用中国产钕铁硼磁体，这条规定是从哪一年开始执行的？",
        "What permit does Canada require for exporting uranium concentrate?",
        "Do we need a SECO permit to re-export dual-use goods from our warehouse in Zurich to Turkey?",
        "Is Indonesia still banning exports of unprocessed bauxite and nickel ore?",
        "Since the DRC replaced its cobalt export suspension with quotas, how are the quotas split?",
        "印尼现在镍矿原矿出口是完全禁止的吗？有没有配额？我们想从印尼进口镍矿",
        "菲律宾现在对镍矿原矿出口是什么政策？",
        "智利的国家锂战略是不是要求外资必须跟国企合资？我们想去那边投个盐湖项目",
        "Does Chile's national lithium strategy force foreign investors into joint ventures?",
        "Does the US export ban on AI chips to China cover our gallium nitride modules?",
        "日本厂商按《外汇及外国贸易法》向中国出口高纯度氟化氢，需要向经济产业省申请哪一种许可？",
        # goods imported from China are the other country's imports
        "How much Section 232 duty does the US levy on tungsten powder imported from China this year?",
        # what the other country charges, reviews or licenses on its own side
        "How much duty does Brazil charge on imported gallium metal?",
        "What does CFIUS look at when a Chinese buyer takes a stake in a US rare-earth mine?",
        "加拿大对中资收购关键矿产企业的投资审查严不严？",
        "日本客户买了一批锑锭，他们需要在日本办什么进口手续吗？",
        "韩国那边进口钨精矿，需要办哪些进口许可和检验检疫手续？",
        # a foreign licence asked for, whatever the shipment's route from China
        "Under the US EAR de minimis rule, do we need a BIS licence to ship the module from China to Turkey?",
        # goods imported from China into the other country: its tariffs
        "Will US Section 232 tariffs apply to minerals that we import into the United States from China?",
    ],
)
def test_another_jurisdictions_own_rules_are_out_of_scope(question: str) -> None:
    assert foreign_regime(question) is not None


@pytest.mark.parametrize(
    "question",
    [
        "Do we need a licence to export gallium to the US under the new rules?",
        "Is the US military end-user ban still in force for gallium?",
        "对美国出口镓需要许可证吗？",
        "出口到越南的稀土需要许可证吗？",
        "Is sending controlled minerals via a third country to reach the real buyer evasion?",
        "Our US customer wants us to host BIS end-use checks at our plant in China. May we sign that?",
        # the foreign rule is settled context; what is asked is China's side
        "Our US parent's counsel says the EAR does not reach bismuth shipped from our plant to Mexico. "
        "Does China itself require anything for that shipment?",
        "按欧盟两用物项条例，进口氧化镝我们这边不需要许可。那中国的出口商那边还需要办许可证吗？",
        # a foreign measure as the occasion; China's rules are what is asked
        "美国又加关税了，中国会不会因此改变石墨的出口许可规则？现在往美国出天然鳞片石墨要走什么流程？",
        "我们苏州工厂进口了一批美国芯片，美国商务部BIS说要派人来做最终用途现场核查。我们能直接答应吗？",
        "美国商务部的人发邮件说要来工厂做最终用途核查，我们可以直接安排接待吗？",
        "BIS wants an end-use check at our Chinese subsidiary. Is there a Chinese rule on allowing it?",
        "日本客户是防卫省的承包商，想买我们的钨重合金。日本那边说他们国内有出口管制豁免。我们这边能发吗？",
        "A foreign ministry's inspectors asked to audit our magnet line in Ningbo. Should we let them in?",
        # China's own bans on exports to the US and Japan, named by their target
        "Since China lifted its US ban on gallium, can we sell gallium to an American defence firm again?",
        "I read the Japan dual-use ban of January 2026 was suspended. Can we supply Japanese defence firms?",
        # the buyer's import papers beside our own licence question
        "韩国客户要我们提供他们的进口许可证复印件，出口钨精矿我们要不要办两用物项许可？",
        "我们出口钨精矿到韩国，需要办哪些出口手续？",
        # a foreign act named, China's paperwork asked about
        "Our Polish buyer cites the EU Critical Raw Materials Act and says no Chinese paperwork is needed "
        "for spherical graphite. Is that right?",
        "Do we need a MOFCOM licence as well as a BIS licence to send the module on?",
    ],
)
def test_chinas_rules_for_exports_to_a_country_are_in_scope(question: str) -> None:
    assert foreign_regime(question) is None


def test_tax_questions_are_not_export_control() -> None:
    assert unrelated("出口锑锭能退多少增值税？")
    assert not unrelated("出口锑锭需要许可证吗？")


@pytest.mark.parametrize(
    "question",
    [
        "美国现在对中国产钕铁硼磁体征收多少进口关税？",
        "What anti-dumping duty does the US charge on Chinese graphite anode material?",
        "印度对从中国进口的钕铁硼磁体有没有强制性的认证要求？",
        "which freight forwarder in Ningbo has the cheapest LCL rates to Hamburg?",
        "For sea shipments of lithium-ion battery packs, should we buy ICC (A) or ICC (C) cargo cover?",
        "Which IATA dangerous-goods packing instruction applies to lithium-ion cells shipped on their own?",
        "锂电池样品走海运，船公司要MSDS和UN38.3测试报告，危险品申报应该怎么做？",
        "Which IMDG class and UN number apply to antimony trioxide sent by sea?",
        "钨粉出口走信用证，开证行说单据有不符点，按UCP600怎么处理？",
        "Sold FOB Shanghai: if the vessel is late, who pays the demurrage under Incoterms 2020?",
        "按贸易术语CIF成交，滞港费应该由谁承担？",
    ],
)
def test_import_duties_certification_and_freight_are_not_export_control(question: str) -> None:
    assert unrelated(question)


def test_a_small_package_of_samples_is_no_freight_question() -> None:
    assert not unrelated("小包装的氧化镓样品寄到美国要办证吗？")


def test_a_foreign_import_duty_beside_a_licence_question_stays_in_scope() -> None:
    assert not unrelated("Besides the US import duty, do we need a Chinese export licence for graphite?")


@pytest.mark.parametrize(
    ("text", "military"),
    [
        ("日本一家民用汽车驱动电机厂（和军工没有关系）要采购氧化铽", False),
        ("not for military use", False),
        ("no military end use", False),
        ("非军用", False),
        ("美国陆军瞄准系统的供应商要买锗镜片毛坯", True),
        ("for a US defense prime", True),
        ("给自卫队做", True),
    ],
)
def test_a_denied_military_end_use_is_not_one(text: str, military: bool) -> None:
    assert is_military(text) is military


def test_a_technology_named_as_news_is_not_what_is_asked() -> None:
    assert (
        kinds_in("Now that lithium extraction technology is restricted, does the carbonate need a licence?")
        == ()
    )
    assert kinds_in("听说锂电池技术已经被限制了，碳酸锂还能出口吗") == ()
    assert kinds_in("Can we hand over the grain-boundary diffusion process for sintered NdFeB?") == (
        "technology",
    )


def test_us_the_pronoun_is_no_country() -> None:
    assert foreign_regime("Can you tell us the law on exporting gallium wafers?") is None
    assert foreign_regime("Please send us the regulation text for antimony") is None
    assert foreign_regime("How does Canada’s Export and Import Permits Act treat cobalt?") is not None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("听说《两用物项出口管制条例》还只是征求意见稿，没正式施行，出口APT还不用办证吧？", "not_in_force"),
        ("Someone said the Dual-use Regulations are still only a draft, so no licence yet?", "not_in_force"),
        ("商务部已经把对美国军事用户的两用物项禁令撤了吧？我们想卖锑锭给美国国防承包商。", "lifted"),
        (
            "Heard the superhard materials controls were paused by Announcement 70. Can we ship now?",
            "suspended",
        ),
    ],
)
def test_a_status_the_question_takes_for_granted_is_read(question: str, kind: str) -> None:
    from kb.answering.scope import premises_in

    assert kind in [p.kind for p in premises_in(question)]


def test_a_question_that_only_asks_about_force_assumes_nothing() -> None:
    from kb.answering.scope import premises_in

    assert premises_in("Is the gallium control in force?") == []
