"""Benchmarks: each bench_*.py has main() -> str (a markdown section); `python -m bench` runs them."""
