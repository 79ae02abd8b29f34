"""Benchmarks: ``python -m bench.<name>_bench``; each writes its results as JSON here."""
