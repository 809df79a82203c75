"""Kinetic/geometric features, FID, diversity, PFC: hand values, a loop oracle, properties."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dancebook.core import DataError
from dancebook.metrics.motion import (kinetic_features, geometric_features, fid, diversity, normalize_features, pfc)

def kinetic_oracle(p, dt, bug, w=2):
    "Frame-by-frame transcription of the kinetic-feature definition (independent of the vectorised code)."
    p = p - p[:1, :1]; T, J, _ = p.shape; out = []
    for j in range(J):
        kh = kv = ae = 0.0
        for i in range(1, T):
            ks = [i + k - 1 for k in range(-w, w + 1) if 0 <= i + k - 1 and i + k <= T - 1]
            v = sum(p[k + 1, j] - p[k, j] for k in ks) / (len(ks) * dt)
            kh += v[0] ** 2 + v[2] ** 2; kv += v[1] ** 2
            ks = [i + k for k in range(-w, w + 1) if i + k - 1 >= 0 and i + k + 1 <= T - 1]
            a = 0
            for k in ks:
                v2 = (p[k + 1, j] - p[k, j]) / dt
                v1 = (p[k, j] - p[k - 1, j] / dt) if bug else (p[k, j] - p[k - 1, j]) / dt
                a = a + (v2 - v1) / dt
            ae += np.linalg.norm(a / len(ks))
        out += [kh / (T - 1), kv / (T - 1), ae / (T - 1)]
    return np.array(out)

@pytest.mark.parametrize("compat", [True, False])
def test_kinetic_matches_oracle(compat):
    r = np.random.default_rng(0)
    p = np.cumsum(r.normal(size=(12, 3, 3)) * 0.05, 0) + r.normal(size=(1, 3, 3))
    got = kinetic_features(p, fps=30, compat=compat)
    want = kinetic_oracle(p, 1 / 60 if compat else 1 / 30, compat)
    np.testing.assert_allclose(got, want, rtol=1e-5)

def test_kinetic_hand_values_and_bug():
    T = 10; m = np.zeros((T, 2, 3)); m[:, 1] = np.arange(T)[:, None] * [1, 2, 0]
    f = kinetic_features(m, compat=False)
    np.testing.assert_allclose(f[3:], [3600, 14400, 0], atol=1e-2)
    moved = m.copy(); moved[:, 1] += 1.0                   # same motion, joint 1 one metre further from the root
    assert np.allclose(kinetic_features(moved, compat=False), f, atol=1e-3)
    assert not np.allclose(kinetic_features(moved)[5], kinetic_features(m)[5])   # compat acceleration depends on position

def test_units_and_fps():
    r = np.random.default_rng(1); p = np.cumsum(r.normal(size=(20, 24, 3)) * 0.01, 0)
    np.testing.assert_allclose(kinetic_features(p * 100, compat=False, units=0.01), kinetic_features(p, compat=False), rtol=1e-4)
    np.testing.assert_allclose(geometric_features(p * 100, compat=False, units=0.01), geometric_features(p, compat=False))
    with pytest.raises(DataError, match="SMPL-24"): geometric_features(np.zeros((5, 23, 3)))
    with pytest.raises(DataError, match="3 frames"): kinetic_features(np.zeros((2, 3, 3)))

def test_geometric_range_and_batch():
    r = np.random.default_rng(2); p = np.cumsum(r.normal(size=(3, 15, 24, 3)) * 0.03, 1)
    g = geometric_features(p)
    assert g.shape == (3, 32) and ((g >= 0) & (g <= 1)).all()
    np.testing.assert_allclose(g[1], geometric_features(p[1]))

def test_fid_and_diversity_by_hand():
    a = np.array([[-1.], [0], [1]])
    assert fid(a + 3, a, normalize=False) == pytest.approx(9.0)
    assert diversity([[0, 0], [3, 4]]) == pytest.approx(5.0)
    assert diversity([[0, 0]]) == 0.0
    const = np.c_[np.arange(4.0), np.ones(4)]
    assert np.isfinite(normalize_features(const + 1, const)).all()
    assert np.abs(normalize_features(const + 1, const, compat=True)).max() > 1e9

@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 12), st.integers(1, 5))
def test_fid_properties(seed, n, d):
    r = np.random.default_rng(seed)
    x, y = r.normal(size=(n, d)), r.normal(size=(n + 1, d)) + r.normal()
    assert fid(x, x) == pytest.approx(0.0, abs=1e-6)
    assert fid(x, y) >= -1e-6
    assert fid(x + 5.0, y + 5.0) == pytest.approx(fid(x, y), rel=1e-6, abs=1e-6)   # shift both sets together
    assert diversity(x) >= 0

def test_pfc():
    x = np.zeros((10, 24, 3)); x[:, 0, 0] = 0.5 * np.arange(10) ** 2 * 1e-3
    slide = x.copy(); slide[:, [7, 8, 10, 11], 2] = np.arange(10)[:, None] * 0.01
    assert pfc(slide) == pytest.approx(1.0) and pfc(x) == 0.0
    assert pfc([slide, x[:5]]) == pytest.approx(0.5)
    with pytest.raises(DataError): pfc(np.zeros((2, 24, 3)))
