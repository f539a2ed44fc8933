"""Regions: the gazetteer of China's divisions, mention detection and context-aware resolution.

Contract used by the rest of the pipeline:
    default_gazetteer() -> Gazetteer           (cached; loads the shipped data files)
    Gazetteer.find_mentions(text) -> list[Mention]     resolved, non-overlapping, sorted by start
    Gazetteer.candidates(name, context="") -> list[Candidate]   ranked, best first
    Gazetteer.by_code(code) -> Region | None
    Gazetteer.lookup(name) -> list[Region]     every division that name may denote
"""

from duikou.regions.gazetteer import Candidate, Gazetteer, default_gazetteer

__all__ = ["Candidate", "Gazetteer", "default_gazetteer"]
