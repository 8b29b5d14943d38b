"""Caseload handover: households of one manager or place to another manager or team."""
