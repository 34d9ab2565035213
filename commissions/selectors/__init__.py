"""Reads of the ledger, by sub-domain: conversions (the managers' list), payables (finance)
and earnings (a creator's own, for the portal)."""
