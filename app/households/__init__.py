"""Households and persons in counselling, eligibility and search."""
