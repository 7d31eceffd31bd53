"""Tools for developing the console: running the built app for browser tests and benchmarks."""
