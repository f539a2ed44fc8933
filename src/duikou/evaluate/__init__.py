"""Evaluation against gold labels (SPEC §5)."""
