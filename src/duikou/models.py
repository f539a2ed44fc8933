"""Plain data objects passed between pipeline stages.

Every stage is a pure function of one document; these classes are the only things that
cross stage boundaries, so the local and Spark engines can run the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROGRAMMES = ("援疆", "援藏", "援青", "东西部协作", "灾后重建", "对口合作", "其他对口支援")


@dataclass(frozen=True)
class RawPage:
    """One record as read from a file: a whole .txt/.html file, one .jsonl line, one WARC record."""

    source_id: str
    text: str
    path: str
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class ReadError:
    """A file (or record) that could not be read; the run goes on without it."""

    path: str
    reason: str


@dataclass(frozen=True)
class Region:
    """An administrative division (or a unit without a GB/T 2260 code, e.g. an XPCC division)."""

    code: str | None
    name: str  # official name, e.g. 海南藏族自治州
    full_name: str  # with its parents, e.g. 青海省海南藏族自治州
    level: str  # province | prefecture | county | township | other (code None below county)
    province_code: str | None = None
    parent_code: str | None = None


@dataclass(frozen=True)
class Mention:
    """A region named in clean text: [start, end) and the division it resolved to."""

    start: int
    end: int
    surface: str
    region: Region
    score: float = 1.0
    why: str = ""


@dataclass(frozen=True)
class Evidence:
    """Where a fact is stated: a span of the document's clean text and its exact quote."""

    start: int
    end: int
    quote: str
    extractor: str
    confidence: float


@dataclass(frozen=True)
class Pairing:
    donor: Region
    recipient: Region
    programme: str
    evidence: Evidence
    level: str | None = None
    since: int | None = None
    until: int | None = None


@dataclass(frozen=True)
class Claim:
    """A reported figure: e.g. 援助资金 1.845亿元 from 徐州市 to 宝鸡市, 2016–2019."""

    measure: str
    value: float  # base units: yuan for money, a count otherwise
    unit: str  # 元, 个, 人, 人次, 吨 ...
    evidence: Evidence
    subject: Region | None = None
    object: Region | None = None
    qualifier: str | None = None  # 累计 计划 超过 近 约 多
    period: str | None = None  # "2016-2020", "2019"
    status: str | None = None  # 确定 开工 建成
    # A percentage (unit "%") is tied to its base: the figure it is a share or growth of.
    base_measure: str | None = None
    base_value: float | None = None
    base_unit: str | None = None


@dataclass
class Document:
    """One article after reading, splitting and cleaning."""

    doc_id: str  # stable: source_id, or source_id#N for the N-th article glued in one file
    source_id: str
    raw_text: str  # the article's text exactly as read
    text: str  # clean, simplified text that every span refers to
    offsets: list[int]  # offsets[i] = index in raw_text of text[i]; len(text)+1 entries
    path: str = ""
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date when the page gives one
    relevance: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of raw_text that the clean span [start, end) came from."""
        return self.offsets[start], self.offsets[end]


@dataclass
class ProcessedDocument:
    """Everything the pipeline learned from one document, ready to store."""

    document: Document
    mentions: list[Mention]
    pairings: list[Pairing]
    claims: list[Claim]
    content_hash: str
    minhash: list[int] | None = None
    # (start, end, MinHash) of each paragraph long enough to recognise when reprinted elsewhere
    paragraphs: list[tuple[int, int, list[int]]] = field(default_factory=list)
    # Reprint decisions made upstream (the Spark engine clusters across partitions with the same
    # ReprintIndex): the document's cluster and each paragraph's passage head (the key
    # doc_id@start of its first copy). None: the store decides with its own indexes.
    cluster: str | None = None
    passage_heads: list[str] | None = None
