"""Fixtures for the Amazon sandbox tests (standard library server, no Django needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amazon_sandbox import SandboxServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh in-memory sandbox on a free port."""
    with SandboxServer(port=0, seed=42) as srv:
        yield srv
