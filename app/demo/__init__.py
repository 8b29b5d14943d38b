"""Synthetic demo county (Landkreis Göppingen towns, invented people only)."""
