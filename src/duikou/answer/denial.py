"""When the corpus says no: a sentence that names a recipient's donors for a programme.

"北川羌族自治县由山东省对口援建", "对口支援喀什地区的是上海、山东、广东三省市", "玉树州的对口支援
省市是北京" state who assists the recipient, as a closed list. When the registry has no row for
the recipient in that programme, such a sentence, not naming the asked donor (nor a place inside
it, nor one it lies in), is the corpus contradicting the pairing. A sentence that merely reports
one donor ("山东省援建北川中学") says nothing about the others, and is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from duikou.models import Region

_VERB = r"(?:对口)?(?:支援|援建|帮扶|援助|协作)"
_END = r"[。；！？\n]"
_LIST = r"[^。；！？，,\n]{1,40}?"
# the recipient R at {r} (replaced by its name as written); the donors are the regions inside the group "donors"
_PATTERNS = (
    # R由D对口援建 / R由D、E共同对口支援
    r"{r}[^。；！？\n]{0,12}?由(?P<donors>" + _LIST + r")(?:共同|负责|分别)?" + _VERB,
    # 对口支援R的是D / 援建R的省市为D
    _VERB + r"{r}的(?:省份|省市|城市|省|市|单位|地区)?(?:是|为|有)(?P<donors>[^。；！？\n]{1,40})",
    # R的对口支援省市是D / R的援建方为D
    r"{r}的" + _VERB + r"(?:方|省份|省市|城市|省|市|单位)(?:是|为|有)(?P<donors>[^。；！？\n]{1,40})",
)


@dataclass(frozen=True)
class Statement:
    """A sentence naming the recipient's donors: the donors it names and the quote it is in."""
    donors: list[Region]
    quote: dict[str, Any]


def _related(a: str, b: str) -> bool:
    """Is one code the other or inside it (a province holds its cities, a city its counties)?"""
    def prefix(code: str) -> str:
        return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
    return a.startswith(prefix(b)) or b.startswith(prefix(a))


def donor_statement(recipient: Region, quotes: list[dict[str, Any]]) -> Statement | None:
    """The first quote that names the recipient's donors as a closed list (see _PATTERNS),
    with the donors it names (regions the gazetteer finds in the list); None if none does."""
    from duikou.regions import default_gazetteer

    if not recipient.code:
        return None
    gazetteer = default_gazetteer()
    for quote in quotes:
        text = quote["quote"]
        mentions = gazetteer.find_mentions(text)
        for m in (m for m in mentions if m.region.code == recipient.code):
            name = re.escape(text[m.start:m.end])
            for pattern in _PATTERNS:
                found = re.compile(pattern.replace("{r}", name)).search(text, max(0, m.start - 30))
                if not found or not (found.start() <= m.start < found.end()):
                    continue
                start, end = found.span("donors")
                donors = [d.region for d in mentions if start <= d.start and d.end <= end and d.region.code
                          and d.region.code != recipient.code]
                if donors:
                    return Statement(donors, quote)
    return None


def contradicts(donor: Region, statement: Statement) -> bool:
    """The statement names the recipient's donors and the asked donor is not among them (nor
    inside one of them, nor holding one)."""
    if not donor.code:
        return False
    return not any(_related(donor.code, d.code or "") for d in statement.donors)
