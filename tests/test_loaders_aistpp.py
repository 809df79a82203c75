"""AIST++ fixtures written here in the official layout load with their names parsed; code-carrying pickles are refused."""
import os, pickle, subprocess, builtins
from pathlib import Path
import numpy as np, pytest, soundfile as sf
from hypothesis import given, settings, strategies as st, HealthCheck
from dancebook.core import DataError
from dancebook.data.aistpp import load_aistpp, load_aistpp_clip, aistpp_names, parse_aist_name, safe_pickle_load

T, SR = 90, 8000
NAMES = {"crossmodal_train": ["gBR_sBM_cAll_d04_mBR0_ch01", "gPO_sFM_cAll_d10_mPO1_ch03"],
         "crossmodal_val": ["gLO_sBM_cAll_d13_mLO2_ch02"],
         "crossmodal_test": ["gJB_sFM_cAll_d08_mJB5_ch11", "gWA_sBM_cAll_d25_mWA4_ch05"]}
IGNORED = "gPO_sFM_cAll_d10_mPO1_ch03"

def dump(path, obj, protocol=pickle.HIGHEST_PROTOCOL):
    path.parent.mkdir(parents=True, exist_ok=True); path.write_bytes(pickle.dumps(obj, protocol=protocol))

@pytest.fixture
def aist(tmp_path):
    "aist_plusplus_final/ as released: motions/, keypoints3d/, keypoints2d/, splits/ (+ ignore_list), wavs/."
    rng = np.random.default_rng(0)
    for i, n in enumerate(sum(NAMES.values(), [])):
        kp = rng.normal(0, 30, (T, 17, 3)); kp[:, 0, 1] = 160 + i           # nose height tells sequences apart
        dump(tmp_path / "keypoints3d" / f"{n}.pkl", {"keypoints3d": kp + 0.5, "keypoints3d_optim": kp})
        dump(tmp_path / "motions" / f"{n}.pkl", {"smpl_poses": rng.normal(size=(T, 72)), "smpl_trans": rng.normal(size=(T, 3)),
                                                 "smpl_scaling": np.array([94.1]), "smpl_loss": 0.02})
        dump(tmp_path / "keypoints2d" / f"{n}.pkl", {"keypoints2d": rng.uniform(0, 1920, (9, T, 17, 3)),
                                                     "det_scores": np.ones((9, T)), "timestamps": np.arange(T) * 16667})
        music = parse_aist_name(n)["music"]
        (tmp_path / "wavs").mkdir(exist_ok=True)
        sf.write(tmp_path / "wavs" / f"{music}.wav", 0.1 * rng.standard_normal(2 * SR), SR)
    (tmp_path / "splits").mkdir()
    for split, names in NAMES.items(): (tmp_path / "splits" / f"{split}.txt").write_text("\n".join(names) + "\n")
    (tmp_path / "splits" / "ignore_list.txt").write_text(IGNORED + "\n")
    return tmp_path

def test_splits_and_ignore_list(aist):
    assert aistpp_names(aist, "train") == NAMES["crossmodal_train"][:1]
    assert aistpp_names(aist, "crossmodal_test") == NAMES["crossmodal_test"]
    assert len(aistpp_names(aist, None)) == 4

def test_old_layout_ignore_list_at_top_level(aist):
    (aist / "splits" / "ignore_list.txt").rename(aist / "ignore_list.txt")
    assert IGNORED not in aistpp_names(aist, "train")

def test_clips_load_with_names_parsed(aist):
    clips = load_aistpp(aist, split="test", view=4)
    assert [c.genre for c in clips] == ["ballet_jazz", "waack"]
    c = clips[1]
    assert (c.meta["situation"], c.meta["camera"], c.meta["dancer"], c.meta["music"], c.meta["choreo"]) == ("basic", "All", "25", "mWA4", "05")
    assert c.skeleton == "coco17" and c.fps == 60 and c.n_frames == T and c.keypoints2d.shape == (T, 17, 2)
    assert c.meta["smpl_poses"].shape == (T, 24, 3) and c.meta["smpl_scaling"].tolist() == [94.1]
    assert abs(c.audio_duration - c.duration) < 1 / 60
    assert np.allclose(c.motion[:, 0, 1], 164)                               # keypoints3d_optim of the 5th sequence
    assert np.allclose(load_aistpp_clip(aist, c.meta["name"], use_optim=False).motion[:, 0, 1], 164.5)

def test_protocol2_numpy1_pickles_load(aist):
    n = NAMES["crossmodal_val"][0]
    p = aist / "keypoints3d" / f"{n}.pkl"
    d = safe_pickle_load(p)
    p.write_bytes(pickle.dumps(d, protocol=2).replace(b"numpy._core", b"numpy.core"))
    assert np.array_equal(load_aistpp_clip(aist, n).motion, d["keypoints3d_optim"].astype(np.float32))

class Payload:
    def __init__(self, f, *args): self.f, self.args = f, args
    def __reduce__(self): return (self.f, self.args)

@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
@pytest.mark.parametrize("make", [
    lambda m: Payload(os.system, f"touch {m}"),
    lambda m: Payload(builtins.exec, f"open({str(m)!r}, 'w').close()"),
    lambda m: Payload(subprocess.Popen, ["touch", str(m)]),
    lambda m: [np.zeros(3), {"nested": (1, Payload(os.system, f"touch {m}"))}],
], ids=["os.system", "exec", "Popen", "nested"])
def test_code_payload_is_refused_and_never_runs(aist, tmp_path, protocol, make):
    marker = tmp_path / "PWNED"
    n = NAMES["crossmodal_train"][0]
    dump(aist / "keypoints3d" / f"{n}.pkl", {"keypoints3d_optim": make(marker)}, protocol)
    with pytest.raises(DataError, match=rf"keypoints3d/{n}\.pkl: refused to unpickle"):
        load_aistpp(aist, split="train")
    assert not marker.exists()

arrays = st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_]).flatmap(
    lambda dt: st.lists(st.integers(0, 5), min_size=0, max_size=3).map(
        lambda shape: np.arange(int(np.prod(shape)), dtype=np.int64).astype(dt).reshape(shape)))
values = st.recursive(arrays | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5) | st.none(),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
                      | st.tuples(inner, inner), max_leaves=8)

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(obj=values, protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_plain_containers_of_arrays_round_trip(tmp_path, obj, protocol):
    p = tmp_path / "x.pkl"; p.write_bytes(pickle.dumps(obj, protocol=protocol))
    back = safe_pickle_load(p)
    assert pickle.dumps(back, protocol=4) == pickle.dumps(obj, protocol=4)

def test_wrong_music_is_reported(aist):
    n = NAMES["crossmodal_train"][0]
    sf.write(aist / "wavs" / "mBR0.wav", 0.1 * np.ones(SR // 2), SR)         # 0.5 s of music for a 1.5 s dance
    with pytest.raises(DataError, match=r"mBR0\.wav: music is 0\.5s but .* dances 1\.5s"):
        load_aistpp_clip(aist, n)
