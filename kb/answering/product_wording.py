"""How product verdicts are said, in English and Chinese: thresholds, the lines of a classification,
and what would change a verdict. :mod:`kb.verdicts.classify` decides; this module words it."""

from __future__ import annotations

from collections.abc import Sequence

from kb.answering.records import Lang
from kb.answering.wording import VERDICT_LABELS, item_label, locator_text
from kb.corpus.schema import Condition, ThresholdGroup
from kb.verdicts.catalogue import CatalogueItem
from kb.verdicts.classify import Line
from kb.verdicts.lexicon import default_lexicon
from kb.verdicts.thresholds import Assessment, Check

__all__ = [
    "condition_text",
    "conditions_of",
    "group_text",
    "line_explanation",
    "line_headline",
    "lines_headline",
    "product_name",
    "related_text",
]

_QUANTITIES: dict[str, tuple[str, str]] = {
    "purity": ("purity", "纯度"),
    "content": ("content", "含量"),
    "density": ("density", "密度"),
    "compaction_density": ("compaction density", "压实密度"),
    "tap_density": ("tap density", "振实密度"),
    "flexural_strength": ("flexural strength", "抗折强度"),
    "tensile_strength": ("tensile strength", "抗拉强度"),
    "elastic_limit": ("elastic limit", "弹性极限"),
    "elongation": ("elongation", "延伸率"),
    "particle_size": ("particle size", "粒度"),
    "dislocation_density": ("dislocation density", "位错密度"),
    "power": ("power", "功率"),
    "frequency": ("frequency", "频率"),
    "pressure": ("pressure", "压力"),
    "bore": ("cylinder bore", "缸径"),
    "diameter": ("diameter", "直径"),
    "inner_diameter": ("inner diameter", "内径"),
    "wall_thickness": ("wall thickness", "壁厚"),
    "length": ("length", "长度"),
    "width": ("width", "宽度"),
    "height": ("height", "高度"),
    "transmittance": ("transmittance", "透过率"),
    "energy_density": ("energy density", "能量密度"),
    "discharge_capacity": ("discharge capacity", "放电比容量"),
    "cycle_life": ("cycle life", "循环寿命"),
    "specific_surface_area": ("specific surface area", "比表面积"),
    "volume": ("volume", "容积"),
}
_OPS: dict[str, tuple[str, str]] = {
    ">": ("above", "大于"),
    ">=": ("at least", "不低于"),
    "<": ("below", "小于"),
    "<=": ("at most", "不超过"),
    "=": ("of", "为"),
}
_UNITS = {"um": "µm", "per cm2": "/cm²", "g/cm3": "g/cm³", "m2/g": "m²/g", "m3": "m³"}
_FORMS: dict[str, tuple[str, str]] = {
    "magnet": ("magnet material", "磁体"),
    "single_crystal": ("single crystals", "单晶"),
    "polycrystal": ("polycrystals", "多晶"),
    "window_flat": ("flat windows", "平面窗口"),
    "oxide": ("oxides", "氧化物"),
    "compound": ("compounds", "化合物"),
}


def _number(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.8f}".rstrip("0").rstrip(".")


def _value(value: object, unit: str | None) -> str:
    shown = _UNITS.get(unit or "", unit or "")
    return f"{_number(value)}{'' if shown == '%' else ' '}{shown}".strip()


def condition_text(condition: Condition, lang: Lang, element_zh: dict[str, str] | None = None) -> str:
    """'purity above 99.9%', 'frequency of 915 or 2450 MHz', 'contains terbium' (Chinese: '纯度大于99.9%')."""
    zh = lang == "zh"
    if element_zh is None:
        element_zh = default_lexicon().element_zh
    if condition.op == "contains":
        names = [
            v for v in (condition.value if isinstance(condition.value, list) else []) if isinstance(v, str)
        ]
        if zh:
            return "含" + "或".join(element_zh.get(n, n) for n in names)
        return "contains " + " or ".join(names)
    en_name, zh_name = _QUANTITIES.get(
        condition.quantity, (condition.quantity.replace("_", " "), condition.quantity)
    )
    if condition.quantity == "content" and condition.of:
        en_name = f"{condition.of} content"
        zh_name = f"{element_zh.get(condition.of, condition.of)}含量"
    if condition.op == "in":
        values = condition.value if isinstance(condition.value, list) else [condition.value]
        options = (" 或 " if zh else " or ").join(_number(v) for v in values)
        unit = _UNITS.get(condition.unit or "", condition.unit or "")
        return f"{zh_name}为{options} {unit}".strip() if zh else f"{en_name} of {options} {unit}".strip()
    en_op, zh_op = _OPS[condition.op]
    value = _value(condition.value, condition.unit)
    return f"{zh_name}{zh_op}{value}" if zh else f"{en_name} {en_op} {value}"


def group_text(group: ThresholdGroup, lang: Lang, element_zh: dict[str, str] | None = None) -> str:
    """A threshold group as one phrase: 'purity above 99.9%, flexural strength above 30 MPa and
    density above 1.73 g/cm³ (all of them)'."""
    parts = [condition_text(c, lang, element_zh) for c in group.conditions]
    if lang == "zh":
        joined = "、".join(parts)
        if len(parts) > 1:
            joined += "（须同时满足）" if group.apply == "jointly" else "（满足其一即可）"
        form = _FORMS.get(group.form or "", (None, None))[1]
        return f"{form}{joined}" if form else joined
    if len(parts) == 1:
        joined = parts[0]
    else:
        word = " and " if group.apply == "jointly" else " or "
        joined = ", ".join(parts[:-1]) + word + parts[-1]
        joined += " (all of them)" if group.apply == "jointly" else " (any one of them)"
    form = _FORMS.get(group.form or "", (None, None))[0]
    return f"{joined} (for {form})" if form else joined


def conditions_of(
    assessment: Assessment | None, lang: Lang, element_zh: dict[str, str] | None = None
) -> list[str]:
    """The threshold groups a conditional verdict depends on, one phrase each."""
    if assessment is None:
        return []
    return [group_text(g.group, lang, element_zh) for g in assessment.groups if g.outcome != "not_met"]


def _checked(check: Check, lang: Lang) -> str:
    stated = check.stated
    if stated is None:
        return ""
    low, high = stated.low, stated.high
    figure = stated.text.strip()
    if low is not None and high is not None and low == high:
        figure = _value(low, stated.unit)
    return f"（所述为{figure}）" if lang == "zh" else f" (stated: {figure})"


def product_name(line: Line, lang: Lang) -> str:
    """How a line names its product: the question's own words, or the listed item's name."""
    if line.item is not None and line.kind in ("listed", "family") and not line.query:
        return item_label(line.item, lang)
    return line.product


def related_text(items: Sequence[CatalogueItem], lang: Lang) -> str:
    """'indium phosphide (磷化铟), trimethylindium (三甲基铟)' for the items compared."""
    shown = [item_label(i, lang) for i in items[:5]]
    more = len(items) - len(shown)
    if lang == "zh":
        return "、".join(shown) + (f"等{len(items)}项" if more > 0 else "")
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def line_headline(line: Line, lang: Lang) -> str:
    """One sentence on one product's verdict (for the answer's first line)."""
    zh = lang == "zh"
    name = line.product
    item = line.item
    sep = "；" if zh else "; "
    if line.kind == "below_threshold" and item is not None:
        missed = sep.join(
            condition_text(c.condition, lang) for c in (line.assessment.missed if line.assessment else ())
        )
        if zh:
            return f"{name}未达到{item_label(item, lang)}的管制门槛（{missed}），不属于该管制物项。"
        return (
            f"{name} does not meet the thresholds of {item_label(item, lang)} ({missed}), "
            "so it is not that listed item."
        )
    if line.kind == "unlisted_form":
        if zh:
            return f"{name}未列入管制：清单所列同类物项仅有{related_text(line.related, lang)}。"
        related = related_text(line.related, lang)
        return f"{name} is not listed: the lists hold only these related items: {related}."
    if line.kind == "unlisted_code":
        if zh:
            near = f"；同一税目下所列编码涉及{related_text(line.related, lang)}" if line.related else ""
            return f"海关商品编号{name}不在本知识库收录的任何管制清单或公告中{near}。"
        near = (
            f"; listed codes under the same heading belong to {related_text(line.related, lang)}"
            if line.related
            else ""
        )
        return f"HS code {name} is not listed in any control list or announcement held{near}."
    if line.kind == "unlisted_element" and line.related:
        related = related_text(line.related, lang)
        if zh:
            return f"{name}未列入管制；清单所列相关物项是其他产品，例如{related}。"
        return (
            f"{name} is not listed: the related items the lists hold are other products, such as {related}."
        )
    if line.kind == "unlisted_element":
        if zh:
            return f"{name}未列入本知识库收录的任何管制清单或公告。"
        return f"{name} is not listed in any control list or announcement held in this knowledge base."
    if line.kind == "conditional" and item is not None:
        label = VERDICT_LABELS[line.value][lang]
        entries = [item, *line.related]
        if zh:
            conditions = "；或".join(f"{item_label(i, lang)}的门槛" for i in entries[:3])
            return f"{name}是否受管制取决于其参数：符合{conditions}时，结论为“{label}”。"
        conditions = "; or ".join(f"those of {item_label(i, lang)}" for i in entries[:3])
        return (
            f"Whether {name} is controlled depends on its specifications: if it meets the thresholds — "
            f"{conditions} — the verdict is {label}."
        )
    return ""


def lines_headline(lines: Sequence[Line], lang: Lang) -> str:
    """For several products: one short verdict per product."""
    parts = [
        f"{line.product}：{VERDICT_LABELS[line.value][lang]}"
        if lang == "zh"
        else f"{line.product}: {VERDICT_LABELS[line.value][lang]}"
        for line in lines
    ]
    if lang == "zh":
        return f"问题涉及{len(lines)}种产品——" + "；".join(parts) + "。"
    return f"The question names {len(lines)} products — " + "; ".join(parts) + "."


def line_explanation(line: Line, lang: Lang, element_zh: dict[str, str] | None = None) -> str:
    """What a compliance officer checks: the entry compared, the thresholds met or missed, and what
    would change the verdict."""
    zh = lang == "zh"
    item = line.item
    sep = "；" if zh else "; "
    if line.kind == "below_threshold" and item is not None and line.assessment is not None:
        wanted = sep.join(group_text(g.group, lang, element_zh) for g in line.assessment.groups)
        missed = sep.join(
            condition_text(c.condition, lang, element_zh) + _checked(c, lang) for c in line.assessment.missed
        )
        if zh:
            return (
                f"比对条目：{item_label(item, lang)}（{locator_text(item.ref, lang)}），"
                f"其管制门槛为{wanted}；"
                f"未满足：{missed}。"
                "如产品实际达到上述门槛，则属于该管制物项，须申请许可。"
            )
        return (
            f"Compared with {item_label(item, lang)} ({item.ref}), which is caught only with {wanted}; "
            f"not met: {missed}. If the product did meet these thresholds it would be that item and need "
            "a licence."
        )
    if line.kind == "conditional" and item is not None:
        conditions = sep.join(conditions_of(line.assessment, lang, element_zh))
        if zh:
            return (
                f"{item_label(item, lang)}（{locator_text(item.ref, lang)}）仅在{conditions}时受管制；"
                "问题未给出足以判断的参数。"
                "未达到门槛的产品不属于该物项。"
            )
        return (
            f"{item_label(item, lang)} ({item.ref}) is caught only with {conditions}; the question does not "
            "give the specifications that decide it. A product below these thresholds is not that item."
        )
    if line.kind in ("unlisted_form", "unlisted_element") and line.related:
        if zh:
            return "如产品实际属于上述物项之一，则须申请许可。"
        return "If the product is in fact one of them, a licence is required."
    return ""
