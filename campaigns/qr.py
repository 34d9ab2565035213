"""Short-link URLs and their QR codes (segno: SVG and PNG without Pillow)."""

from __future__ import annotations

import io

import segno
from django.conf import settings

from campaigns.clicks.handoff import SUB_RE


def short_url(code: str, sub: str = "") -> str:
    """The public short link, on SHORT_LINK_BASE_URL (default SITE_URL)."""
    base = (getattr(settings, "SHORT_LINK_BASE_URL", "") or settings.SITE_URL).rstrip("/")
    url = f"{base}/l/{code}"
    return f"{url}?sub={sub}" if sub and SUB_RE.match(sub) else url


def qr_svg(url: str, *, title: str = "") -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=8, border=2, title=title or url, xmldecl=False, svgclass="qr"
    )
    return out.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
