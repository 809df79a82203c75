"""Chance-corrected synchrony (dancebook.metrics.sync): the shift null against the closed-form chance hit rate,
SynthDance's on-beat vs off-beat dancers at shift_test's defaults, the raw score's saturation at the paper's δ, and
the four degenerate motions at chance on SynthDance and (when ../shared/data is there) Dance with Melody music."""
from pathlib import Path
import numpy as np
import pytest

from dancebook.core import ConfigError, DataError
from dancebook.audio import audio_beats
from dancebook.motion import visual_beats, to_metres
from dancebook.data.synth import synth_clip, GENRES
from dancebook.metrics.harmony import salient_beats, chance_hit_rate, HarmonyParams
from dancebook.metrics.sync import (SYNC_HARMONY, SYNC_METRICS, corrected, shift_null, shift_test, sync_batch,
                                    degenerate_motions)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
Z_BOUND = 3.0   # "within the null's spread": |z| <= 3, i.e. |corrected| <= 3 corrected_sd

@pytest.fixture(scope="module")
def synth_pairs():
    "20 ten-second SynthDance clips (2 per genre) danced on the beat (sync=1) and at another tempo (sync=0)."
    return {s: [synth_clip(g, 10.0, seed=100 + i, sync=s, fps=30) for i, g in enumerate(GENRES * 2)] for s in (1.0, 0.0)}

# --- the shift null against the closed form -------------------------------------------------------

def _null_and_chance(c, **kw):
    "Mean hit rate under the shift null, and chance_hit_rate of the salient visual beats with the same δ."
    _, null, _ = shift_null(c.audio, c.sr, c.motion, c.fps, "hit_rate", **kw)
    _, v = salient_beats(audio_beats(c.audio, c.sr), visual_beats(c.motion, c.fps))
    return null.mean(), chance_hit_rate(v.times, (0.0, c.n_frames / c.fps), delta=SYNC_HARMONY.delta)

def test_chance_hit_rate_is_the_shift_null_mean(synth_pairs):
    # Over all circular offsets the mean hit rate IS the closed form; 2000 strata leave at most ~20 boundaries / 2000.
    for c in synth_pairs[0.0][:5]:
        m, ch = _null_and_chance(c, n_shifts=2000, period=0.0)
        assert abs(m - ch) < 0.01, (c.genre, m, ch)
    # At the defaults the ±1-period exclusion and 100 strata add error; measured <= 0.006 on motion off the music.
    for c in synth_pairs[0.0][:5]:
        m, ch = _null_and_chance(c)
        assert abs(m - ch) < 0.05, (c.genre, m, ch)

# --- separation at shift_test's defaults ------------------------------------------------------------

@pytest.fixture(scope="module")
def separation(synth_pairs):
    return {s: sync_batch(clips, ("harmony", "hit_rate")) for s, clips in synth_pairs.items()}

@pytest.mark.parametrize("metric", ["harmony", "hit_rate"])
def test_corrected_separates_on_beat_from_off_beat(separation, metric):
    on, off = separation[1.0][metric], separation[0.0][metric]
    assert on["ci95"][0] > off["ci95"][1], (on["ci95"], off["ci95"])        # bootstrap CIs apart
    assert on["corrected"] - off["corrected"] > 0.3 and abs(off["corrected"]) < 0.15

def test_raw_score_saturates_at_the_papers_delta(synth_pairs):
    raw = {s: np.array([[shift_test(c.audio, c.sr, c.motion, c.fps, m, n_shifts=20, delta=0.25)[k]
                         for m in ("harmony", "hit_rate") for k in ("score", "null_mean")] for c in clips[:10]])
           for s, clips in synth_pairs.items()}
    gap = raw[1.0].mean(0) - raw[0.0].mean(0)
    assert abs(gap[0]) < 0.1 and abs(gap[2]) < 0.1                        # raw harmony / hit rate: on ≈ off
    assert raw[1.0][:, [1, 3]].mean() > 0.9 and raw[0.0][:, [1, 3]].mean() > 0.9   # because chance is > 0.9

def test_headline_delta_is_ours_and_the_papers_stays_default():
    assert SYNC_HARMONY.delta == 0.075 and HarmonyParams().delta == 0.25

# --- degenerate motions -------------------------------------------------------------------------------

def _assert_at_chance(y, sr, fps, motions, label):
    beats = {}
    for name, m in motions.items():
        for metric in SYNC_METRICS:
            r = shift_test(y, sr, m, fps, metric, beats=beats)
            assert abs(r["z"]) <= Z_BOUND, (label, name, metric, r)
            assert abs(r["corrected"]) <= Z_BOUND * r["corrected_sd"] + 1e-12, (label, name, metric, r)

@pytest.mark.parametrize("genre", ["waltz", "samba", "house", "chacha"])
def test_degenerate_motions_at_chance_on_synthdance(genre):
    c = synth_clip(genre, 10.0, seed=7, fps=30)
    other = synth_clip("jive" if genre != "jive" else "tango", 12.0, seed=3, fps=30).motion
    _assert_at_chance(c.audio, c.sr, c.fps, degenerate_motions(c.motion, other, seed=1), genre)

def test_degenerate_videos_at_chance_on_av_align():
    from dancebook.render import render_avatar
    c = synth_clip("waltz", 10.0, seed=7, fps=30)
    other = synth_clip("jive", 12.0, seed=3, fps=30).motion
    beats = {}
    for name, m in degenerate_motions(c.motion, other, seed=1).items():
        frames, _ = render_avatar(m, "smpl24", resolution=48)
        r = shift_test(c.audio, c.sr, frames, c.fps, "av_align", beats=beats)
        assert abs(r["z"]) <= Z_BOUND, (name, r)

def test_degenerate_motions_at_chance_on_dance_with_melody():
    if not (DATA / "dance_with_melody").is_dir(): pytest.skip("../shared/data not found: Dance with Melody guards skipped")
    from dancebook.data.dwm import dwm_pairs, load_dwm_clip
    from dancebook.data.core import crop
    pairs = dwm_pairs(DATA / "dance_with_melody")
    clips = [crop(load_dwm_clip(p, fps=25), 250, 250) for p in (pairs[0], pairs[len(pairs) // 2])]   # 10 s from 10 s in
    for c, o in zip(clips, clips[::-1]):                                 # the other pair's dance is "another song"
        _assert_at_chance(c.audio, c.sr, c.fps, degenerate_motions(to_metres(c.motion, "dwm23"), to_metres(o.motion, "dwm23")),
                          c.source)

def test_degenerate_motions_shapes():
    c = synth_clip("waltz", 4.0, seed=0, fps=30)
    d = degenerate_motions(c.motion, c.motion[:50])
    assert set(d) == {"held_jitter", "white_noise", "constant", "other_song"}
    assert all(m.shape == c.motion.shape for m in d.values())
    assert np.ptp(d["constant"], axis=0).max() == 0 and 0.002 < np.std(d["held_jitter"] - c.motion[0]) < 0.02
    with pytest.raises(DataError, match="alike|other"): degenerate_motions(c.motion, c.motion[:, :5])

# --- API ---------------------------------------------------------------------------------------------

def test_batch_routes_params_and_matches_single_tests():
    c = synth_clip("tango", 8.0, seed=2, fps=30)
    b = sync_batch([c, (c.audio, c.sr, c.motion, c.fps)], ("harmony", "bas_mint"), n_shifts=30, delta=0.1, sigma=4)
    one = shift_test(c.audio, c.sr, c.motion, c.fps, "harmony", n_shifts=30, delta=0.1)
    assert b["harmony"]["tests"][0] == one == b["harmony"]["tests"][1]
    assert b["bas_mint"]["tests"][0] == shift_test(c.audio, c.sr, c.motion, c.fps, "bas_mint", n_shifts=30, sigma=4)
    assert b["harmony"]["ci95"][0] == b["harmony"]["ci95"][1] == one["corrected"]

def test_batch_takes_clip_frames_for_av_align():
    c = synth_clip("samba", 6.0, seed=1, fps=30, render=True, resolution=48)
    b = sync_batch([c], ("av_align", "bas_mint"), n_shifts=20)
    assert b["av_align"]["tests"][0] == shift_test(c.audio, c.sr, c.frames, c.fps, "av_align", n_shifts=20)
    with pytest.raises(DataError, match="video frames"): sync_batch([synth_clip("samba", 6.0, seed=1, fps=30)], "av_align")

def test_bad_input_raises_named_errors():
    c = synth_clip("waltz", 4.0, seed=0, fps=30)
    with pytest.raises(ConfigError, match="metric must be"): shift_test(c.audio, c.sr, c.motion, c.fps, "fid")
    with pytest.raises(ConfigError, match="sigma"): shift_test(c.audio, c.sr, c.motion, c.fps, "harmony", sigma=3)
    with pytest.raises(ConfigError, match="n_shifts"): shift_test(c.audio, c.sr, c.motion, c.fps, n_shifts=0)
    with pytest.raises(DataError, match="2 periods"): shift_test(c.audio, c.sr, c.motion, c.fps, period=3.0)
    with pytest.raises(DataError, match="one motion"): shift_test(c.audio, c.sr, c.motion[None], c.fps)
    with pytest.raises(ConfigError, match="no metric"): sync_batch([c], ("bas_mint",), delta=0.1)
    with pytest.raises(DataError, match=r"\[0, 1\]"): corrected(1.5, 0.2)
