"""Headless Chromium for the server's tests, driven by Selenium over
WebDriver: Debian's chromium and chromium-driver, named, so that Selenium
Manager downloads nothing (and is kept offline besides)."""

import os
from urllib.parse import urlparse

os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402


def chromium(base, width=1200, height=1600):
    """A browser for pages of `base`, which must be a loopback address."""
    assert urlparse(base).hostname in ("127.0.0.1", "localhost"), base
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_page_load_timeout(30)
    return driver


def console(driver):
    """The console's messages since the last call (the pages log nothing:
    each is an error or a warning, e.g. something the page's policy blocked)."""
    return [e["message"] for e in driver.get_log("browser")]
