"""Parse a Chinese question into a type and the regions in their roles.

Roles come from word order around the assistance verb: in "A是B的援建省份吗" and
"A对口支援B吗" the regions before the verb are donors and those after are recipients.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from duikou.clean import clean_text
from duikou.models import Mention, Region
from duikou.regions import default_gazetteer

VERB = re.compile(r"对口支援|对口援建|对口帮扶|结对帮扶|对口合作|扶贫协作|东西部协作|援建|支援|帮扶|援助|协作|结对|援疆|援藏|援青")
# Event names that contain a place but are not a region in the question's roles.
EVENT = re.compile(r"(汶川|玉树|芦山|舟曲)(特大)?地震")
MEASURE_WORDS = {
    "资金": "资金", "钱": "资金", "投资": "投资", "项目": "项目", "干部": "干部", "人才": "人才",
    "销售": "销售", "采购": "销售", "就业": "就业", "培训": "培训", "脱贫": "脱贫",
}


@dataclass
class ParsedQuestion:
    text: str
    kind: str  # yes_no | who_aids | aided_by | amount | regions
    donors: list[Region] = field(default_factory=list)
    recipients: list[Region] = field(default_factory=list)
    measure: str | None = None
    symmetric: bool = False  # "A和B是对口关系吗": either may be the donor


def _inside(inner: Region, outer: Region) -> bool:
    if not inner.code or not outer.code or inner.code == outer.code:
        return False
    if outer.level == "province":
        return inner.code[:2] == outer.code[:2]
    if outer.level == "prefecture":
        return inner.code[:4] == outer.code[:4]
    return False


def _regions(mentions: list[Mention]) -> list[Region]:
    """Distinct regions, where a place written right before a place inside it (新疆克州)
    collapses to the inner one."""
    out: list[Region] = []
    collapsed: set[str] = set()
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt and nxt.start == m.end and _inside(nxt.region, m.region):
            collapsed.add(m.region.code or m.region.name)
            continue
        if all((r.code or r.name) != (m.region.code or m.region.name) for r in out):
            out.append(m.region)
    # 三峡库区重庆万州区: the zone word stands for 重庆 too, which 万州区 narrows
    return [r for r in out if (r.code or r.name) not in collapsed or not any(_inside(o, r) for o in out)]


def _drop_outer(regions: list[Region]) -> list[Region]:
    """广东省……深圳市对口帮扶哪两个市: the question is about the place inside."""
    return [r for r in regions if not any(_inside(o, r) for o in regions)]


# "B的援建省份", "B的援疆省市" (a programme word names donors only: 援疆地区 is where the aid goes)
RECIPIENT_ROLE = re.compile(r"的(对口)?((援建|支援|帮扶|援助|协作|结对)\S{0,2}(方|省份|省市|城市|地区|单位|省|市)"
                            r"|(援疆|援藏|援青)(方|省份|省市|城市|单位|省|市))")
BY_WHOM = re.compile(r"由(谁|哪)")
DIRECTION = re.compile(r"向|对(?!口)|给")
RELATION = re.compile(r"关系|之间|结对|是否.*对口|是不是.*对口")
WH = re.compile(r"谁|哪|什么地方")


def _registry_names(text: str) -> tuple[str, list[Mention]]:
    """The registry's sides without a GB/T 2260 code (兵团 divisions, townships written with their
    county, central enterprises), found literally; their places in the text are blanked so the
    gazetteer does not read a piece of them (齐天镇 is not 天镇县)."""
    from duikou import registry

    found: list[Mention] = []
    for name in registry.uncoded_names():
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            found.append(Mention(start, end, name, Region(None, name, name, "other"), 1.0, "registry-name"))
            text = text[:start] + "＊" * len(name) + text[end:]
            start = text.find(name, end)
    return text, found


def parse_question(question: str) -> ParsedQuestion:
    text, _ = clean_text(question.strip())
    masked = EVENT.sub(lambda m: "＊" * len(m.group()), text)
    verbs = list(VERB.finditer(masked))
    masked, literal = _registry_names(masked)
    mentions = [
        m for m in default_gazetteer().find_mentions(masked)
        if not m.why.startswith("programme-word") and not any(v.start() < m.end and m.start < v.end() for v in verbs)
    ]
    mentions = sorted(mentions + literal, key=lambda m: m.start)
    wh = WH.search(masked)
    # the verb that governs the question word: the last one before it (广东省……对口帮扶粤东西北后,
    # 深圳市对口帮扶哪两个市), else the first
    before_wh = [v for v in verbs if wh and v.end() <= wh.start()]
    verb_at = before_wh[-1].start() if before_wh else verbs[0].start() if verbs else len(masked)
    measure = next((v for k, v in MEASURE_WORDS.items() if k in masked), None)
    role = RECIPIENT_ROLE.search(masked)
    by_whom = BY_WHOM.search(masked)
    if role or by_whom:
        # "B的援建省份", "B由哪个省对口支援": B is the recipient, the others donors
        cut = (role or by_whom).start()
        is_at = masked.find("是")
        low = is_at if role and 0 <= is_at < cut else -1
        recipients = _regions([m for m in mentions if low < m.start and m.end <= cut])
        donors = [r for r in _regions(mentions) if r not in recipients]
    else:
        toward = DIRECTION.search(masked)
        split_at = toward.start() if toward and toward.start() < verb_at else verb_at
        is_index = masked.find("是")
        if 0 <= is_index < split_at:
            split_at = is_index
        donors = _regions([m for m in mentions if m.end <= split_at])
        recipients = _regions([m for m in mentions if m.start >= split_at])
    if re.search(r"多少|几个|几名|几人|金额|总额", masked):
        kind = "amount"
    elif wh and (by_whom or (role and not donors) or wh.start() < verb_at) and recipients:
        kind = "who_aids"
    elif wh and donors:
        kind = "aided_by"
    elif re.search(r"吗|么|是否|是不是|有没有", masked):
        kind = "yes_no"
    else:
        kind = "regions"
    if kind in ("aided_by", "who_aids"):
        donors, recipients = _drop_outer(donors), _drop_outer(recipients)
    if kind == "aided_by" and not recipients and len(donors) >= 2 and wh:
        # 深圳市坪山区与赣州市哪个县: the place right before the question word bounds the answer
        last = max((m for m in mentions if m.end <= wh.start()), key=lambda m: m.end, default=None)
        if last is not None and last.end == wh.start() and last.region in donors[1:]:
            recipients = [last.region]
            donors = [r for r in donors if r != last.region]
    if kind == "yes_no" and not recipients and len(donors) == 2 and RELATION.search(masked):
        return ParsedQuestion(question, kind, donors[:1], donors[1:], measure, symmetric=True)
    return ParsedQuestion(question, kind, donors, recipients, measure)
