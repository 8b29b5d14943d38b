"""Consent (Einwilligung) per person: versioned records, PDF form, `has_consent()` for others."""
