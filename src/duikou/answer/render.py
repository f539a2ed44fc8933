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


def render_text(answer: Answer) -> str:
    lines = [f"问：{answer.question}", f"答：{answer.summary}", ""]
    for part in answer.parts:
        basis = "、".join(BASIS_WORDS.get(b, b) for b in part.basis)
        lines.append(f"{VERDICT_MARK.get(part.verdict, '•')} {_title(part)}" + (f"  [{basis}]" if basis else ""))
        lines.append(f"  {part.statement}")
        for row in part.official[:MAX_OFFICIAL_LINES]:
            years = f"{row['since'] or '?'}–{row['until']}年" if row.get("until") else f"{row['since'] or '?'}年起"
            mark = "" if row.get("status") == "confirmed" else "，未经核实"
            lines.append(f"  · 官方安排：{row['donor']['name']} → {row['recipient']['name']}（{row['programme']}，{years}{mark}）"
                         f" — {row['source']}")
        if len(part.official) > MAX_OFFICIAL_LINES:
            lines.append(f"  · 官方安排另有 {len(part.official) - MAX_OFFICIAL_LINES} 项")
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
