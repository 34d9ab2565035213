"""Helpers that several test modules share: builders, value types and small functions.

No module here is a test module or a conftest, so any test module may import from here; no
test module imports another test module (tests/test_layout.py checks). Fixtures that several
directories use live in tests/conftest.py and build their objects with these helpers and the
factories in tests/factories.py."""
