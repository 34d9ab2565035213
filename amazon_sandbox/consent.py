"""HTML pages: LWA consent screen, error page, stand-in product/store pages."""

from __future__ import annotations

from html import escape

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;background:#f3f3f3;margin:0;color:#111}
header{background:#131921;color:#fff;padding:10px 24px;font-size:20px}
header b{color:#ff9900}
.banner{background:#fff4e5;border-bottom:1px solid #f0c36d;padding:6px 24px;font-size:13px}
main{max-width:560px;margin:32px auto;background:#fff;border:1px solid #ddd;border-radius:8px;
padding:24px 28px}
h1{font-size:22px;font-weight:400;margin-top:0}
label{display:block;font-size:13px;font-weight:bold;margin:12px 0 4px}
input[type=text]{width:100%;padding:7px;box-sizing:border-box;border:1px solid #a6a6a6;
border-radius:3px}
.buttons{margin-top:22px;display:flex;gap:12px}
button{padding:8px 22px;border-radius:8px;border:1px solid #a88734;cursor:pointer;font-size:14px}
button.allow{background:#f0c14b}
button.deny{background:#eee;border-color:#adb1b8}
.muted{color:#565959;font-size:13px}
code{background:#f6f6f6;padding:1px 4px}
"""


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        "<header><b>amazon</b> sandbox</header>"
        "<div class=banner>This is the local <b>Amazon sandbox</b> used for demos and tests. "
        "No real Amazon account is involved.</div>"
        f"<main>{body}</main></body></html>"
    )


def consent_page(params: dict[str, str], default_account: str) -> str:
    """The Login with Amazon consent screen with Allow / Deny buttons."""
    hidden = "".join(
        f'<input type=hidden name="{escape(k)}" value="{escape(v)}">' for k, v in params.items()
    )
    body = (
        "<h1>Amazon sandbox &ndash; Login with Amazon</h1>"
        f"<p>The application <code>{escape(params.get('client_id', ''))}</code> would like "
        "to access your Amazon Advertising data:</p>"
        f"<ul><li>Manage your Amazon Advertising campaigns "
        f"(<code>{escape(params.get('scope', ''))}</code>)</li></ul>"
        '<form method=post action="/ap/oa/decision">'
        f"{hidden}"
        "<label for=account>Sandbox account (any e-mail; each one is a different advertiser)"
        "</label>"
        f'<input type=text id=account name=account value="{escape(default_account)}">'
        "<div class=buttons>"
        "<button class=allow type=submit name=decision value=allow>Allow</button>"
        "<button class=deny type=submit name=decision value=deny>Deny</button>"
        "</div></form>"
        f"<p class=muted>You will be sent back to {escape(params.get('redirect_uri', ''))}</p>"
    )
    return _page("Amazon sandbox - Login with Amazon", body)


def error_page(title: str, message: str) -> str:
    """A 4xx page (e.g. an invalid consent request)."""
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")


def product_page(asin: str, name: str, price: float, currency: str, note: str) -> str:
    """Stand-in Amazon product detail page."""
    body = (
        f"<h1>Amazon sandbox &ndash; product {escape(asin)}</h1>"
        f"<p><b>{escape(name)}</b></p><p>Price: {price:,.{0 if currency == 'JPY' else 2}f} "
        f"{escape(currency)}</p>"
        "<div class=buttons><button class=allow type=button>Add to Cart</button>"
        "<button class=deny type=button>Buy Now</button></div>"
        f"<p class=muted>{escape(note)}</p>"
    )
    return _page(f"Amazon sandbox - {asin}", body)


def store_page(store_id: str, featured_asin: str, note: str) -> str:
    """Stand-in Amazon Store page."""
    body = (
        f"<h1>Amazon sandbox &ndash; store {escape(store_id)}</h1>"
        f'<p>Featured product: <a href="/dp/{escape(featured_asin)}">'
        f"{escape(featured_asin)}</a></p><p class=muted>{escape(note)}</p>"
    )
    return _page(f"Amazon sandbox - store {store_id}", body)


def index_page(url: str) -> str:
    """Landing page listing the sandbox endpoints."""
    body = (
        "<h1>Amazon sandbox</h1><p>Impersonates Login with Amazon, the Ads API profiles "
        "endpoint and Amazon Attribution.</p><ul>"
        f"<li>LWA consent: <code>{escape(url)}/ap/oa</code></li>"
        f"<li>LWA token: <code>{escape(url)}/auth/o2/token</code></li>"
        f"<li>Ads API base: <code>{escape(url)}</code> (optional region prefix "
        "<code>/na</code>, <code>/eu</code>, <code>/fe</code>)</li>"
        f"<li>Product pages: <code>{escape(url)}/dp/&lt;ASIN&gt;?&lt;tag&gt;</code></li>"
        f"<li>Control: <code>{escape(url)}/sandbox/state</code></li></ul>"
    )
    return _page("Amazon sandbox", body)
