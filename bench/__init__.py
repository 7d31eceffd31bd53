"""Benchmarks: each measures its baseline in the same run (figures in docs/BENCHMARKS.md)."""
