"""KUMKM Warehouse ingest package."""
