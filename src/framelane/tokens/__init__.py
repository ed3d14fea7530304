"""Design tokens: the Tokencraft-compatible `/api/v1`, exports, brand tokens in renders."""
