"""Browser tests: Debian's Chromium (/usr/bin/chromium) driven by Selenium through Debian's
chromedriver, against Django's live server. Screenshots go to artifacts/screenshots/. The
`browser` and `page` fixtures (tests/conftest.py) use these.

When REQUIRE_BROWSER_TESTS is set (CI), a missing browser fails the run instead of skipping."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = (390, 844)
DESKTOP = (1280, 900)


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() and bool(
        shutil.which(CHROMEDRIVER) or Path(CHROMEDRIVER).exists()
    )


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium; skips the test (fails it under REQUIRE_BROWSER_TESTS) without one."""
    if not _browser_available():
        message = f"Chromium/chromedriver not found ({CHROMIUM}, {CHROMEDRIVER})"
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail(message + " and REQUIRE_BROWSER_TESTS is set")
        pytest.skip(message + "; apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(3)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    def __init__(self, driver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def sign_in(self, email: str, password: str) -> None:
        from selenium.webdriver.common.by import By

        self.open("/accounts/login/")
        self.driver.find_element(By.NAME, "username").send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        from selenium.webdriver.support.ui import WebDriverWait

        # the next page has loaded: either we left the sign-in page or it shows an error
        WebDriverWait(self.driver, 10).until(
            lambda d: (
                "/accounts/login/" not in d.current_url
                or d.find_elements(By.CSS_SELECTOR, ".msg-error, .errorlist, [role=alert]")
                or "Too many" in d.page_source
            )
        )

    def wait_until(self, condition, timeout: float = 15) -> None:  # type: ignore[no-untyped-def]
        """Until `condition(driver)` holds. A click only starts a request: while the old page
        goes away, reading it can fail in several ways (a stale element, a missing one, or
        Chromium's "node does not belong to the document"); each just means "not yet"."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, timeout, ignored_exceptions=(WebDriverException,)).until(
            condition
        )

    def text(self, selector: str = "body") -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def viewport(self, size: tuple[int, int]) -> None:
        """Emulate a device of this CSS size (a phone is also `mobile`, with touch metrics)."""
        width, height = size
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": width < 600,
            },
        )

    def overflows_horizontally(self) -> bool:
        return bool(
            self.driver.execute_script(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
        )

    def screenshot(self, name: str, size: tuple[int, int] | None = None) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if size:
            self.viewport(size)
        path = ARTIFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path
