"""DanceIt: S_BA, moving-distribution table, MDD and SDD."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dancebook.skeleton import COCO17
from dancebook.metrics.danceit import (beat_alignment_rate, moving_distribution, moving_distances, mdd, sdd, symmetric_kl)

def kicks(T=40, at=(5, 15, 25, 35)):
    m = np.zeros((T, 1, 2)); s = np.full(T, 0.1); s[list(at)] = 1.0; m[:, 0, 0] = np.cumsum(s); return m

def test_sba_by_hand():
    assert beat_alignment_rate(kicks(), [0.5, 1.5, 2.5, 3.5], 10) == 1.0
    assert beat_alignment_rate(kicks(), [0.5, 1.5, 2.7, 3.7], 10) == 0.5
    assert beat_alignment_rate(kicks(), [], 10) == 0.0
    assert beat_alignment_rate(kicks(), [1.5], 10) == 0.0               # one beat: the unit is the whole clip (max at 5)
    assert beat_alignment_rate(kicks(), [0.5], 10) == 1.0

@settings(max_examples=60, deadline=None)
@given(st.integers(0, 1000), st.lists(st.integers(0, 40), max_size=10), st.integers(0, 5))
def test_sba_range_and_shift(seed, frames, k):
    b = [f / 10 for f in frames]                                       # beats on frames, so shifting is exact
    m = np.cumsum(np.random.default_rng(seed).normal(size=(40, 3, 2)), 0)
    s = beat_alignment_rate(m, sorted(b), 10)
    assert 0 <= s <= 1
    m2 = np.concatenate([np.repeat(m[:1], k, 0), m])                   # both signals delayed by k frames
    inside = [x for x in sorted(b) if 1 <= round(x * 10) < 40]
    if len(inside) >= 2: assert beat_alignment_rate(m2, np.add(inside, k / 10), 10) == beat_alignment_rate(m, inside, 10)

def body(T=20, seed=0, scale=1.0):
    r = np.random.default_rng(seed)
    kp = np.zeros((T, 17, 2)); kp[:, COCO17.feet[0]] = [0, 300]; kp[:, COCO17.feet[1]] = [40, 300]
    kp[:, list(COCO17.hands)] = np.cumsum(r.normal(size=(T, 2, 2)) * 15, 0) + [100, 100]
    return kp * scale

def test_table_is_resolution_and_fps_free():
    kp = body()
    np.testing.assert_allclose(moving_distribution(kp, "coco17", 30), moving_distribution(kp * 3.7, "coco17", 30))
    np.testing.assert_allclose(moving_distances(kp[::2], "coco17", 15), moving_distances(kp[::2] * 2, "coco17", 15))
    assert moving_distribution(kp, "coco17", 30).sum() == pytest.approx(100)
    assert moving_distribution(kp[:1], "coco17", 30).tolist() == [0] * 5

def test_mdd_sdd():
    a, b = body(seed=0), body(seed=1)
    assert mdd(a, a, "coco17", 30) == 0.0 and sdd(a, a, "coco17", 30, part="foot") == 0.0
    assert mdd(a, b, "coco17", 30) == pytest.approx(mdd(b, a, "coco17", 30)) and mdd(a, b, "coco17", 30) > 0
    assert mdd(a, b * 2, "coco17", 30) == pytest.approx(mdd(a, b, "coco17", 30))
    assert mdd([a, b], np.stack([a, b]), "coco17", 30) == 0.0
    assert mdd(a[:1], b, "coco17", 30) == 0.0                          # documented: no displacement on one side

@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 200), max_size=30), st.lists(st.floats(0, 200), max_size=30), st.floats(0, 50))
def test_symmetric_kl_properties(x, y, dt):
    d = symmetric_kl(x, y)
    assert d >= -1e-12 and d == pytest.approx(symmetric_kl(y, x))
