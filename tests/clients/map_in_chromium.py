"""What a person sees of `stadtatlas serve`'s /map: a screenshot of the
page in headless Chromium (browser.py), read pixel by pixel with Pillow.

For every marker and district the page draws, the browser says where on
the screen it lies and whether it is on top there (elementFromPoint);
the screenshot must show that element's own fill colour at that spot. A
page whose map did not render, or rendered off screen, under other
elements or in other colours, fails. Prints the counts as JSON and keeps
the screenshot at OUT_PNG.

    python map_in_chromium.py BASE_URL OUT_PNG
"""

import io
import json
import sys

from browser import chromium, console
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, out = sys.argv[1:3]
driver = chromium(base, width=1300, height=1100)

# For each marker its centre; for each district a point of its own fill
# (a 9 x 9 grid over its box, the first point where it is on top, inside
# its fill and away from its edge). Viewport coordinates of pixel centres,
# CSS pixels (one device pixel each: browser.py sets the scale to 1).
PLACES = """
const svg = document.querySelector('#mapbox svg');
svg.scrollIntoView({block: 'start'});
const onTop = (el, x, y) => document.elementFromPoint(x, y) === el;
// On top at a pixel's centre and 2 px around it: that pixel is the
// element's own colour, not an edge blended with a neighbour's.
const around = [[0, 0], [2, 0], [-2, 0], [0, 2], [0, -2]];
const clear = (el, x, y) => around.every(([dx, dy]) => onTop(el, x + dx, y + dy));
const markers = [...svg.querySelectorAll('circle.marker')].map(m => {
  const r = m.getBoundingClientRect();
  const x = Math.floor(r.left + r.width / 2) + 0.5, y = Math.floor(r.top + r.height / 2) + 0.5;
  return {fill: m.getAttribute('fill'), x, y, top: clear(m, x, y)};
});
const districts = [...svg.querySelectorAll('path.district')].map(d => {
  const r = d.getBoundingClientRect();
  for (let i = 1; i < 10; i++) {
    for (let j = 1; j < 10; j++) {
      const x = Math.floor(r.left + r.width * i / 10) + 0.5;
      const y = Math.floor(r.top + r.height * j / 10) + 0.5;
      if (clear(d, x, y)) {
        return {fill: d.getAttribute('fill'), x, y, top: true};
      }
    }
  }
  return {fill: d.getAttribute('fill'), top: false};
});
return {markers, districts, ready: document.body.dataset.ready};
"""


def rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


try:
    driver.get(base + "/map")
    WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    places = driver.execute_script(PLACES)
    png = driver.get_screenshot_as_png()
    messages = console(driver)
finally:
    driver.quit()

with open(out, "wb") as f:
    f.write(png)
shot = Image.open(io.BytesIO(png)).convert("RGB")


def shown(place):
    """Whether the screenshot has the element's fill at its place."""
    x, y = int(place["x"]), int(place["y"])
    if not (0 <= x < shot.width and 0 <= y < shot.height):
        return False
    return shot.getpixel((x, y)) == rgb(place["fill"])


result = {"console": messages, "ready": places["ready"], "size": [shot.width, shot.height]}
for kind in ("markers", "districts"):
    drawn = places[kind]
    on_top = [p for p in drawn if p["top"]]
    result[kind] = len(drawn)
    result[kind + "_on_top"] = len(on_top)
    result[kind + "_in_the_screenshot"] = sum(shown(p) for p in on_top)
    result[kind + "_colours"] = sorted({p["fill"] for p in on_top if shown(p)})
json.dump(result, sys.stdout, indent=1)
