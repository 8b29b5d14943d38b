"""Spreadsheet import of households and persons."""
