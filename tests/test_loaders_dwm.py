"""Dance with Melody on the real release (skipped without ../shared/data), its split, and the cache."""
import shutil
from pathlib import Path
import numpy as np, pytest
from dancebook.data.cache import FeatureCache
from dancebook.data.dwm import load_dwm, load_dwm_clip, dwm_split, save_dwm_pair, DWM_SPAN_TOLERANCE

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DWM = DATA / "dance_with_melody"
README_MINUTES = {"chacha": 6.0, "rumba": 11.7, "tango": 1.7, "waltz": 11.0}   # the release README's table
needs_data = pytest.mark.skipif(not DWM.is_dir(), reason="../shared/data not found: real Dance with Melody tests skipped")

@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return FeatureCache(tmp_path_factory.mktemp("cache"))

@pytest.fixture(scope="module")
def clips(cache):
    return load_dwm(DWM, cache=cache)

@needs_data
def test_all_25_pairs_load(clips):
    assert len(clips) == 25
    assert {c.genre for c in clips} == set(README_MINUTES)
    assert all(c.skeleton == "dwm23" and c.motion.shape[1:] == (23, 3) and c.fps == 25 for c in clips)

@needs_data
def test_minutes_per_genre_match_readme(clips):
    for g, m in README_MINUTES.items():
        assert abs(sum(c.duration for c in clips if c.genre == g) / 60 - m) <= 0.5, g

@needs_data
def test_audio_duration_equals_motion_duration(clips):
    for c in clips:
        assert abs(c.audio_duration - c.duration) <= 1 / c.fps, c.meta["name"]

@needs_data
def test_span_mismatch_is_small_and_measured(clips):
    "The release's skeletons are 3-56 frames shorter than their config spans; all within the tolerance."
    mism = np.array([c.meta["span_mismatch_frames"] for c in clips])
    spans = np.array([c.meta["end_frame"] - c.meta["start_frame"] for c in clips])
    assert (mism < 0).all() and (np.abs(mism) <= DWM_SPAN_TOLERANCE * spans).all()
    assert -mism.min() == 56   # DANCE_T_5: 2504 frames vs span 2560

@needs_data
def test_split_keeps_every_genre_in_train_and_holds_out_about_a_fifth(clips, cache):
    sides = {c.meta["name"]: c.meta["split"] for c in clips}
    assert {c.genre for c in clips if c.meta["split"] == "train"} == set(README_MINUTES)
    test_min = sum(c.duration for c in clips if c.meta["split"] == "test")
    assert 0.1 <= test_min / sum(c.duration for c in clips) <= 0.3
    assert [c.meta["name"] for c in load_dwm(DWM, split="test", cache=cache)] == sorted(
        (n for n, s in sides.items() if s == "test"), key=lambda n: (n[6], int(n[8:])))

@needs_data
def test_15fps_keeps_music_and_motion_aligned(clips):
    c25 = clips[0]
    c15 = load_dwm_clip(DWM / c25.meta["name"], fps=15, cache=False)
    assert c15.fps == 15 and abs(c15.audio_duration - c15.duration) <= 1 / 15
    assert abs(c15.duration - c25.duration) <= 1 / 15
    np.testing.assert_allclose(c15.motion[3], c25.motion[5], atol=1e-4)   # 3/15 s == 5/25 s

def test_split_is_deterministic_and_by_genre():
    d = {f"DANCE_{g}_{i}": 60.0 + i for g in "CRW" for i in range(1, 9)} | {"DANCE_T_1": 90.0}
    s = dwm_split(d)
    assert s == dwm_split(dict(sorted(d.items(), reverse=True)))
    assert s["DANCE_T_1"] == "train"
    for g in "CRW":
        held = sum(d[n] for n in d if n[6] == g and s[n] == "test") / sum(d[n] for n in d if n[6] == g)
        assert 0.1 < held < 0.3

def test_cache_hit_returns_identical_clip(tmp_path):
    m = np.random.default_rng(0).standard_normal((40, 23, 3)).astype(np.float32)
    f = save_dwm_pair(tmp_path / "DANCE_R_1", m, 0.1 * np.random.default_rng(1).standard_normal(22050 * 3), 22050, start=10)
    cache = FeatureCache(tmp_path / "cache")
    a, b = load_dwm_clip(f, cache=cache), load_dwm_clip(f, cache=cache)
    assert (cache.misses, cache.hits) == (1, 1)
    assert np.array_equal(a.motion, b.motion) and np.array_equal(a.audio, b.audio) and a.meta == b.meta
    np.testing.assert_allclose(a.motion, m, atol=1e-4)
    (f / "config.json").write_text('{"start_position": 12, "end_position": 52}')   # an edited file is a miss
    assert load_dwm_clip(f, cache=cache).meta["start_frame"] == 12 and cache.misses == 2

@needs_data
def test_truncated_real_mp3_is_reported(tmp_path):
    src = DWM / "DANCE_C_2"
    dst = tmp_path / "DANCE_C_2"; shutil.copytree(src, dst)
    (dst / "audio.mp3").chmod(0o644)
    data = (src / "audio.mp3").read_bytes(); (dst / "audio.mp3").write_bytes(data[: len(data) // 3])
    with pytest.raises(Exception, match=r"audio\.mp3: truncated audio"):
        load_dwm_clip(dst, cache=False)
