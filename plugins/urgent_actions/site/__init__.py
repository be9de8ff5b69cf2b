"""The site: which pages, lists, feeds, letters and links it has, as plans (outputs)."""
