"""Benchmarks: speed and accuracy targets (`make bench`, docs/development.md)."""
