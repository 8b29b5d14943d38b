"""Organisations that run integration management, their regional teams and municipalities."""
