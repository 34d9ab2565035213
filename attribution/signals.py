"""What the Amazon side announces to (or asks of) the layers above it, which subscribe in their
`AppConfig.ready()`; attribution itself imports none of them."""

from django.dispatch import Signal

# A sync wrote a window of a store's facts. Sent inside the write's transaction and tenant
# scope, before the run is recorded as succeeded: a receiver that raises rolls the whole
# write back and fails the run. Keyword arguments: `store` (attribution.Store) and `sync_run`
# (attribution.SyncRun, whose window_start..window_end is the window written). The sender is
# the Store class.
sync_applied = Signal()

# A sync asks how far back the history of tag groups Amazon just stopped masking goes
# (attribution.sync.history). Sent inside the sync's tenant scope with `store`
# (attribution.Store) and `campaign_ids` (a set of Amazon campaign ids); a receiver returns
# {Amazon campaign id: the campaign's first day} for the ids it knows (campaigns.apps connects
# one). Ids nobody knows go back to the first day held for the store. The sender is the Store
# class.
campaign_starts = Signal()

# The operator rotates FIELD_ENCRYPTION_KEYS (`manage.py rotate_encryption_keys`): besides
# the Amazon refresh tokens, the layers above re-encrypt the secrets they keep with the same
# keys (attribution.crypto.rotate). Sent inside each organisation's tenant scope and
# transaction; a receiver returns (what it re-encrypted, how many), e.g.
# ("payout details", 3). The sender is the Organization class.
secrets_rotating = Signal()
