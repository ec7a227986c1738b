"""Real-browser tests (a package, so its conftest and helpers never clash with tests/conftest.py)."""
