"""dance_quality and the degenerate baselines: ground truth beats them on SynthDance and Dance with Melody, properties."""
from pathlib import Path
import numpy as np
import pytest
from hypothesis import given, settings, HealthCheck, strategies as st
from hypothesis.extra.numpy import arrays

from dancebook.core import ConfigError, DataError
from dancebook.data.synth import synth_clip
from dancebook.metrics.quality import (dance_quality, quality_table, held_pose, random_walk, white_noise, constant_pose,
                                       other_song, foot_skating, min_frames)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BASELINES = ("held pose", "random walk", "white noise", "constant pose")

def baselines(gt):
    "The degenerate systems built from ground-truth clips (a different seed per clip)."
    return {"held pose": [held_pose(m, seed=i) for i, m in enumerate(gt)],
            "random walk": [random_walk(m, seed=i) for i, m in enumerate(gt)],
            "white noise": [white_noise(m, seed=i) for i, m in enumerate(gt)],
            "constant pose": [constant_pose(m) for m in gt]}

@pytest.fixture(scope="module")
def synth():
    "Training clips (seeds 1, 2) and unseen clips (seed 3) of six SynthDance genres, 6 s at 30 fps, SMPL-24."
    genres = ("waltz", "tango", "samba", "break", "house", "pop")
    c = synth_clip("waltz", 6.0, seed=3)
    assert (c.skeleton, c.fps) == ("smpl24", 30.0)
    return ([synth_clip(g, 6.0, seed=s).motion for g in genres for s in (1, 2)],
            [synth_clip(g, 6.0, seed=3).motion for g in genres], c.fps, c.skeleton)

@pytest.fixture(scope="module")
def dwm():
    "Dance with Melody in metres: the release's test takes, and two training takes per genre (tango has one)."
    root = DATA / "dance_with_melody"
    if not root.is_dir(): pytest.skip("../shared/data/dance_with_melody not found")
    from dancebook.data.dwm import dwm_pairs, dwm_split, dwm_span, read_dwm_pair, DWM_FPS
    from dancebook.motion import to_metres
    pairs = dwm_pairs(root)
    side = dwm_split({p.name: np.subtract(*dwm_span(p / "config.json")[::-1]) / DWM_FPS for p in pairs})
    train = [p for p in pairs if side[p.name] == "train"]
    train = [p for g in "CRTW" for p in [q for q in train if q.name[6] == g][:2]]
    load = lambda ps: [to_metres(read_dwm_pair(p)["motion"], "dwm23") for p in ps]
    return load(train), load([p for p in pairs if side[p.name] == "test"]), DWM_FPS, "dwm23"

@pytest.fixture(scope="module", params=["synth", "dwm"])
def table(request):
    "Unseen ground truth and the baselines scored against the training clips."
    train, test, fps, sk = request.getfixturevalue(request.param)
    return quality_table({"ground truth": test, **baselines(test)}, train, fps, sk), request.param

def test_ground_truth_beats_degenerate_baselines(table):
    t, name = table
    for k in ("FID_k", "FID_g"):
        gt = t.loc["ground truth", k]
        assert (t.loc[list(BASELINES), k] > gt).all(), (name, k, t[k].to_dict())

def test_speed_ratio_and_drift(table):
    t, name = table
    assert 0.7 < t.loc["ground truth", "speed_mean_ratio"] < 1.3, name
    assert t.loc["held pose", "speed_mean_ratio"] < 0.1 and t.loc["held pose", "speed_p95_ratio"] < 0.1
    assert t.loc["constant pose", "speed_mean_ratio"] == 0.0
    assert t.loc["ground truth", "implausible"] < (0.05 if name == "dwm" else 1e-9)
    assert t.loc["white noise", "implausible"] > 0.5 and t.loc["random walk", "implausible"] > 0.3
    assert (t["notes"] == "").all()

def test_self_comparison(synth):
    train, _, fps, sk = synth
    q = dance_quality(train, train, fps, sk)
    assert q["speed_mean_ratio"] == pytest.approx(1.0) and q["speed_p95_ratio"] == pytest.approx(1.0)
    assert q["FID_k"] == pytest.approx(0, abs=1e-3) and q["FID_g"] == pytest.approx(0, abs=1e-3)
    assert q["Div_k"] == pytest.approx(q["Div_k_ref"]) and q["PFC"] == q["PFC_ref"]
    assert q["implausible"] == q["implausible_ref"] == 0.0

def test_sliding_copy_skates(synth):
    train, _, fps, sk = synth
    t = np.arange(len(train[0]))[:, None, None] / fps
    for direction in ([1.0, 0, 0], [0, 0, 1.0]):
        slid = [m + np.array(direction) * t[:len(m)] for m in train]
        q = dance_quality(slid, train, fps, sk)
        assert q["foot_skating"] > q["foot_skating_ref"] + 0.2, (direction, q["foot_skating"], q["foot_skating_ref"])

def test_dwm_sliding_copy_skates(dwm):
    train, _, fps, sk = dwm
    slid = [m + np.array([1.0, 0, 0]) * np.arange(len(m))[:, None, None] / fps for m in train]
    q = dance_quality(slid, train, fps, sk)
    assert q["foot_skating"] > q["foot_skating_ref"] + 0.2

def test_foot_skating_of_planted_feet_is_zero():
    m = synth_clip("waltz", 2.0, seed=0).motion
    s, n = foot_skating(np.repeat(m[:1], 40, 0), 30, "smpl24")
    assert s == 0.0 and n > 0

def test_other_song_ties_on_quality(synth):
    "As a set, equal-length clips of other songs are the ground truth's clips: identical quality, by construction."
    train, test, fps, sk = synth
    a, b = dance_quality(test, train, fps, sk), dance_quality(other_song(test), train, fps, sk)
    assert a["FID_k"] == pytest.approx(b["FID_k"], rel=1e-6) and a["Div_g"] == pytest.approx(b["Div_g"], rel=1e-6)

def test_skeletons_without_mappings():
    r = np.random.default_rng(0)
    coco = [np.cumsum(r.normal(0, 0.01, (30, 17, 3)), 0) for _ in range(3)]
    q = dance_quality(coco[:2], coco[1:], 30, "coco17")
    assert np.isnan(q["FID_g"]) and "SMPL-24" in q["notes"][0] and np.isfinite(q["FID_k"]) and np.isfinite(q["PFC"])
    dwm21 = [np.cumsum(r.normal(0, 0.01, (30, 21, 3)), 0) for _ in range(3)]
    q = dance_quality(dwm21[:2], dwm21[1:], 25, "dwm21")
    assert q["notes"] == [] and np.isfinite(q["FID_g"]) and np.isfinite(q["PFC"])

def test_custom_skeleton():
    "A skeleton with no SMPL-24 mapping, no PFC feet and no limb names still scores, with NaNs explained."
    from dancebook.skeleton import Skeleton
    sk = Skeleton("stick3", ("hip", "head", "foot"), bones=((0, 1), (0, 2)), mirror=(), root=0, head=1, hands=(1, 1), feet=(2, 2))
    r = np.random.default_rng(1)
    ms = [np.array([[0, 1, 0], [0, 1.7, 0], [0, 0, 0]]) + np.cumsum(r.normal(0, 0.01, (40, 3, 3)), 0) for _ in range(3)]
    q = dance_quality(ms[:2], ms[1:], 30, sk)
    assert np.isnan(q["FID_g"]) and np.isnan(q["PFC"]) and len(q["notes"]) == 2
    assert np.isfinite([q["FID_k"], q["foot_skating"], q["implausible"], q["speed_mean_ratio"]]).all()

def test_quality_table_matches_dance_quality(synth):
    train, test, fps, sk = synth
    t = quality_table({"gt": test, "held": baselines(test)["held pose"]}, train, fps, sk, seconds=3.0)
    q = dance_quality(test, train, fps, sk, seconds=3.0)
    assert list(t.index) == ["gt", "held"]
    for k, v in q.items():
        if k != "notes": assert t.loc["gt", k] == pytest.approx(v), k

def test_bad_input_is_refused(synth):
    train, test, fps, sk = synth
    bad = [m.copy() for m in test]; bad[1][3, 4, 0] = np.nan
    with pytest.raises(DataError, match=r"generated\[1\].*non-finite"): dance_quality(bad, train, fps, sk)
    with pytest.raises(DataError, match="at least 2 clips"): dance_quality(test[:1], train, fps, sk)
    with pytest.raises(DataError, match="joints"): dance_quality([m[:, :23] for m in test], train, fps, sk)
    with pytest.raises(DataError, match="list"): dance_quality(test[0], train, fps, sk)
    with pytest.raises(DataError, match="does not move"): dance_quality(test, [constant_pose(m) for m in train], fps, sk)
    with pytest.raises(ConfigError, match="unknown skeleton"): dance_quality(test, train, fps, "smpl99")
    with pytest.raises(DataError, match="centimetres"): quality_table({"gt": test}, [m * 100 for m in train], fps, sk)
    with pytest.raises(ConfigError, match="fps"): dance_quality(test, train, 0, sk)
    with pytest.raises(ConfigError, match="bone_tol"): dance_quality(test, train, fps, sk, bone_tol=0)
    with pytest.raises(ConfigError, match="another clip"): other_song(test[:1])

motions = st.lists(arrays(np.float32, st.tuples(st.integers(3, 12), st.just(24), st.just(3)),
                          elements=st.floats(-2, 2, width=32)), min_size=2, max_size=3)

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gen=motions, ref=motions, fps=st.sampled_from([10.0, 25.0, 30.0, 60.0]), seconds=st.sampled_from([None, 0.2]))
def test_finite_and_in_range(gen, ref, fps, seconds):
    ramp = np.linspace(0, 1, 12, dtype=np.float32)[:, None, None]
    ref = [m + ramp[:len(m)] for m in ref]                               # a reference that moves
    if min(map(len, gen + ref)) < min_frames(fps):
        with pytest.raises(DataError, match="dance quality needs"): dance_quality(gen, ref, fps, "smpl24")
        return
    q = dance_quality(gen, ref, fps, "smpl24", seconds=seconds)
    vals = {k: v for k, v in q.items() if k != "notes"}
    assert all(np.isfinite(v) for v in vals.values()), vals
    assert all(v >= 0 for v in vals.values()), vals
    assert 0 <= q["implausible"] <= 1 and 0 <= q["implausible_ref"] <= 1
