"""A small bilingual glossary of export-control terms, for query analysis.

The embedding model is English-only, so a Chinese question is served by the keyword index over
the corpus's Chinese fields *and* by the English terms this glossary adds to the query.
"""

from __future__ import annotations

__all__ = ["GLOSSARY", "english_terms"]

#: Chinese term -> English equivalents. Longest terms are matched first.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "两用物项": ("dual-use items",),
    "出口许可证": ("export licence",),
    "许可证": ("licence", "license"),
    "许可": ("licence", "licensing"),
    "通用许可": ("general licence",),
    "出口管制": ("export control",),
    "管制": ("control", "controlled"),
    "管制清单": ("control list",),
    "出口": ("export",),
    "审查": ("review", "examination"),
    "审查期限": ("time limit", "decide within", "working days"),
    "期限": ("time limit", "period"),
    "多少天": ("how many days", "working days"),
    "多长时间": ("how long",),
    "多久": ("how long",),
    "工作日": ("working days",),
    "申请": ("application", "apply"),
    "最终用户": ("end user",),
    "最终用途": ("end use",),
    "军事用户": ("military end user",),
    "军事用途": ("military end use",),
    "军工": ("military", "defence industry"),
    "军工企业": ("military end user", "defence contractor"),
    "美国": ("United States", "US"),
    "日本": ("Japan",),
    "暂停": ("suspended", "suspension"),
    "暂停实施": ("suspended", "suspension"),
    "禁止": ("prohibited", "ban"),
    "罚款": ("fine", "penalty"),
    "处罚": ("penalty", "punishment"),
    "违法所得": ("illegal gains",),
    "走私": ("smuggling",),
    "打击走私": ("anti-smuggling", "crackdown on smuggling"),
    "战略矿产": ("strategic minerals",),
    "海关": ("customs",),
    "海关总署": ("General Administration of Customs", "GAC"),
    "商务部": ("MOFCOM", "Ministry of Commerce"),
    "公告": ("announcement",),
    "生效": ("effective", "takes effect"),
    "实施": ("implement", "apply"),
    "有效期": ("validity", "valid"),
    "记录": ("records",),
    "保存": ("keep", "retain"),
    "技术": ("technology",),
    "设备": ("equipment",),
    "物项": ("items",),
    "镓": ("gallium",),
    "锗": ("germanium",),
    "锑": ("antimony",),
    "石墨": ("graphite",),
    "超硬材料": ("superhard materials",),
    "金刚石": ("diamond",),
    "钨": ("tungsten",),
    "碲": ("tellurium",),
    "铋": ("bismuth",),
    "钼": ("molybdenum",),
    "铟": ("indium",),
    "稀土": ("rare earths",),
    "中重稀土": ("medium and heavy rare earths",),
    "钐": ("samarium",),
    "钆": ("gadolinium",),
    "铽": ("terbium",),
    "镝": ("dysprosium",),
    "镥": ("lutetium",),
    "钪": ("scandium",),
    "钇": ("yttrium",),
    "钬": ("holmium",),
    "铒": ("erbium",),
    "铥": ("thulium",),
    "铕": ("europium",),
    "镱": ("ytterbium",),
    "锂电池": ("lithium batteries",),
    "锂离子电池": ("lithium-ion batteries",),
    "正极材料": ("cathode material",),
    "负极材料": ("anode material",),
    "磁体": ("magnets",),
    "永磁": ("permanent magnet",),
    "氧化": ("oxide",),
    "出口管制法": ("Export Control Law",),
    "两用物项出口管制条例": ("Regulations on Export Control of Dual-use Items",),
    "内部合规": ("internal compliance",),
    # Licences and procedure
    "单项许可": ("single licence",),
    "单项许可证": ("single licence",),
    "登记": ("registration",),
    "出口凭证": ("export voucher",),
    "无纸化": ("paperless", "electronic"),
    "申领": ("apply for", "obtain"),
    "通关": ("customs clearance",),
    "受理": ("accept", "accepted"),
    "不予受理": ("not accept", "refuse to accept"),
    "审批": ("approval",),
    "批准": ("approval", "approve"),
    "国务院": ("State Council",),
    "展览": ("exhibition",),
    "维修": ("repair",),
    "风险评估": ("risk assessment",),
    "培训": ("training",),
    "尽职调查": ("due diligence",),
    "合规指南": ("compliance guidance",),
    "最终用户和最终用途证明": ("end-user and end-use certificate",),
    # Lists of parties
    "管控名单": ("control list", "controlled parties list"),
    "关注名单": ("watch list",),
    "进口商": ("importer",),
    # Penalties
    "情节严重": ("serious", "serious cases"),
    "吊销": ("revoke", "revocation"),
    "停业整顿": ("suspension of business",),
    "没收": ("confiscate", "confiscation"),
    "警告": ("warning",),
    "刑事责任": ("criminal liability",),
    # Enforcement and the 2025 campaign
    "部门": ("departments", "agencies"),
    "省份": ("provinces",),
    "省": ("province",),
    "公安部": ("Ministry of Public Security",),
    "最高人民法院": ("Supreme People's Court",),
    "最高人民检察院": ("Supreme People's Procuratorate",),
    "国家安全": ("national security",),
    "专项行动": ("special campaign",),
    "部署会": ("deployment meeting",),
    "推进会": ("progress meeting",),
    "参加": ("attended", "took part"),
}

_BY_LENGTH = sorted(GLOSSARY, key=len, reverse=True)


def english_terms(text: str) -> list[str]:
    """English equivalents of the glossary terms found in ``text``, longest terms first, no repeats."""
    found: list[str] = []
    remaining = text
    for term in _BY_LENGTH:
        if term in remaining:
            remaining = remaining.replace(term, " ")
            found.extend(t for t in GLOSSARY[term] if t not in found)
    return found
