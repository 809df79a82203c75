"""Conformance with the reference code: BAS (mint, Bailando), kinetic and geometric features (AIST++ API) on identical inputs.

The references are transcribed in tests/reference_metrics.py (repository and path cited there). Inputs: SynthDance
motions and, when ../shared/data holds it, real Dance with Melody motions; music beats as the references hold them
(one-hot 60 fps frames), running past the end of the motion so that the references' cropping is exercised.
"""
from pathlib import Path
import numpy as np
import pytest

from reference_metrics import (mint_bas, bailando_bas, mint_alignment_score, mint_motion_peak_onehot, bailando_BA,
                               bailando_get_mb, bailando_calc_db, aist_extract_kinetic_features, bailando_centre,
                               aist_extract_manual_features)
from dancebook.metrics.beats import beat_align_score
from dancebook.metrics.motion import kinetic_features, geometric_features

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FPS, RTOL = 60.0, 1.5e-7

def synth_motions(seconds=10.0, genres=None):
    "SynthDance SMPL-24 motions (float32) at 60 fps, one per genre."
    from dancebook.data.synth import synth_clip, GENRES
    return [synth_clip(g, seconds, seed=1, fps=FPS).motion for g in (genres or GENRES)]

@pytest.fixture(scope="module")
def dwm_motions():
    "Real Dance with Melody motions (float32, 23 joints, cm) cut into 1200-frame clips; skips without ../shared/data."
    if not (DATA / "dance_with_melody").is_dir(): pytest.skip("../shared/data not found")
    from dancebook.data.dwm import dwm_pairs, read_dwm_pair
    ms = [read_dwm_pair(p)["motion"] for p in dwm_pairs(DATA / "dance_with_melody")]
    return [m[i:i + 1200] for m in ms for i in range(0, len(m) - 600, 1200)]

def beat_grids(motions, seed=0):
    "Music beat frames per motion: a random tempo and phase, running one second past the motion's end."
    r = np.random.default_rng(seed)
    return [np.arange(r.integers(0, 30), len(m) + 60, r.integers(20, 45)) for m in motions]

def onehot(frames):
    "The references' music-beat row: one bool per 60 fps frame."
    return np.bincount(frames, minlength=frames.max() + 1).astype(bool)

def check_bas(motions):
    "BAS of both conventions equals the references' on every motion, clip by clip and batched."
    grids = beat_grids(motions)
    for conv, ref in (("mint", mint_bas), ("bailando", bailando_bas)):
        want = np.array([ref(m, onehot(f)) for m, f in zip(motions, grids)], float)
        got = np.array([beat_align_score(m, f / FPS, FPS, convention=conv) for m, f in zip(motions, grids)])
        np.testing.assert_allclose(got, want, rtol=RTOL, err_msg=conv)
        if len({len(m) for m in motions}) == 1:
            np.testing.assert_allclose(beat_align_score(np.stack(motions), [f / FPS for f in grids], FPS, convention=conv),
                                       want, rtol=RTOL, err_msg=f"{conv} batched")

def test_bas_matches_references_on_synthdance():
    check_bas(synth_motions())

def test_bas_matches_references_on_dance_with_melody(dwm_motions):
    assert len(dwm_motions) >= 30
    check_bas(dwm_motions)

def test_cropping_is_what_the_references_do():
    "Beats past the envelope's last frame would change the score if kept: the references drop them, and so do we."
    T = 53                                                                    # a joint that stops every 25 frames, last at T - 3
    m = np.zeros((T, 2, 3), np.float32); m[:, 1, 0] = np.cumsum(np.abs(np.sin(np.pi * np.arange(T) / 25)))
    uncropped = {"mint": lambda oh: mint_alignment_score(oh, mint_motion_peak_onehot(m)),
                 "bailando": lambda oh: bailando_BA(bailando_get_mb(oh), bailando_calc_db(m)[0])}
    for conv, ref, last in (("mint", mint_bas, T), ("bailando", bailando_bas, T - 1)):
        f = np.array([25])
        kept, late = ref(m, onehot(f)), onehot(np.append(f, [last, last + 2]))
        assert ref(m, late) == kept and uncropped[conv](late) != pytest.approx(kept, rel=1e-2)
        assert beat_align_score(m, np.flatnonzero(late) / FPS, FPS, convention=conv) == pytest.approx(kept, rel=RTOL)
        assert beat_align_score(m, np.append(f, last - 1) / FPS, FPS, convention=conv) != pytest.approx(kept, rel=1e-2)

def check_kinetic(motions):
    "Kinetic features equal the AIST++ reference: raw input (centre=None), Bailando-centred, and the fixed division."
    for m in motions:
        raw = m.astype(np.float64)
        for ours, want in ((kinetic_features(raw, centre=None), aist_extract_kinetic_features(raw)),
                           (kinetic_features(raw), aist_extract_kinetic_features(bailando_centre(raw))),
                           (kinetic_features(raw, FPS, compat=False, centre=None), aist_extract_kinetic_features(raw, fixed=True))):
            np.testing.assert_allclose(ours, want, rtol=RTOL, atol=1e-9 * np.abs(want).max())

def test_kinetic_matches_aist_reference_on_synthdance():
    ms = [m[:90] + np.array([0.4, 0.9, -1.3], np.float32) for m in synth_motions(genres=["waltz", "house"])]   # off the origin
    check_kinetic(ms)

def test_kinetic_matches_aist_reference_on_dance_with_melody(dwm_motions):
    check_kinetic([m[:90] for m in dwm_motions[::20]])

def test_raw_and_centred_differ_under_the_bug():
    "On raw input the reference's accelerations depend on position, so centring is a real choice (not a no-op)."
    m = synth_motions(genres=["waltz"])[0][:60].astype(np.float64) + [0.4, 0.9, -1.3]
    raw, centred = kinetic_features(m, centre=None), kinetic_features(m)
    assert np.abs(raw[2::3] / centred[2::3] - 1).max() > 0.1
    np.testing.assert_allclose(raw[0::3], centred[0::3], rtol=1e-5)            # velocities do not see position


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_geometric_matches_aist_reference_on_synthdance():
    "The 32 geometric features equal the AIST++ API's extract_manual_features on raw SMPL-24 input."
    for m in synth_motions(seconds=2.0, genres=["chacha", "waltz", "break"]):
        raw = m.astype(np.float64) + [0.4, 0.9, -1.3]
        np.testing.assert_allclose(geometric_features(raw), aist_extract_manual_features(raw), rtol=RTOL)
