"""Extract: pairings (who assists whom) and claims (with what), each with exact evidence."""
