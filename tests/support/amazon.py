"""The bundled Amazon sandbox as the tests drive it: its credentials, its control API and the
tagged traffic of alpha's US store."""

from __future__ import annotations

SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-secret"

# Tagged traffic of alpha's US store (the `us_store` fixture): two campaigns, three creators.
LINKS = [
    {"campaignId": "spring", "adGroupId": "jane", "creativeId": "jane-1", "asin": "B0AAAAAAA1"},
    {"campaignId": "spring", "adGroupId": "jane", "creativeId": "jane-2", "asin": "B0AAAAAAA2"},
    {"campaignId": "spring", "adGroupId": "omar", "creativeId": "omar-1", "asin": "B0AAAAAAA1"},
    {"campaignId": "summer", "adGroupId": "lee", "creativeId": "lee-1", "asin": "B0AAAAAAA3"},
]


def sandbox_control(server, path: str, payload: dict | None = None) -> dict:
    """POST to the sandbox's control API (`/sandbox/clock`, `/sandbox/faults`, ...)."""
    import requests

    response = requests.post(f"{server.url}{path}", json=payload or {}, timeout=5)
    response.raise_for_status()
    return response.json()
