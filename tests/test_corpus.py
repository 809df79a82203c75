"""One corpus rule (dancebook.data.corpus), the toy clip, and the paper-table record (dancebook.tables)."""
from pathlib import Path

import numpy as np
import pytest

from dancebook.core import ConfigError, DatasetNotFound, get_preset
from dancebook.data.corpus import CORPORA, Corpus, dance_dataset, load_corpus, toy_clip
from dancebook.tables import NOT_BUILT, PaperTable

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_dwm = pytest.mark.skipif(not (DATA / "dance_with_melody").is_dir(), reason="Dance with Melody not in ../shared/data")
SMOKE = get_preset("smoke")


def synth(split, **kw):
    "A small SynthDance split (two genres, 2-s clips)."
    return load_corpus("synth", split, preset=SMOKE, genres=("rumba", "waltz"), clip_seconds=2.0, **kw)


def test_auto_without_data_is_synthdance(tmp_path):
    assert dance_dataset("auto", tmp_path) == "synth"
    c = load_corpus("auto", "test", preset=SMOKE, data_dir=tmp_path, genres="waltz", clip_seconds=1.0)
    assert isinstance(c, Corpus) and c.name == "synth" and c.split == "test" and len(c) == 1


@needs_dwm
def test_auto_with_data_is_dance_with_melody():
    train, test = (load_corpus("auto", s, preset="small", data_dir=DATA, fps=15) for s in ("train", "test"))
    assert train.name == test.name == "dwm"
    names = [{c.meta["name"] for c in x} for x in (train, test)]
    assert len(names[0]) + len(names[1]) == 25 and not names[0] & names[1]
    assert all(c.fps == 15 for c in train) and {c.meta["split"] for c in test} == {"test"}


@needs_dwm
def test_smoke_caps_dwm_clips_and_seconds():
    c = load_corpus("dwm", "train", preset=SMOKE, data_dir=DATA)
    assert len(c) == SMOKE.max_train_clips and max(x.duration for x in c) <= SMOKE.max_clip_seconds


def test_explicit_dwm_without_data_says_so(tmp_path):
    with pytest.raises(DatasetNotFound, match="Dance with Melody not found"):
        load_corpus("dwm", data_dir=tmp_path)


def test_synth_split_holds_out_unseen_music():
    whole = get_preset("smoke", max_train_clips=None, max_test_clips=None)    # no caps: every clip of both splits
    train, test = (load_corpus("synth", s, preset=whole, genres=("rumba", "waltz"), clip_seconds=2.0) for s in ("train", "test"))
    assert (len(train), len(test)) == (2 * SMOKE.clips_per_genre, 2)
    assert not any(np.array_equal(a.audio, b.audio) for a in train for b in test)
    big = load_corpus("synth", "test", preset="small", genres="waltz", clip_seconds=1.0)
    assert len(big) == get_preset("small").clips_per_genre // 4      # a fifth of the corpus held out


def test_same_arguments_same_clips():
    a, b = synth("train"), synth("train")
    assert all(np.array_equal(x.audio, y.audio) and np.array_equal(x.motion, y.motion) for x, y in zip(a, b))
    assert not np.array_equal(a[0].audio, synth("train", seed=1)[0].audio)


def test_sizes_come_from_the_preset_or_the_arguments():
    assert len(synth("train")) == SMOKE.max_train_clips
    assert len(synth("train", max_clips=3)) == 3
    cut = synth("train", max_seconds=1.0, fps=10)
    assert [x.n_frames for x in cut] == [10, 10] and cut[0].fps == 10


@pytest.mark.parametrize("call, choices", [
    (lambda: load_corpus("aistpp"), "one of ('dwm', 'synth')"),
    (lambda: load_corpus("synth", "valid"), "('train', 'test')"),
    (lambda: load_corpus("synth", genres=("polka",), preset=SMOKE), "choose from"),
    (lambda: load_corpus("synth", preset="huge"), "unknown preset"),
])
def test_bad_names_raise_config_error_naming_the_choices(call, choices):
    with pytest.raises(ConfigError, match=choices.replace("(", r"\(").replace(")", r"\)")): call()


def test_registry_names_every_dataset():
    assert set(CORPORA) == {"dwm", "synth"}


def test_toy_clip_clicks_and_rests_on_the_beat():
    c = toy_clip(4.0, bpm=90, sr=8000, fps=30)
    assert c.audio.shape == (32000,) and c.motion.shape == (120, 23, 3) and c.tempo == 90
    hand = c.motion[:, 6, 1]
    assert np.allclose(hand[np.round(c.beats * 30).astype(int)], hand.min(), atol=0.01)
    peak = np.abs(c.audio[int(c.beats[0] * 8000):][:400]).max()
    assert peak > 0.5 and np.abs(c.audio[:int(0.2 * 8000)]).max() < 0.1
    assert toy_clip(2.0, skeleton="smpl24").motion.shape == (50, 24, 3)


def tiny():
    return PaperTable("P", "Table 2", "two systems", ("a", "b"), {"X [1]": (1.0, None), "Ours": (2.0, 3.0)},
                      units="%", convention={"b": "ours"}, dataset="D", notes="n")


def test_paper_table_frame_keeps_the_numbers():
    f = tiny().frame()
    assert f.loc["Ours"].tolist() == [2.0, 3.0] and np.isnan(f.loc["X [1]", "b"])
    assert "dataset: D" in tiny().header() and "b: ours" in tiny().header()


def test_compare_shows_blanks_and_systems_not_built():
    df = tiny().compare({"Ours": {"a": 2.5}, "Extra": (4.0, 5.0)})
    assert list(df.index) == ["X [1]", "Ours", "Extra"]
    assert df.loc["X [1]"].tolist() == [1.0, NOT_BUILT, "", NOT_BUILT]
    assert df.loc["Ours"].tolist() == [2.0, 2.5, 3.0, ""]
    assert df.loc["Extra", ("a", "paper")] == "" and not df.isna().any().any()


def test_compare_rejects_rows_that_do_not_fit():
    with pytest.raises(ConfigError, match="not columns"): tiny().compare({"Ours": {"c": 1}})
    with pytest.raises(ConfigError, match="need 2 values"): PaperTable("P", "T", "c", ("a", "b"), {"x": (1, 2, 3)})
    with pytest.raises(ConfigError, match="side must be"): tiny().compare({}, side="diagonal")
