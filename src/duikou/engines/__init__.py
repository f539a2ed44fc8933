"""Engines run the same per-document pipeline: `local` in this process, `spark` on a cluster."""
