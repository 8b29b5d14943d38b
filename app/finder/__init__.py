"""Public responsibility finder."""
