"""The creator portal (/portal/): a creator's own links, clicks, Amazon results and earnings,
each brand (organisation) on its own, never another creator's numbers nor a brand's totals.

Access: `selectors.brands` finds the signed-in account's creator profiles across brands under
row-level security (`user_scope`); every page of one brand then runs inside that brand's
tenant scope, for the one profile that belongs to the account (`views.base.PortalView`)."""
