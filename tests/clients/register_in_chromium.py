"""A proposal's way through `stadtatlas serve` in a real browser.

Headless Chromium (Debian's chromium and chromium-driver), driven by
Selenium over WebDriver: a partner fills in /register as a person would
(typing, ticking, choosing, clicking), a coordinator logs in on /login,
finds the proposal in /moderation, opens it and clicks "Freigeben", then
follows the link to the new record. Prints what each page showed, as JSON,
for tests/moderation.rs to check against the store and the server.

    python register_in_chromium.py BASE_URL COORDINATOR PASSWORD

Only loopback addresses are opened (browser.py).
"""

import json
import sys

from browser import chromium, console
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, coordinator, password = sys.argv[1:4]
driver = chromium(base)
seen = {}


def text():
    return driver.find_element(By.TAG_NAME, "body").text


def gone(element):
    """Whether the element's page has been replaced. Selenium's
    staleness_of only knows the stale-element error; while a navigation
    commits, chromedriver may instead answer with an "unknown error" saying
    the node "does not belong to the document" -- the same fact, reported
    differently (seen in CI: the test failed on it instead of waiting)."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def click_and_wait(element):
    """Clicks a button or link and waits until its page has been replaced
    (a click returns before the navigation it starts is done)."""
    element.click()
    WebDriverWait(driver, 20).until(lambda _: gone(element))


try:
    # The partner: the form as the server draws it, filled by hand.
    driver.get(base + "/register")
    seen["register_title"] = driver.title
    driver.find_element(By.ID, "name").send_keys("Makerspace Glaucha im Browser e. V.")
    Select(driver.find_element(By.ID, "kind")).select_by_value("initiative")
    driver.find_element(By.CSS_SELECTOR, 'input[name="fields"][value="bildung"]').click()
    driver.find_element(By.ID, "lon").send_keys("11.9612")
    driver.find_element(By.ID, "lat").send_keys("51.4711")
    driver.find_element(By.ID, "website").send_keys("https://makerspace-glaucha.example.org")
    driver.find_element(By.ID, "description").send_keys("Offene Werkstatt <b>für</b> alle")
    driver.find_element(By.ID, "contact_name").send_keys("Browser Testperson")
    driver.find_element(By.ID, "contact_email").send_keys("browser.person@example.invalid")
    driver.find_element(By.CSS_SELECTOR, 'input[name="consent"]').click()
    click_and_wait(driver.find_element(By.CSS_SELECTOR, 'form[action="/register"] button[type="submit"]'))
    seen["after_submit_url"] = driver.current_url
    seen["after_submit"] = text()
    seen["register_console"] = console(driver)

    # Before logging in, the queue sends a browser to the login page.
    driver.get(base + "/moderation")
    seen["queue_anonymous_url"] = driver.current_url

    # The coordinator logs in, lands on the queue and finds the proposal.
    driver.get(base + "/login")
    driver.find_element(By.ID, "name").send_keys(coordinator)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver.find_element(By.CSS_SELECTOR, 'form[action="/login"] button[type="submit"]'))
    seen["after_login_url"] = driver.current_url
    rows = driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    seen["queue"] = [r.text for r in rows]
    mine = [r for r in rows if "Makerspace Glaucha im Browser" in r.text]
    click_and_wait(mine[0].find_element(By.TAG_NAME, "a"))
    seen["submission_url"] = driver.current_url
    seen["submission"] = text()

    # Approval, then the link to the new record.
    click_and_wait(driver.find_element(By.XPATH, '//button[text()="Freigeben"]'))
    seen["after_approval_url"] = driver.current_url
    seen["after_approval"] = text()
    click_and_wait(driver.find_element(By.CSS_SELECTOR, 'a[href^="/collections/entities/items/"]'))
    seen["record_url"] = driver.current_url
    seen["record"] = text()
    seen["console"] = console(driver)
finally:
    driver.quit()

json.dump(seen, sys.stdout, ensure_ascii=False, indent=1)
