"""Consultations (Kontakte): records, next-step tasks, timeline and PDF notes."""
