"""Indicators (Kennzahlen): catalogue, values with history, reviews, worklist, count sheet."""
