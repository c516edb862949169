"""Benchmarks for the claim workbench, run on demand (`make bench`), never by the tests."""
