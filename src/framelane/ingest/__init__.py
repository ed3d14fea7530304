"""Media in: uploads, imports, safe source fetching, probing and the asset library."""
