"""The HTML report: what it contains (escaped, self-contained), and what a person sees in a
real headless browser (Debian's chromium driven by selenium): the tree, the flags, the filter.

The thread and its scores are made up here, so each test knows which comments are flagged.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from moderation import Article, Comment, Thread
from moderation.report import GENERATOR, render_report

from .conftest import EXAMPLES, run_cli

SCRIPT_TEXT = "<script>window.__pwned = 1</script> & <img src=x onerror=\"window.__pwned = 2\">"

# id, author, text, flags, stance, explanation
COMMENTS = [
    ("1", "Ana", "The pool has needed new tiles for years, so closing it for a summer is fine.", "", "support", ""),
    ("1.1", "Ben", "You absolute clown, the tiles are fine.", "incivility", "deny", 'incivility: "clown" +2.10, "you" +0.40'),
    ("1.1.1", "Ana", "No need for that. The inspection report lists forty cracked tiles.", "", "deny", ""),
    ("1.2", "Cy", SCRIPT_TEXT, "", "comment", ""),
    ("2", "Dee", "The council is closing it so the water company can test chemicals on us.", "conspiracy", "deny",
     'conspiracy: "chemicals" +1.70'),
    ("2.1", "Eve", "Is there any source for that?", "", "query", ""),
    ("3", "Fay", "Lovely sunny weather this week, went to the beach twice.", "off_topic", "comment",
     "off_topic: low similarity to article +1.20"),
    ("3.1", "Gus", "Same here, the beach was packed.", "", "comment", ""),
]
FLAGGED = {"1.1", "2", "3"}
CONTEXT = {"1"}  # not flagged, but answered by a flagged comment: kept by the filter


def make_thread(title: str = "Town pool to close for a summer of repairs", thread_id: str = "pool") -> Thread:
    comments = [Comment(id=cid, parent_id=cid.rpartition(".")[0] or None, author=author, text=text,
                        depth=cid.count(".") + 1) for cid, author, text, *_ in COMMENTS]
    return Thread(article=Article(title=title, subtitle="Tiles, pumps and the changing rooms",
                                  body="The council will close the town pool from June to September.",
                                  source="Test Gazette", tags=["pool", "council"]),
                  comments=comments, thread_id=thread_id)


def make_scores(thread: Thread) -> pd.DataFrame:
    rows = []
    for (cid, author, text, flags, stance, why), c in zip(COMMENTS, thread.comments):
        row = {"thread_id": thread.thread_id, "id": cid, "parent_id": c.parent_id or "", "author": author, "text": text}
        for label in ("incivility", "conspiracy", "off_topic"):
            row[label] = 0.9 if label in flags else 0.1
        row.update({"flags": flags, "explanation": why, "stance": stance})
        for s in ("support", "deny", "query", "comment"):
            row[f"stance_{s}"] = 0.7 if s == stance else 0.1
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def page() -> str:
    thread = make_thread()
    return render_report([thread], make_scores(thread))


def li_of(page: str, cid: str) -> str:
    """The opening tag of the list item for comment `cid` (anchors are t<thread>-c<index>)."""
    index = [c[0] for c in COMMENTS].index(cid)
    return re.search(rf'<li class="c" id="t0-c{index}"[^>]*>', page).group(0)


# --- the HTML itself ---------------------------------------------------------------------

def test_comment_text_is_escaped_and_only_our_script_runs(page):
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt; &amp; &lt;img src=x onerror=&quot;" in page
    assert "<script>window" not in page and "<img" not in page
    assert page.count("<script") == 1 and page.count("</script>") == 1


def test_hostile_title_author_and_explanation_are_escaped():
    thread = make_thread(title='</title><script>alert("t")</script>')
    thread.comments[1].author = '"><svg onload=alert(1)>'
    scores = make_scores(thread)
    scores.loc[1, "explanation"] = 'incivility: "</p><script>alert(2)</script>" +1.00'
    out = render_report([thread], scores)
    assert out.count("<script") == 1
    assert "<svg onload" not in out and "&lt;svg onload=alert(1)&gt;" in out
    assert "&lt;/title&gt;&lt;script&gt;" in out


def test_self_contained_nothing_to_fetch(page):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # and the browser is told to load nothing


def test_flags_stance_and_filter_attributes(page):
    for cid in FLAGGED:
        flags = dict((c[0], c[3]) for c in COMMENTS)[cid]
        assert f'data-f="{flags}"' in li_of(page, cid)
    for cid in set(c[0] for c in COMMENTS) - FLAGGED:
        assert "data-f=" not in li_of(page, cid)
    assert 'data-d="incivility"' in li_of(page, "1")  # 1.1 below it is flagged
    assert "data-d=" not in li_of(page, "3")  # its reply 3.1 is clean
    assert "⚑ incivility</span>" in page and ">denies parent</span>" in page and ">supports article</span>" in page
    assert "why flagged?</summary><p>incivility: &quot;clown&quot; +2.10" in page


def test_summary_figures_and_chart(page):
    assert "<b>8</b> comments by <b>7</b> authors; <b>3</b> flagged (38%)" in page
    chart = re.search(r'<svg class="chart".*?</svg>', page, re.S).group(0)
    assert ">incivility</text>" in chart and ">1 (12%)</text>" in chart  # one of eight comments
    article, replies = chart.split("<text class=\"h\"")[2:]
    deny = r'>deny</text>(?:<rect[^>]*/>)*<text[^>]*>'
    assert re.search(deny + r"1 \(33%\)<", article)  # one of the three top-level comments denies
    assert re.search(deny + r"2 \(40%\)<", replies)  # two of the five replies deny their parent


def test_summaries_can_be_passed_and_threads_get_sections():
    from moderation import summarise

    a, b = make_thread(thread_id="a"), make_thread(title="Second thread", thread_id="b")
    scores = pd.concat([make_scores(a), make_scores(b)], ignore_index=True)
    summaries = [summarise(a, scores.iloc[:8]), summarise(b, scores.iloc[8:]).as_dict()]
    out = render_report([a, b], scores, summaries)
    assert out == render_report([a, b], scores)  # same figures whether passed or computed; deterministic
    assert out.count('<section class="thread"') == 2 and '<a href="#t1">Second thread</a>' in out
    assert 'id="t1-c7"' in out


def test_scores_must_match_the_threads():
    thread = make_thread()
    with pytest.raises(ValueError, match="7 rows for 8 comments"):
        render_report([thread], make_scores(thread).iloc[:7])


# --- the CLI -----------------------------------------------------------------------------

def test_cli_writes_a_report_and_replaces_only_its_own(tmp_path):
    out = tmp_path / "report.html"
    out.write_text(f'<!DOCTYPE html><meta name="generator" content="{GENERATOR} 0.0.1">old')
    result = run_cli("report", EXAMPLES / "harbour-ferry-fares.txt", "--output", out)
    assert result.returncode == 0, result.stderr.decode()
    html = out.read_text()
    assert html.count('<li class="c"') == 12 and "Harbour ferry fares" in html
    assert "why flagged?" in html  # explanations of the shipped model's flags

    mine = tmp_path / "notes.html"
    mine.write_text("my own notes")
    result = run_cli("report", EXAMPLES / "harbour-ferry-fares.txt", "-o", mine)
    assert result.returncode == 2 and b"not overwriting" in result.stderr
    assert mine.read_text() == "my own notes"
    assert run_cli("report", EXAMPLES / "harbour-ferry-fares.txt").returncode == 2  # --output is required


# --- in a real browser -------------------------------------------------------------------

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed: pip install '.[test]'")
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("no headless browser: install Debian's chromium and chromium-driver "
                    "(apt-get install chromium chromium-driver; .ci/run does)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


@pytest.fixture
def shown(browser, page, tmp_path):
    """Open the report; return a function telling which comments a person can see."""
    from selenium.webdriver.common.by import By

    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())

    def visible_ids() -> set[str]:
        return {li.find_element(By.CSS_SELECTOR, ".cid").text
                for li in browser.find_elements(By.CSS_SELECTOR, "li.c") if li.is_displayed()}

    return visible_ids


def test_browser_shows_every_comment_with_its_marks(browser, shown):
    from selenium.webdriver.common.by import By

    assert shown() == {c[0] for c in COMMENTS}
    body = browser.find_element(By.TAG_NAME, "body").text
    for cid, _, text, flags, *_ in COMMENTS:
        assert text in body
        li = browser.find_element(By.CSS_SELECTOR, f'li.c[id="t0-c{[c[0] for c in COMMENTS].index(cid)}"]')
        head = li.find_element(By.CSS_SELECTOR, ".head").text
        assert (f"⚑ {flags}" in head) == bool(flags), head
    assert "Town pool to close for a summer of repairs" in body
    assert "denies parent" in body and "queries parent" in body
    # The hostile comment shows as text and did not run.
    assert SCRIPT_TEXT in body
    assert browser.execute_script("return window.__pwned === undefined")
    # Nothing was fetched: the page is self-contained.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_browser_filter_only_flagged_keeps_the_context(browser, shown):
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, 'input[name="show"][value="any"]').click()
    assert shown() == FLAGGED | CONTEXT
    assert browser.find_element(By.ID, "shown").text == "3 of 8 flagged"
    dimmed = browser.execute_script("return getComputedStyle(document.querySelector('#t0-c0 > .card')).opacity")
    assert float(dimmed) < 1  # comment 1 is only context for its flagged reply
    browser.find_element(By.CSS_SELECTOR, 'input[name="show"][value="incivility"]').click()
    assert shown() == {"1", "1.1"}
    browser.find_element(By.CSS_SELECTOR, 'input[name="show"][value="all"]').click()
    assert shown() == {c[0] for c in COMMENTS}


def test_browser_folds_subtrees_and_explains_on_click(browser, shown):
    from selenium.webdriver.common.by import By

    first = browser.find_element(By.ID, "t0-c0")
    first.find_element(By.CSS_SELECTOR, "details.replies > summary").click()
    assert shown() == {c[0] for c in COMMENTS} - {"1.1", "1.1.1", "1.2"}
    browser.find_element(By.ID, "expand-all").click()
    assert shown() == {c[0] for c in COMMENTS}

    ben = browser.find_element(By.ID, "t0-c1")
    why = ben.find_element(By.CSS_SELECTOR, "details.why p")
    assert not why.is_displayed()
    ben.find_element(By.CSS_SELECTOR, "details.why > summary").click()
    assert why.is_displayed() and '"clown" +2.10' in why.text
    assert '"clown" +2.10' in ben.find_element(By.CSS_SELECTOR, ".flag").get_attribute("title")  # on hover too


def test_browser_filter_unfolds_what_it_shows(browser, shown):
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, "collapse-all").click()
    assert shown() == {"1", "2", "3"}
    browser.find_element(By.CSS_SELECTOR, 'input[name="show"][value="any"]').click()
    assert shown() == FLAGGED | CONTEXT
