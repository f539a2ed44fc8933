"""Rows of the Spark engine's Parquet tables, to and from the pipeline's objects.

One `processed` row per document (mentions, pairings, claims and paragraphs nested), or per
page that gave no document, or per error. `to_rows` runs on the executors, `from_row` on the
driver when loading into the store; from_row(to_rows(...)) gives back the same
ProcessedDocument, so the store receives exactly what the local engine would give it.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from duikou.models import (
    Claim,
    Document,
    Evidence,
    Mention,
    Pairing,
    ProcessedDocument,
    Region,
)

REGION = ("struct<code:string,name:string,full_name:string,level:string,province_code:string,"
          "parent_code:string>")
EVIDENCE = ("struct<`start`:int,`end`:int,raw_start:int,raw_end:int,quote:string,extractor:string,"
            "confidence:double>")
MENTION = f"struct<`start`:int,`end`:int,surface:string,region:{REGION},score:double,why:string>"
PAIRING = (f"struct<donor:{REGION},recipient:{REGION},programme:string,level:string,since:int,"
           f"until:int,evidence:{EVIDENCE}>")
CLAIM = (f"struct<measure:string,value:double,unit:string,evidence:{EVIDENCE},subject:{REGION},"
         f"object:{REGION},qualifier:string,period:string,status:string,base_measure:string,"
         "base_value:double,base_unit:string>")
PARAGRAPH = "struct<`start`:int,`end`:int,signature:array<bigint>>"

#: kind: document | page (read, no document in it) | error (not read) | failed (the pipeline
#: raised on it). ordinal orders rows as the local engine meets them: file, record, document.
PROCESSED = (
    "ordinal:bigint,kind:string,path:string,reason:string,page_bytes:bigint,doc_id:string,"
    "source_id:string,url:string,title:string,published:string,relevance:double,meta:string,"
    "raw_text:string,text:string,offsets:binary,content_hash:string,signature:array<bigint>,"
    f"mentions:array<{MENTION}>,pairings:array<{PAIRING}>,claims:array<{CLAIM}>,"
    f"paragraphs:array<{PARAGRAPH}>"
)

_FILE_BITS, _RECORD_BITS = 36, 12


def ordinal(file: int, record: int, doc: int = 0) -> int:
    """One sortable 63-bit number for (file, record in the file, document in the record)."""
    return (file << _FILE_BITS) | (record << _RECORD_BITS) | doc


def _region(r: Region | None) -> tuple | None:
    if r is None:
        return None
    return (r.code, r.name, r.full_name, r.level, r.province_code, r.parent_code)


def _evidence(ev: Evidence, offsets: list[int]) -> tuple:
    # raw span exactly as the store computes it (Store._add_evidence)
    return (ev.start, ev.end, offsets[ev.start], offsets[min(ev.end, len(offsets) - 1)], ev.quote,
            ev.extractor, ev.confidence)


def other_row(number: int, kind: str, path: str, reason: str | None = None,
              page_bytes: int | None = None, source_id: str | None = None) -> tuple:
    """A row for a page without documents, an unreadable file or record, or a failed page."""
    return (number, kind, path, reason, page_bytes, None, source_id) + (None,) * 14


def document_row(number: int, processed: ProcessedDocument, page_bytes: int | None) -> tuple:
    d = processed.document
    offsets = d.offsets
    return (
        number, "document", d.path, None, page_bytes, d.doc_id, d.source_id, d.url, d.title, d.published,
        d.relevance, json.dumps(d.meta, ensure_ascii=False, default=str), d.raw_text, d.text,
        np.asarray(offsets, dtype=np.int32).tobytes(), processed.content_hash,
        list(processed.minhash) if processed.minhash is not None else None,
        [(m.start, m.end, m.surface, _region(m.region), m.score, m.why) for m in processed.mentions],
        [(_region(p.donor), _region(p.recipient), p.programme, p.level, p.since, p.until,
          _evidence(p.evidence, offsets)) for p in processed.pairings],
        [(c.measure, c.value, c.unit, _evidence(c.evidence, offsets), _region(c.subject), _region(c.object),
          c.qualifier, c.period, c.status, c.base_measure, c.base_value, c.base_unit) for c in processed.claims],
        [(start, end, list(signature)) for start, end, signature in processed.paragraphs],
    )


def _to_region(r: dict[str, Any] | None) -> Region | None:
    return None if r is None else Region(**r)


def _to_evidence(e: dict[str, Any]) -> Evidence:
    return Evidence(e["start"], e["end"], e["quote"], e["extractor"], e["confidence"])


def from_row(row: dict[str, Any], cluster: str | None = None,
             passage_heads: list[str] | None = None) -> ProcessedDocument:
    """The ProcessedDocument of a `document` row (as pyarrow's to_pylist gives it)."""
    offsets = np.frombuffer(row["offsets"], dtype=np.int32).tolist()
    document = Document(
        doc_id=row["doc_id"], source_id=row["source_id"], raw_text=row["raw_text"], text=row["text"],
        offsets=offsets, path=row["path"], url=row["url"], title=row["title"], published=row["published"],
        relevance=row["relevance"], meta=json.loads(row["meta"]),
    )
    mentions = [Mention(m["start"], m["end"], m["surface"], _to_region(m["region"]), m["score"], m["why"])
                for m in row["mentions"]]
    pairings = [Pairing(_to_region(p["donor"]), _to_region(p["recipient"]), p["programme"],
                        _to_evidence(p["evidence"]), p["level"], p["since"], p["until"]) for p in row["pairings"]]
    claims = [Claim(c["measure"], c["value"], c["unit"], _to_evidence(c["evidence"]), _to_region(c["subject"]),
                    _to_region(c["object"]), c["qualifier"], c["period"], c["status"], c["base_measure"],
                    c["base_value"], c["base_unit"]) for c in row["claims"]]
    paragraphs = [(p["start"], p["end"], p["signature"]) for p in row["paragraphs"]]
    return ProcessedDocument(document, mentions, pairings, claims, row["content_hash"], row["signature"],
                             paragraphs, cluster=cluster, passage_heads=passage_heads)
