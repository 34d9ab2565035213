"""What the Amazon side announces to the layers above it, which subscribe in their
`AppConfig.ready()`; attribution itself imports none of them."""

from django.dispatch import Signal

# A sync wrote a window of a store's facts. Sent inside the write's transaction and tenant
# scope, before the run is recorded as succeeded: a receiver that raises rolls the whole
# write back and fails the run. Keyword arguments: `store` (attribution.Store) and `sync_run`
# (attribution.SyncRun, whose window_start..window_end is the window written). The sender is
# the Store class.
sync_applied = Signal()
