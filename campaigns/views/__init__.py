"""Manager pages of the campaigns app (OrgView subclasses) and the public short-link redirect."""
