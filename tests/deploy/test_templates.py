"""The templates keep to the Content-Security-Policy (config/settings/base.py): no inline event
handlers or javascript: URLs (script-src has no 'unsafe-inline'), every inline <script> carries
the request's nonce, and no inline styles (style-src is 'self'; only the API docs pages, from
drf-spectacular's templates, allow them)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# The API docs pages (api/urls.py) allow inline styles; their scripts still need the nonce.
INLINE_STYLES_ALLOWED = {"drf_spectacular/redoc.html", "drf_spectacular/swagger_ui.html"}
NONCE = 'nonce="{{ request.csp_nonce }}"'

EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+)\s*=", re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.DOTALL)
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt", ".js"})


def source(path: Path) -> str:
    """The template without its Django comments."""
    return COMMENTS.sub("", path.read_text(encoding="utf-8"))


def name(path: Path) -> str:
    return path.relative_to(TEMPLATES).as_posix()


def test_there_are_templates_to_check():
    assert len(templates()) > 50


def test_no_inline_event_handlers_or_javascript_urls():
    offenders = {
        name(p): EVENT_HANDLER.findall(source(p)) + JAVASCRIPT_URL.findall(source(p))
        for p in templates()
    }
    assert {k: v for k, v in offenders.items() if v} == {}, "move them into static/js/"


def test_inline_scripts_carry_the_nonce():
    offenders = {
        name(p): [a for a in SCRIPT_TAG.findall(source(p)) if "src=" not in a and NONCE not in a]
        for p in templates()
    }
    assert {k: v for k, v in offenders.items() if v} == {}, f"add {NONCE}"


def test_no_inline_styles():
    offenders = {
        name(p): STYLE_ATTRIBUTE.findall(source(p))
        + [a for a in STYLE_TAG.findall(source(p)) if NONCE not in a]
        for p in templates()
        if name(p) not in INLINE_STYLES_ALLOWED
    }
    assert {k: v for k, v in offenders.items() if v} == {}, "use classes in static/css/app.css"


def test_the_checks_catch_what_they_are_for():
    assert EVENT_HANDLER.findall('<select id="x"\n  onchange="this.form.submit()">')
    assert not EVENT_HANDLER.findall('<a data-on-click="x" href="/online=1">')
    assert JAVASCRIPT_URL.findall('<a href="javascript:void(0)">')
    assert SCRIPT_TAG.findall("<script>alert(1)</script>") == [""]
    assert STYLE_ATTRIBUTE.findall('<body style="margin:0">')
