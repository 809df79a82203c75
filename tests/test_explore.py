"""The harmony explorer: perturbation invariants (property tests), the widget driven as a student would drive it,
a real Dance with Melody clip through the explorer, and the static view."""
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dancebook.data.synth import synth_clip
from dancebook.data.core import perturb, time_map
from dancebook.explore import HarmonyExplorer, analyse_harmony, harmony_view

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 400), fps=st.sampled_from([10.0, 25.0, 30.0, 60.0]), amount=st.floats(0.02, 3.0), seed=st.integers(0, 99))
def test_time_maps(n, fps, amount, seed):
    p = time_map(n, fps, "permute", amount, seed)
    assert sorted(p) == list(range(n))                                   # every frame once
    w = time_map(n, fps, "warp", amount, seed)
    assert (np.diff(w) >= 0).all() and w.min() >= 0 and w.max() <= n - 1  # monotone, inside the clip
    assert np.abs(w - np.arange(n)).max() <= amount * fps + 1e-9
    s = time_map(n, fps, "shift", amount)
    assert (np.diff(s) >= 0).all() and np.allclose(s[s > 0], (np.arange(n) - amount * fps)[s > 0])


def test_perturbed_clip_keeps_music_and_frames():
    c = synth_clip("tango", 3.0, seed=1, render=True, resolution=32)
    p = perturb(c, "permute", 0.5, seed=2)
    assert p.audio is c.audio and p.frames.shape == c.frames.shape and p.keypoints2d.shape == c.keypoints2d.shape
    assert not np.allclose(p.motion, c.motion) and "permute=0.5@2" in p.source


def test_explore_still_exports_the_perturbations():
    "perturb and time_map moved to dancebook.data.core; dancebook.explore re-exports them."
    import dancebook.explore as ex
    assert ex.perturb is perturb and ex.time_map is time_map and {"perturb", "time_map", "PERTURBATIONS"} <= set(ex.__all__)


def test_explorer_driven_like_a_student():
    ex = HarmonyExplorer(genre="jive", seconds=4.0, video=False)
    base = ex.scores
    assert base == analyse_harmony(synth_clip("jive", 4.0)).scores
    ex.method.value = "minima"
    assert ex.scores["n_visual"] < base["n_visual"]                       # minima only: fewer visual beats
    ex.method.value = "extrema"
    ex.gamma.value = 0.5                                                  # γ moves the score, not the hit rate
    assert ex.scores["hit_rate"] == base["hit_rate"] and ex.scores["harmony"] != base["harmony"]
    ex.gamma.value = 2.0
    ex.alpha.value = 3.0                                                  # a higher audio threshold keeps fewer beats
    assert ex.scores["n_salient_audio"] < base["n_salient_audio"]
    ex.alpha.value = 0.1
    ex.kind.value = "warp"; ex.amount.value = 0.4
    assert "warp" in ex.clip.source and ex.scores["n_visual"] != base["n_visual"]
    ex.kind.value = "none"
    assert ex.scores == base
    ex.genre.value = "waltz"
    assert ex.clip.genre == "waltz" and ex.frame.max == ex.clip.n_frames - 1
    png = ex.image.value
    ex.frame.value = 60
    assert ex.image.value != png and ex.image.value[:4] == b"\x89PNG"
    ex.source.value = "synthetic"; ex.sync.value = 0.0
    assert "sync=0" in ex.clip.source


def test_explorer_video_follows_the_dance():
    ex = HarmonyExplorer(seconds=2.0, video=True)
    assert ex.player.value[4:8] == b"ftyp"                                # an mp4 with the music is ready to play
    video = ex.player.value
    ex.kind.value = "permute"
    assert ex.player.value != video and ex.player.value[4:8] == b"ftyp"


def test_explorer_on_a_real_clip():
    root = DATA / "dance_with_melody"
    if not root.is_dir(): pytest.skip("../shared/data not found")
    from dancebook.data.dwm import dwm_pairs, load_dwm_clip
    clip = load_dwm_clip(dwm_pairs(root)[0], cache=False)
    ex = HarmonyExplorer(clips=[clip], seconds=6.0, video=False)
    ex.source.value = clip.meta["name"]
    assert ex.genre.disabled and not ex.offset.disabled
    assert ex.clip.skeleton == "dwm23" and abs(ex.clip.duration - 6.0) < 0.1
    assert ex.offset.max == pytest.approx(clip.duration - 6.0)
    first = ex.scores
    ex.offset.value = min(10.0, ex.offset.max)
    assert ex.clip.meta["offset_frames"] == round(ex.offset.value * clip.fps) and ex.scores != first
    assert 0 <= ex.scores["harmony"] <= 1 and ex.status.value.startswith("<b>harmony")


def test_static_view():
    c = synth_clip("samba", 3.0, seed=2)
    fig = harmony_view(c, t=1.0, delta=0.1, method="sd")
    assert len(fig.axes) == 4 and "δ = 0.1 s" in fig._suptitle.get_text() and "visual beats: sd" in fig._suptitle.get_text()
    an = analyse_harmony(c)
    assert f"harmony {an.scores['harmony']:.3f}" in harmony_view(an)._suptitle.get_text()
    with pytest.raises(Exception, match="not with an analysis"): harmony_view(an, delta=0.1)
