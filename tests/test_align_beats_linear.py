"""align_beats (HarmoGAN eq. 9) by sorted matching equals the former dense audio x visual implementation exactly."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import dancebook.metrics.harmony as H
from dancebook.metrics.harmony import align_beats


def align_beats_dense(audio_times, visual_times, *, delta=0.25, window="symmetric", reuse=True):
    "The implementation align_beats replaced (dancebook 3faf7ee): a dense (n_a, n_v) distance matrix."
    ta, tv = np.asarray(audio_times, float).reshape(-1), np.asarray(visual_times, float).reshape(-1)
    sync, partner = np.zeros(len(ta), bool), np.full(len(ta), -1)
    if not len(ta) or not len(tv): return sync, partner
    dt = tv[None, :] - ta[:, None]
    dist = np.where(dt >= 0, dt, np.inf) if window == "after" else np.abs(dt)
    if reuse:
        j = dist.argmin(1); ok = dist[np.arange(len(ta)), j] <= delta
        return ok, np.where(ok, j, -1)
    used = np.zeros(len(tv), bool)
    for i, j in zip(*np.unravel_index(np.argsort(dist, axis=None, kind="stable"), dist.shape)):
        if dist[i, j] > delta: break
        if partner[i] < 0 and not used[j]: partner[i], used[j] = j, True
    return partner >= 0, partner


def sorted_align(*args, **kw):
    "align_beats with its small-input dense path switched off, so the sorted matching runs on any size."
    old, H.DENSE_PAIRS = H.DENSE_PAIRS, 0
    try: return align_beats(*args, **kw)
    finally: H.DENSE_PAIRS = old


def check(ta, tv, **kw):
    "Both paths of align_beats give the dense reference's answer, sync and partner."
    want = align_beats_dense(ta, tv, **kw)
    for got in (sorted_align(ta, tv, **kw), align_beats(ta, tv, **kw)):
        np.testing.assert_array_equal(got[0], want[0]); np.testing.assert_array_equal(got[1], want[1])


grid = st.integers(0, 40).map(lambda k: k / 8)                                  # exact ties and duplicates
near = st.tuples(st.integers(0, 40), st.integers(-3, 3)).map(lambda x: x[0] / 8 + x[1] * 2.0 ** -50)   # ties after rounding
big = st.tuples(st.integers(0, 40), st.floats(-1e-13, 1e-13)).map(lambda x: 1e3 + x[0] / 8 + x[1])    # rounding at 1e3
times = st.lists(st.one_of(grid, near, st.floats(0, 5, allow_nan=False), big), max_size=25)
deltas = st.one_of(st.sampled_from([0.0, 0.125, 0.25, 0.375, 1.0, 10.0]), st.floats(0, 2))


@settings(max_examples=600, deadline=None)
@given(times, times, deltas, st.sampled_from(["symmetric", "after"]), st.booleans())
def test_equals_dense(ta, tv, delta, window, reuse):
    check(ta, tv, delta=delta, window=window, reuse=reuse)


@pytest.mark.parametrize("reuse", [True, False])
@pytest.mark.parametrize("window", ["symmetric", "after"])
def test_equals_dense_on_beat_like_times(reuse, window):
    "Audio beats at ~2/s and visual beats at ~8/s on a 30 fps frame grid, 120 s: many near-ties, one answer."
    r = np.random.default_rng(0)
    ta = np.cumsum(r.uniform(0.3, 0.7, 240)); tv = np.round(np.cumsum(r.uniform(0.03, 0.2, 960)) * 30) / 30
    assert len(ta) * len(tv) > H.DENSE_PAIRS                                      # the sorted path, without switching
    check(ta, tv, window=window, reuse=reuse); assert align_beats(ta, tv, window=window, reuse=reuse)[0].sum() > 100


@st.composite
def edge_cases(draw):
    "Visual beats a few ulps either side of a +- delta, where float rounding decides whether they are in reach."
    ta = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=8))
    delta = draw(st.one_of(st.sampled_from([0.05, 0.1, 0.25, 1 / 3]), st.floats(0, 1)))
    ulps = st.integers(-3, 3)
    tv = [np.nextafter(e, np.inf if u > 0 else -np.inf) if u else e
          for a in ta for e, u in ((a - delta, draw(ulps)), (a + delta, draw(ulps)))]
    tv = [t + u * np.spacing(t) for t, u in zip(tv, draw(st.lists(ulps, min_size=len(tv), max_size=len(tv))))]
    return ta, draw(st.permutations(tv)), delta


@settings(max_examples=600, deadline=None)
@given(edge_cases(), st.sampled_from(["symmetric", "after"]), st.booleans())
def test_equals_dense_at_the_edge_of_reach(case, window, reuse):
    ta, tv, delta = case
    check(ta, tv, delta=delta, window=window, reuse=reuse)
