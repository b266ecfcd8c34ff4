"""Label tables and --map / --where, as `moderate train` reads them."""

from __future__ import annotations

import numpy as np
import pytest

from moderation import TableError
from moderation.frames import label_set_frame, parse_map, table_frame

from .conftest import REPO


def write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_map_threshold_rename_and_category(tmp_path):
    path = write(tmp_path, "comment,toxicity,relevance,tid\nhello,0.7,Good,a\nbye,0.2,Bad,a\nmeh,,Bad,b\n")
    frame = table_frame(path, maps=["text=comment", "incivility=toxicity>=0.5", "off_topic=relevance==Bad"])
    assert frame["text"].tolist() == ["hello", "bye", "meh"]
    assert frame["incivility"].tolist()[:2] == [1.0, 0.0] and np.isnan(frame["incivility"][2])  # blank stays unknown
    assert frame["off_topic"].tolist() == [0.0, 1.0, 1.0]
    assert frame["stance"].isna().all()


def test_where_filters_rows(tmp_path):
    path = write(tmp_path, "text,stance,split,is_source\na,support,train,0\nb,deny,test,0\nc,query,train,1\n")
    frame = table_frame(path, where=["split!=test", "is_source==0"])
    assert frame["text"].tolist() == ["a"] and frame["stance"].tolist() == ["support"]


@pytest.mark.parametrize(
    "table, maps, message",
    [
        ("text,incivility\na,1\nb,7\n", [], "incivility = '7'"),
        ("text,stance\na,agree\n", [], "stance = 'agree'"),
        ("body\na\n", [], "no 'text' column"),
        ("text,score\na,high\n", ["incivility=score>=0.5"], "'high' is not a number"),
        ("text\na\n", ["incivility=nope>=0.5"], "no column 'nope'"),
    ],
)
def test_bad_tables(tmp_path, table, maps, message):
    with pytest.raises(TableError, match=message):
        table_frame(write(tmp_path, table), maps=maps)


def test_bad_map_rules():
    with pytest.raises(TableError, match="cannot read --map"):
        parse_map("incivility")
    with pytest.raises(TableError, match="not one of ours"):
        parse_map("rudeness=toxicity")


def test_label_set_frame_has_context():
    frame = label_set_frame(REPO / "labels", "test")
    assert len(frame) > 500 and set(frame["group"]).__len__() >= 25
    replies = frame[frame["depth"] > 1]
    assert (replies["parent_text"].str.len() > 0).all()
    assert (frame["article_text"].str.len() > 0).all()


SHARED = REPO.parent / "shared" / "data"


@pytest.mark.parametrize(
    "name, maps, where, label",
    [
        ("fox_news_comments/fox_news_comments.csv", [], [], "incivility"),
        ("wiki_context_toxicity/wiki_context_toxicity.csv", ["incivility=perspective_api_score>=0.5"], [], "incivility"),
        ("davidson_hate_offensive/davidson_hate_offensive.csv", [], [], "incivility"),
        ("rumoureval2017/rumoureval2017_subtaskA.csv", [], ["split!=test", "is_source==0"], "stance"),
        ("semeval2016_task3_cqa/semeval2016_task3_cqa_subtaskA.csv", [], [], "off_topic"),
        ("covid_vaccine_conspiracy_comments/covid_vaccine_conspiracy_comments.csv", [], [], "conspiracy"),
    ],
)
def test_real_datasets_read_without_hand_editing(name, maps, where, label):
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    frame = table_frame(path, maps=maps, where=where)
    assert len(frame) > 100
    assert frame[label].notna().sum() > 100


def test_rows_without_a_thread_are_their_own_folds_group(tmp_path):
    """An empty thread_id must not put every row in one group (cross-validation needs folds)."""
    path = tmp_path / "flat.csv"
    path.write_text("thread_id,text,conspiracy\n,a,1\n,b,0\nt1,c,1\nt1,d,0\n", encoding="utf-8")
    groups = list(table_frame(path)["group"])
    assert groups == ["flat.csv:row0", "flat.csv:row1", "flat.csv:t1", "flat.csv:t1"]
