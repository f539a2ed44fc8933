"""Pairing extraction, first version: a donor and a recipient around an assistance verb."""

from __future__ import annotations

import re

from duikou.models import Evidence, Mention, Pairing

VERBS = {
    "对口援建": "灾后重建",
    "对口支援": None,
    "对口帮扶": None,
    "结对帮扶": None,
    "扶贫协作": "东西部协作",
    "东西部协作": "东西部协作",
    "对口合作": "对口合作",
}
SENTENCE_END = re.compile(r"[。！？!?\n]")
RECIPIENT_PROVINCE_PROGRAMME = {"65": "援疆", "54": "援藏", "63": "援青"}


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.end() - start > 1:
            spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _programme(verb_programme: str | None, recipient_code: str | None) -> str:
    if verb_programme:
        return verb_programme
    return RECIPIENT_PROVINCE_PROGRAMME.get((recipient_code or "")[:2], "其他对口支援")


def extract_pairings(text: str, mentions: list[Mention], published: str | None = None) -> list[Pairing]:
    pairings: list[Pairing] = []
    for s, e in _sentences(text):
        sentence = text[s:e]
        for verb, programme in VERBS.items():
            for vm in re.finditer(verb, sentence):
                v = s + vm.start()
                before = [m for m in mentions if s <= m.start and m.end <= v]
                after = [m for m in mentions if v + len(verb) <= m.start and m.end <= e]
                if not before or not after:
                    continue
                donor, recipient = before[-1], after[0]
                if donor.region.code == recipient.region.code:
                    continue
                start, end = donor.start, recipient.end
                pairings.append(Pairing(
                    donor=donor.region,
                    recipient=recipient.region,
                    programme=_programme(programme, recipient.region.code),
                    evidence=Evidence(s, e, text[s:e], f"verb:{verb}", 0.6),
                ))
    return pairings
