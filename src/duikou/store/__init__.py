"""Store: documents, pairings, claims and their evidence in SQLite (default) or PostgreSQL.

Ingest is idempotent (a document whose content hash is already stored is skipped) and
transactional (Store.add_many writes a batch of documents in one transaction, Store.add one
document; a crash loses nothing already committed and a rerun resumes).
"""

from duikou.store.database import Store, open_store

__all__ = ["Store", "open_store"]
