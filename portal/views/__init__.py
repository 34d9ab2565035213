"""Pages of the creator portal: access (home, magic link, password) and one brand's pages."""
