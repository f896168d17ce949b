"""Pure functions that decide which candidates become sources, each with a stored reason."""
