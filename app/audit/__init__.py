"""Append-only, hash-chained audit log of who viewed and changed what."""
