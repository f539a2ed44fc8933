"""Regions: the gazetteer of China's divisions, mention detection and context-aware resolution.

Contract used by the rest of the pipeline:
    default_gazetteer() -> Gazetteer           (cached; loads the shipped data files, ~0.1 s)
    Gazetteer.find_mentions(text) -> list[Mention]     resolved, non-overlapping, sorted by start
    Gazetteer.candidates(name, context="") -> list[Candidate]   ranked, best first
    Gazetteer.by_code(code) -> Region | None
    Gazetteer.lookup(name) -> list[Region]     every division that name may denote
    duikou.regions.resolve_self_references(text, mentions, url=None) -> list[Mention]
                              the new mentions for 我省/我市/我州/我县/我区 (why "self:…"), only
                              where the page's own place is clear (publisher, qualifier, dateline,
                              known counterparts); merge them with find_mentions' list
    duikou.regions.report.describe_candidates(name, context) -> list[dict]   (`duikou region`)

Mention.why starts with how the name matched, then "; "-separated reasons when context decided:
    name                      official name (江苏省, 海南藏族自治州)
    short                     short / common name (江苏, 海南州, 克州, 伊犁)
    former:<old> (<from>–<to>) a name no longer in force; region is today's unit
                              (former:达孜县 (2008–2017) -> 达孜区 540104)
    zone                      development zone without a GB/T 2260 code (镇江新区; code None)
    short:twin; <reason>      a prefecture's bare name read as its same-name county inside a list of
                              sibling counties or before 三县/两区 (和田 -> 和田县)
    zone; <word> of <city>    a zone written right after its city (常州经开区, 无锡市新区管委会; code None)
    township; <reason>        a 乡/镇/街道 inside its county's context (竹园镇 after 青川; code None,
                              level "township", full_name 四川省广元市青川县竹园镇); "; a village
                              follows (双桥村)" and score 0.6 when it only locates a project in a
                              village (援建岐山县蒲村镇双桥村道路: the corpus labels the county)
    xpcc / xpcc-short         XPCC division (兵团第四师 / 四师; code None, level "other")
    abbrev:<pair>             one character of a pair compound (苏 in abbrev:苏陕); span = 1 char
    programme-word:<援X>      the X of a programme word (疆 in programme-word:援疆); span = 1 char
Mention.score is 1.0 for a name with a single reading, else 0.5 (tie) .. 0.95 (clear margin).
The pairing extractor should treat abbrev/programme-word mentions as weaker than full names.
"""

from duikou.regions.gazetteer import Candidate, Gazetteer, default_gazetteer
from duikou.regions.selfref import resolve_self_references

__all__ = ["Candidate", "Gazetteer", "default_gazetteer", "resolve_self_references"]
