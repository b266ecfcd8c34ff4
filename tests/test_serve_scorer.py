"""One comment at a time gives the batch path's numbers, context and all."""

from __future__ import annotations

import pytest

from moderation.frames import thread_rows
from moderation.inputs import parse_thread
from moderation.labels import BINARY_LABELS, STANCES
from moderation.model import load_model
from moderation.scoring import score_threads
from moderation.serve.articles import load_articles, normalize_url, url_slug
from moderation.serve.scorer import FastScorer

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_fast_scorer_matches_score_threads_on_whole_threads(model):
    scorer = FastScorer(model)
    for path in sorted(EXAMPLES.glob("*.txt")):
        thread = parse_thread(path)
        expected = score_threads(model, [thread])
        for row, (_, want) in zip(thread_rows(thread), expected.iterrows()):
            got = scorer.score(row["text"], parent=row["parent_text"], article=row["article_text"],
                               quotes=row["quotes"], depth=row["depth"]).as_dict()
            for col in (*BINARY_LABELS, *(f"stance_{s}" for s in STANCES)):
                assert got[col] == pytest.approx(want[col], abs=1e-5), (path.name, row["text"][:40], col)
            assert (got["flags"], got["stance"]) == (want["flags"], want["stance"])


def test_article_registry_matches_urls_ids_and_dump_names(tmp_path):
    (tmp_path / "harbour-ferry-fares.txt").write_text((EXAMPLES / "harbour-ferry-fares.txt").read_text(encoding="utf-8"),
                                                      encoding="utf-8")
    (tmp_path / "index.csv").write_text("url,story_id,title,text\nhttps://www.a.example/x/,s-1,Title A,Body A\n",
                                        encoding="utf-8")
    (tmp_path / "comments.csv").write_text("id,text\n1,hello\n", encoding="utf-8")
    registry = load_articles(tmp_path)
    assert len(registry) == 2 and any("no 'url' column" in w for w in registry.warnings)
    assert registry.lookup("http://a.example/x?utm=1#top").title == "Title A"
    assert registry.lookup("", "s-1").body == "Body A"
    assert registry.lookup("https://courier.example/2024/harbour-ferry-fares.html").title.startswith("Harbour ferry")
    assert registry.lookup("https://a.example/unknown") is None
    assert normalize_url("HTTPS://WWW.A.example:443/x/") == "a.example/x" and url_slug("a.example/b/c.htm") == "c"
