"""Benchmarks: `make bench-nlu` (NLU pipelines)."""
