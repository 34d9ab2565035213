"""Models of this app; see design.md for the domain."""
