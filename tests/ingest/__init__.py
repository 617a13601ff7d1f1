"""Tests of the importer (oversight.ingest) against docs/data-contract.md."""
