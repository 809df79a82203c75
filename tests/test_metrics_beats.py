"""Beat Align Score (mint, bailando), 2D-MM Align, beats coverage/hit: hand values and properties."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dancebook.core import ConfigError, DataError
from dancebook.metrics.beats import (beat_align_score, beat_distance_score, kinematic_beats, mm_align_2d,
                                     beats_coverage_hit, onset_bins, music_beats)

FPS = 60

def stop_and_go(T=60, period=10):
    "A joint that stops every `period` frames (speed |sin|), so mint kinematic beats are at k * period."
    m = np.zeros((T, 2, 3)); m[:, 1, 0] = np.cumsum(np.abs(np.sin(np.pi * np.arange(T) / period)))
    return m

def test_hand_values():
    m = stop_and_go()
    assert kinematic_beats(m, FPS, order=3).tolist() == [10, 20, 30, 40, 50]
    assert beat_align_score(m, np.arange(10, 60, 10) / FPS, FPS, order=3) == pytest.approx(1.0)
    # every motion beat 3 frames from its music beat: exp(-9 / (2 * 3^2))
    assert beat_align_score(m, (np.arange(10, 60, 10) + 3) / FPS, FPS, order=3) == pytest.approx(np.exp(-0.5))
    # bailando averages over music beats: one music beat on a motion beat (frame 19 in its indexing)
    assert beat_align_score(m, [19 / FPS], FPS, convention="bailando") == pytest.approx(1.0)

def test_sigma_in_frames_scales_with_fps():
    assert beat_distance_score([0], [3], 3) == pytest.approx(np.exp(-0.5))
    m30 = stop_and_go()[::2]                               # the same motion at 30 fps: beats at 5, 10, ...
    late = (np.arange(10, 60, 10) + 4) / FPS               # music 4 frames (67 ms) after each kinematic beat
    s60 = beat_align_score(stop_and_go(), late, FPS, order=3)
    s30 = beat_align_score(m30, late, 30, order=2)
    assert s60 == pytest.approx(np.exp(-16 / 18))          # sigma = 3 frames at 60 fps
    assert s30 == pytest.approx(s60)                       # = 1.5 frames at 30 fps: the same 50 ms

def test_empty_and_one_beat():
    m = stop_and_go()
    assert beat_align_score(m, [], FPS) == 0.0
    assert beat_align_score(m, [], FPS, convention="bailando") == 0.0
    assert beat_align_score(np.zeros((60, 2, 3)), [0.5], FPS) == 0.0
    assert beat_align_score(m, [20 / FPS], FPS, order=3) == pytest.approx(np.mean(np.exp(-np.array([10, 0, 10, 20, 30]) ** 2 / 18)))

def test_batch_matches_single():
    m = stop_and_go(); mb = [np.arange(10, 60, 10) / FPS, [0.4]]
    b = beat_align_score(np.stack([m, m[::-1]]), mb, FPS, convention="bailando")
    assert b.tolist() == [beat_align_score(m, mb[0], FPS, convention="bailando"), beat_align_score(m[::-1], mb[1], FPS, convention="bailando")]
    with pytest.raises(DataError): beat_align_score(np.stack([m, m]), [mb[0]], FPS)

def test_mm_align_2d_is_mint_on_2d():
    m = stop_and_go()
    assert mm_align_2d(m[..., :2], [20 / FPS], FPS, order=3) == beat_align_score(m, [20 / FPS], FPS, order=3)
    with pytest.raises(ConfigError): beat_align_score(m, [0.1], FPS, convention="aist")

beat_lists = st.lists(st.integers(0, 600), max_size=30)

@settings(max_examples=200, deadline=None)
@given(beat_lists, beat_lists, st.floats(0.5, 10), st.integers(-1000, 1000))
def test_distance_score_range_and_shift(q, r, sigma, k):
    s = beat_distance_score(q, r, sigma)
    assert 0.0 <= s <= 1.0
    assert beat_distance_score(np.add(q, k), np.add(r, k), sigma) == pytest.approx(s)

@settings(max_examples=25, deadline=None)
@given(st.integers(0, 3), st.sampled_from(["mint", "bailando"]))
def test_signal_level_range(seed, conv):
    r = np.random.default_rng(seed)
    m = np.cumsum(r.normal(size=(90, 5, 3)), 0)
    s = beat_align_score(m, np.sort(r.uniform(0, 1.5, r.integers(0, 6))), FPS, convention=conv)
    assert 0.0 <= s <= 1.0

# --- beats coverage / hit ----------------------------------------------------------------------

SR = 22050
def clicks(times, seconds=4):
    y = np.zeros(SR * seconds, np.float32); y[(np.asarray(times) * SR).astype(int)] = 1
    return np.convolve(y, np.exp(-np.arange(300) / 30))[: len(y)].astype(np.float32)

def test_coverage_hit_by_hand():
    gt, gen = clicks([0.5, 1.5, 2.5, 3.5]), clicks([0.5, 1.6])
    assert onset_bins(gt, SR).tolist() == [True] * 4
    assert beats_coverage_hit(gen, gt, SR) == {"coverage": 0.5, "hit": 0.5}
    assert beats_coverage_hit(gt, gen, SR) == {"coverage": 2.0, "hit": 1.0}          # d2m coverage can exceed 1
    assert beats_coverage_hit(gen, gt, SR, convention="loris") == {"coverage": 1.0, "hit": 0.5, "f1": pytest.approx(2 / 3)}
    assert beats_coverage_hit(gen, gt, SR, bin_seconds=0.5)["hit"] == 0.5

def test_coverage_documented_values():
    silent = np.zeros(SR * 4, np.float32)
    assert beats_coverage_hit(clicks([1.0]), silent, SR) == {"coverage": 0.0, "hit": 0.0}
    assert beats_coverage_hit(silent, silent, SR, convention="loris") == {"coverage": 0.0, "hit": 0.0, "f1": 0.0}
    with pytest.raises(DataError, match="equal lengths"): beats_coverage_hit(clicks([1.0], 2), clicks([1.0]), SR)
    assert beats_coverage_hit(clicks([1.0], 2), clicks([1.0]), SR, convention="loris")["hit"] == 1.0

@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.05, 3.9), max_size=6), st.lists(st.floats(0.05, 3.9), max_size=6))
def test_coverage_ranges(a, b):
    d = beats_coverage_hit(clicks(a), clicks(b), SR)
    assert d["coverage"] >= 0 and 0 <= d["hit"] <= 1
    l = beats_coverage_hit(clicks(a), clicks(b), SR, convention="loris")
    assert all(0 <= v <= 1 for v in l.values())

def test_music_beats_tempo():
    mb = music_beats(clicks(np.arange(0.25, 8, 0.5), 8), SR, 60)
    assert np.median(np.diff(mb)) == pytest.approx(0.5, abs=0.02)

from scipy.signal import argrelextrema
from dancebook.metrics.beats import _strict_minima

@settings(max_examples=300, deadline=None)
@given(st.integers(1, 3), st.integers(1, 70), st.integers(1, 15), st.booleans(), st.integers(0, 2**31))
def test_strict_minima_are_argrelextrema(b, t, order, ties, seed):
    "The running-minimum kinematic beats are exactly scipy's argrelextrema(np.less) ones, ties and edges included."
    r = np.random.default_rng(seed)
    e = (r.integers(0, 4, (b, t)) if ties else r.normal(size=(b, t))).astype(np.float32)
    got, want = _strict_minima(e, order), argrelextrema(e, np.less, axis=-1, order=order)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
