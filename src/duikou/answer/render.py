"""Render an Answer as plain text for the terminal. The mark follows the verdict (✔ yes,
✘ no, ? not found), never the basis alone."""

from __future__ import annotations

from duikou.answer.respond import Answer, format_period, format_value

VERDICT_MARK = {"yes": "✔", "found": "✔", "no": "✘", "not_found": "?"}
BASIS_WORDS = {"official": "官方安排", "reported": "本语料报道"}
MAX_OFFICIAL_LINES = 4


def _title(part) -> str:
    donor, recipient = part.donor.get("name"), part.recipient.get("name")
    if donor and recipient:
        return f"{donor} → {recipient}"
    return donor or recipient or ""


def _inside(inner: str | None, outer: str | None) -> bool:
    if not inner or not outer or inner == outer:
        return False
    prefix = outer[:2] if outer.endswith("0000") else outer[:4] if outer.endswith("00") else outer
    return inner.startswith(prefix)


def _headline(part) -> list[dict]:
    """The official rows worth a line: the part's own donor's (when it has any), without rows
    whose recipient lies inside another listed row of the same donor and programme."""
    rows = part.official
    own = [r for r in rows if part.donor.get("code") and r["donor"]["code"] == part.donor["code"]]
    rows = own or rows
    def covered(r: dict, o: dict) -> bool:  # o says r already: a wider donor or recipient, same programme
        if o is r or o["programme"] != r["programme"]:
            return False
        rd, od, rr, orr = r["donor"]["code"], o["donor"]["code"], r["recipient"]["code"], o["recipient"]["code"]
        same_or_in_donor = o["donor"] == r["donor"] or _inside(rd, od)
        same_or_in_recipient = o["recipient"] == r["recipient"] or _inside(rr, orr)
        return same_or_in_donor and same_or_in_recipient and (o["donor"] != r["donor"] or o["recipient"] != r["recipient"])

    return [r for r in rows if not any(covered(r, o) for o in rows)]


def render_text(answer: Answer) -> str:
    lines = [f"问：{answer.question}", f"答：{answer.summary}", ""]
    for part in answer.parts:
        basis = "、".join(BASIS_WORDS.get(b, b) for b in part.basis)
        lines.append(f"{VERDICT_MARK.get(part.verdict, '•')} {_title(part)}" + (f"  [{basis}]" if basis else ""))
        lines.append(f"  {part.statement}")
        headline = _headline(part)[:MAX_OFFICIAL_LINES]
        for row in headline:
            years = f"{row['since'] or '?'}–{row['until']}年" if row.get("until") else f"{row['since'] or '?'}年起"
            mark = "" if row.get("status") == "confirmed" else "，未经核实"
            lines.append(f"  · 官方安排：{row['donor']['name']} → {row['recipient']['name']}（{row['programme']}，{years}{mark}）"
                         f" — {row['source']}")
        if len(part.official) > len(headline):
            lines.append(f"  · 官方安排另有 {len(part.official) - len(headline)} 项（下属市县的安排等，见 --json）")
        for fact in part.facts[:6]:
            since = f"，{fact.since}年起" if fact.since else ""
            lines.append(f"  · {fact.donor['name']} → {fact.recipient['name']}（{fact.programme}{since}；"
                         f"{fact.documents} 篇文档报道）")
            for q in fact.quotes:
                lines.append(f"      「{q['quote']}」 — {q['doc']}")
        for claim in part.claims:
            qualifier = f"{claim['qualifier']}，" if claim.get("qualifier") else ""
            lines.append(f"  · {claim['measure']} {format_value(claim['value'], claim['unit'])}"
                         f"（{qualifier}{format_period(claim['period'])}）")
            lines.append(f"      「{claim['quote']}」 — {claim['doc']}")
        lines.append("")
    if answer.passages:
        lines.append("相关段落（检索结果，仅供参考，不是判断）：")
        for p in answer.passages:
            source = p.get("doc") or p.get("doc_id") or ""
            url = f" {p['url']}" if p.get("url") else ""
            lines.append(f"  · 「{(p.get('text') or '').strip()[:160]}」 — {source}{url}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
