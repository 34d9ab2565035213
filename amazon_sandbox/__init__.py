"""Local Amazon sandbox: Login with Amazon + Ads API profiles + Amazon Attribution.

Standard library only; no Django. Start it with ``python -m amazon_sandbox`` or embed
:class:`SandboxServer` in tests.
"""

from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_SEED,
    SandboxServer,
)
from .state import SandboxState

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DEFAULT_SEED",
    "SandboxServer",
    "SandboxState",
]
