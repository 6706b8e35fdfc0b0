"""Importers: designs built from what teams already have (AsyncAPI documents)."""
