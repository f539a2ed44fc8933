"""Render an Answer as plain text for the terminal."""

from __future__ import annotations

from duikou.answer.respond import Answer, format_period, format_value

VERDICT_MARK = {"yes": "✔", "found": "✔", "no_evidence": "✘", "not_found": "✘", "official_only": "✘"}


def render_text(answer: Answer) -> str:
    lines = [f"问：{answer.question}", f"答：{answer.summary}", ""]
    for part in answer.parts:
        lines.append(f"{VERDICT_MARK.get(part.verdict, '•')} {part.subject}")
        lines.append(f"  {part.statement}")
        for fact in part.facts[:6]:
            since = f"，{fact.since}年起" if fact.since else ""
            lines.append(f"  · {fact.donor} → {fact.recipient}（{fact.programme}{since}；{fact.documents} 篇文档报道）")
            for q in fact.quotes:
                lines.append(f"      「{q['quote']}」 — {q['doc']}")
        for claim in part.claims:
            qualifier = f"{claim['qualifier']}，" if claim.get("qualifier") else ""
            lines.append(f"  · {claim['measure']} {format_value(claim['value'], claim['unit'])}"
                         f"（{qualifier}{format_period(claim['period'])}）")
            lines.append(f"      「{claim['quote']}」 — {claim['doc']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
