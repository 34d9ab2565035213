"""The attribution sync: pull Amazon's PERFORMANCE reports for a store and make the stored
facts equal them, in one transaction (see service.py for the whole story)."""
