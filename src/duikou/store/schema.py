"""Database schema (SQLAlchemy Core), portable between SQLite and PostgreSQL.

A pairing or claim is one fact; every document that states it adds an evidence row, so
reprints add sources, never facts.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 8

# Statements that bring a database from version N-1 to N (portable SQL: SQLite and PostgreSQL).
MIGRATIONS: dict[int, list[str]] = {
    2: [
        "ALTER TABLE claims ADD COLUMN base_measure VARCHAR(64)",
        "ALTER TABLE claims ADD COLUMN base_value FLOAT",
        "ALTER TABLE claims ADD COLUMN base_unit VARCHAR(16)",
    ],
    3: [],  # the passages tables are new: create_all makes them
    # Answers at scale (issue 9): claims found by code prefix through an index, and each pairing
    # evidence row knows its independent source (Store._join_source), so a pairing's number of
    # sources and its best quotes come from an index instead of every evidence row. The new
    # columns are filled by Store._backfill_sources after these statements.
    4: [
        "CREATE INDEX IF NOT EXISTS ix_claims_subject ON claims (subject_code)",
        "CREATE INDEX IF NOT EXISTS ix_claims_object ON claims (object_code)",
        "ALTER TABLE pairing_evidence ADD COLUMN cluster VARCHAR(512)",
        "ALTER TABLE pairing_evidence ADD COLUMN quote_key VARCHAR(32)",
        "ALTER TABLE pairing_evidence ADD COLUMN passage_id INTEGER",
        "ALTER TABLE pairing_evidence ADD COLUMN source INTEGER",
        "CREATE INDEX IF NOT EXISTS ix_pairing_evidence_source ON pairing_evidence (pairing_id, source)",
        "CREATE INDEX IF NOT EXISTS ix_pairing_evidence_cluster ON pairing_evidence (pairing_id, cluster)",
        "CREATE INDEX IF NOT EXISTS ix_pairing_evidence_quote ON pairing_evidence (pairing_id, quote_key)",
        "CREATE INDEX IF NOT EXISTS ix_pairing_evidence_passage ON pairing_evidence (pairing_id, passage_id)",
        "CREATE INDEX IF NOT EXISTS ix_pairing_evidence_best ON pairing_evidence (pairing_id, confidence DESC, id)",
    ],
    5: ["ALTER TABLE passages ADD COLUMN tokens TEXT"],  # stored search tokens (answer.passages)
    6: [],  # pairing_sources is new (create_all makes it); Store fills it after the upgrade
    # figures found by subject or object code with the columns an answer ranks them by
    # (measure, period, qualifier; Store.ranked_claims bounds scores from them), read from the
    # index without touching the table: covering indexes that replace the one-column indexes of
    # version 4
    7: [
        "DROP INDEX IF EXISTS ix_claims_subject",
        "DROP INDEX IF EXISTS ix_claims_object",
        ("CREATE INDEX IF NOT EXISTS ix_claims_subject_cover ON claims "
         "(subject_code, object_code, measure, period, qualifier)"),
        ("CREATE INDEX IF NOT EXISTS ix_claims_object_cover ON claims "
         "(object_code, subject_code, measure, period, qualifier)"),
    ],
    # the answer words a figure's quote contains (QUOTE_WORDS), as bits, so ranking figures by
    # words in their quotes reads an index instead of every quote; filled by the upgrade
    8: [],  # Store._migrate adds the column (when missing) and the index, then fills them
}

#: Words answers look for in a figure's quote (duikou.answer.respond: the measure asked for,
#: 累计, the programme word). claim_evidence.words has bit i set when the quote contains word i;
#: append only (a bit's meaning never changes), and a word not listed is looked for with LIKE.
QUOTE_WORDS = ("资金", "投资", "项目", "干部", "人才", "销售", "就业", "培训", "脱贫", "累计",
               "援疆", "援藏", "援青", "地震", "灾后", "东西部", "扶贫协作", "对口合作")


def quote_words(quote: str) -> int:
    """The QUOTE_WORDS bits of a quote."""
    return sum(1 << i for i, word in enumerate(QUOTE_WORDS) if word in quote)

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(512), nullable=False, unique=True),
    Column("source_id", String(512), nullable=False, index=True),
    Column("path", Text, nullable=False, default=""),
    Column("url", Text),
    Column("title", Text),
    Column("published", String(32)),
    Column("relevance", Float, nullable=False, default=0.0),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("cluster", String(512), nullable=False, index=True),  # doc_id of the first copy
    Column("signature", Text),  # MinHash of the clean text, JSON list, for reprint clustering
    Column("raw_text", Text, nullable=False),
    Column("text", Text, nullable=False),
)

pairings = Table(
    "pairings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(256), nullable=False, unique=True),
    Column("donor_code", String(16)),
    Column("donor", String(128), nullable=False),
    Column("donor_full", String(256), nullable=False),
    Column("recipient_code", String(16)),
    Column("recipient", String(128), nullable=False),
    Column("recipient_full", String(256), nullable=False),
    Column("programme", String(16), nullable=False),
    Column("level", String(32)),
    Column("since", Integer),
    Column("until", Integer),
)

def _evidence_columns() -> list[Column]:
    """Where a fact is stated: a document, a span of its clean text (and of the raw text), the quote."""
    return [
        Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("raw_start", Integer, nullable=False),
        Column("raw_end", Integer, nullable=False),
        Column("quote", Text, nullable=False),
        Column("extractor", String(64), nullable=False),
        Column("confidence", Float, nullable=False),
    ]


pairing_evidence = Table(
    "pairing_evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pairing_id", Integer, ForeignKey("pairings.id"), nullable=False, index=True),
    *_evidence_columns(),
    Column("since", Integer),
    Column("until", Integer),
    # Independent sources (see answer.respond._distinct_sources): rows of one pairing whose
    # documents are reprints of each other (cluster), that quote the same sentence (quote_key:
    # hash of the normalised quote) or stand in the same reprinted paragraph (passage_id) share
    # `source` (the id of one of them).
    Column("cluster", String(512)),
    Column("quote_key", String(32)),
    Column("passage_id", Integer),
    Column("source", Integer),
    UniqueConstraint("pairing_id", "document_id", "start", "end", name="uq_pairing_evidence"),
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(512), nullable=False, unique=True),
    Column("subject_code", String(16)),
    Column("subject", String(128)),
    Column("object_code", String(16)),
    Column("object", String(128)),
    Column("measure", String(64), nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("qualifier", String(16)),
    Column("period", String(32)),
    Column("status", String(16)),
    Column("base_measure", String(64)),
    Column("base_value", Float),
    Column("base_unit", String(16)),
)

claim_evidence = Table(
    "claim_evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False, index=True),
    *_evidence_columns(),
    Column("words", Integer, nullable=False, server_default="0"),  # quote_words(quote)
    UniqueConstraint("claim_id", "document_id", "start", "end", name="uq_claim_evidence"),
)
Index("ix_claim_evidence_words", claim_evidence.c.claim_id, claim_evidence.c.words)

# A paragraph reprinted on many sites is one passage with many sources.
passages = Table(
    "passages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(600), nullable=False, unique=True),  # doc_id@start of its first copy
    Column("text", Text, nullable=False),  # as first seen
    Column("signature", Text, nullable=False),  # MinHash, JSON list
    # search tokens (answer.passages), written at the first search so later processes need not
    # segment every passage again; NULL until then
    Column("tokens", Text),
)

passage_sources = Table(
    "passage_sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("passage_id", Integer, ForeignKey("passages.id"), nullable=False, index=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

# One row per independent source of a pairing (see pairing_evidence.source) with its best
# evidence row (the most confident, ties: the first stored): a pairing's number of sources and
# its best quotes are read from here, however many reprints stand behind them.
pairing_sources = Table(
    "pairing_sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pairing_id", Integer, ForeignKey("pairings.id"), nullable=False),
    Column("source", Integer, nullable=False),
    Column("best_id", Integer, nullable=False),  # a pairing_evidence id
    Column("confidence", Float, nullable=False),
    UniqueConstraint("pairing_id", "source", name="uq_pairing_sources"),
)

Index("ix_pairing_sources_best", pairing_sources.c.pairing_id, pairing_sources.c.confidence.desc(),
      pairing_sources.c.best_id)
Index("ix_pairings_donor", pairings.c.donor_code)
Index("ix_pairings_recipient", pairings.c.recipient_code)
Index("ix_claims_subject_cover", claims.c.subject_code, claims.c.object_code, claims.c.measure, claims.c.period,
      claims.c.qualifier)
Index("ix_claims_object_cover", claims.c.object_code, claims.c.subject_code, claims.c.measure, claims.c.period,
      claims.c.qualifier)
Index("ix_pairing_evidence_source", pairing_evidence.c.pairing_id, pairing_evidence.c.source)
Index("ix_pairing_evidence_cluster", pairing_evidence.c.pairing_id, pairing_evidence.c.cluster)
Index("ix_pairing_evidence_quote", pairing_evidence.c.pairing_id, pairing_evidence.c.quote_key)
Index("ix_pairing_evidence_passage", pairing_evidence.c.pairing_id, pairing_evidence.c.passage_id)
Index("ix_pairing_evidence_best", pairing_evidence.c.pairing_id, pairing_evidence.c.confidence.desc(),
      pairing_evidence.c.id)
