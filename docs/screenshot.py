"""Take a full-page screenshot of a report in headless Chromium (how docs/report-seed.png is made).

    moderate report ../shared/seeds/004_*.txt -o /tmp/seed.html
    python docs/screenshot.py /tmp/seed.html docs/report-seed.png --open-why 1

Needs Debian's `chromium` and `chromium-driver` and the `selenium` package (the test extra).
`--open-why N` unfolds the first N "why flagged?" explanations so the picture shows one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("page", type=Path)
    ap.add_argument("png", type=Path)
    ap.add_argument("--width", type=int, default=1100)
    ap.add_argument("--max-height", type=int, default=4000, help="cut the picture here (pixels)")
    ap.add_argument("--open-why", type=int, default=0, metavar="N")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = ap.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                f"--window-size={args.width},900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(args.chromedriver))
    try:
        driver.get(args.page.resolve().as_uri())
        for summary in driver.find_elements(By.CSS_SELECTOR, "details.why > summary")[: args.open_why]:
            summary.click()
        height = min(driver.execute_script("return document.documentElement.scrollHeight"), args.max_height)
        driver.set_window_size(args.width, height + 140)  # window chrome: make the viewport hold the page
        inner = driver.execute_script("return window.innerHeight")
        driver.set_window_size(args.width, height + 140 + (height - inner))
        driver.save_screenshot(str(args.png))
    finally:
        driver.quit()
    print(f"wrote {args.png} ({args.width}x{height})")


if __name__ == "__main__":
    main()
