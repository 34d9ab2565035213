"""Watching a browser page for Content-Security-Policy violations (the `watched` fixture in
tests/browser/conftest.py installs WATCH): what the browser tests of every page assert."""

from __future__ import annotations

from selenium.webdriver.support.ui import WebDriverWait

# Runs in every new document before its own scripts (DevTools-injected, so the CSP does not
# apply to it): records each violation the page causes.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push({directive: e.effectiveDirective, blocked: e.blockedURI,
                     source: e.sourceFile, line: e.lineNumber, sample: e.sample});
});
"""


def wait_for(page, condition, timeout: float = 10):
    return WebDriverWait(page.driver, timeout).until(lambda d: condition(d))


def violations(page, *, third_party_images: bool = False) -> list[dict]:
    page.driver.execute_script("return new Promise((done) => setTimeout(done, 100))")
    found = page.driver.execute_script("return window.__csp")
    if third_party_images:  # refused by design (img-src 'self' data:); the page copes
        found = [
            v
            for v in found
            if v["directive"] != "img-src" or v["blocked"].startswith(page.base_url)
        ]
    return found


def assert_no_violations(page, *, third_party_images: bool = False) -> None:
    """No violation on the current page so far, and both policies are in force: an inline
    script injected now is refused; camera, microphone and geolocation are off."""
    assert violations(page, third_party_images=third_party_images) == [], page.driver.current_url
    page.driver.execute_script("window.__csp = []")
    ran = page.driver.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.__injected = true';"
        "document.head.appendChild(s);"
        "return window.__injected === true;"
    )
    assert not ran, f"an inline script ran on {page.driver.current_url}: no CSP in force"
    wait_for(page, lambda d: d.execute_script("return window.__csp.length") == 1)
    (refused,) = violations(page)
    assert refused["directive"] == "script-src-elem" and refused["blocked"] == "inline"
    page.driver.execute_script("window.__csp = []")
    allowed = page.driver.execute_script(
        "return ['camera', 'microphone', 'geolocation', 'clipboard-write']"
        ".map((f) => document.featurePolicy.allowsFeature(f))"
    )
    assert allowed == [False, False, False, True], page.driver.current_url
    # and Chromium understood every feature the header names
    log = [e["message"] for e in page.driver.get_log("browser")]
    assert [m for m in log if "Permissions-Policy" in m] == []
