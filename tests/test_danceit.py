"""DanceIt: properties of the alignment algorithms, error paths, real data, and music -> 60-s video end to end."""
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st, HealthCheck

from dancebook.core import ConfigError, DataError
from dancebook.data.corpus import toy_clip
from dancebook.motion import velocity_sum
from dancebook.nn.graph import skeleton_adjacency
from dancebook.skeleton import Skeleton
from dancebook.train import Learner
from dancebook.models.danceit import (
    config, clip_track, fragment_db, MatchNet, MatchingPairs, matching_step, generate_poses, music_windows, embed_db,
    tsd_window, spatial_align, temporal_align, discontinuous_frames, PoseGAN, FaceGAN, DanceIt, generate,
    normalize_fragment, place)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def trees(draw):
    "A random tree skeleton (parents before children)."
    J = draw(st.integers(2, 12))
    parents = [draw(st.integers(0, j - 1)) for j in range(1, J)]
    bones = tuple((p, j) for j, p in zip(range(1, J), parents))
    return Skeleton("tree", tuple(f"j{i}" for i in range(J)), bones, (), 0, 0, (0, J - 1), (0, J - 1))


@FAST
@given(trees())
def test_adjacency_is_symmetric_and_contracting(sk):
    A = skeleton_adjacency(sk)
    assert np.allclose(A, A.T)
    ev = np.linalg.eigvalsh(A)
    assert ev.max() == pytest.approx(1.0, abs=1e-5) and ev.min() > -1 - 1e-6


@FAST
@given(st.integers(0, 10**6), st.integers(2, 40), st.integers(3, 12))
def test_tsd_keeps_window_ends(seed, s, n):
    p = np.random.default_rng(seed).normal(size=(60, 3, 2)).cumsum(0)
    w = tsd_window(p, s, s + n - 1, th=0.1)
    assert w.shape == (n, 3, 2)
    np.testing.assert_allclose(w[[0, -1]], p[[s, s + n - 1]], atol=1e-4)


@FAST
@given(st.integers(0, 10**6), st.floats(0.5, 5.0))
def test_spatial_align_touches_only_windows_around_jumps(seed, jump):
    rng = np.random.default_rng(seed)
    p = rng.normal(0, 0.05, size=(80, 4, 2)).cumsum(0); p[40:] += jump
    out = spatial_align(p, thresh=0.4, repair_frames=8, reference_frames=24)
    far = np.ones(80, bool)
    for k in discontinuous_frames(p, 0.4): far[max(0, k - 4):k + 5] = False
    np.testing.assert_allclose(out[far], p[far].astype(np.float32), atol=1e-5)
    assert velocity_sum(out, mean=True)[36:45].max() < velocity_sum(p, mean=True)[40]


@FAST
@given(st.integers(0, 10**6), st.integers(6, 20))
def test_temporal_align_keeps_ends_and_range(seed, period):
    rng = np.random.default_rng(seed)
    p = rng.normal(size=(120, 3, 2)).cumsum(0)
    out = temporal_align(p, np.arange(period, 120, period))
    assert out.shape == p.shape
    np.testing.assert_allclose(out[[0, -1]], p[[0, -1]], atol=1e-3)
    span = np.ptp(p, axis=0).max()
    assert np.abs(out - p.mean(0)).max() <= np.abs(p - p.mean(0)).max() + span   # re-timing, no explosion


def test_placement_round_trip():
    p = np.random.default_rng(1).normal(size=(10, 23, 2)).astype(np.float32)
    n = normalize_fragment(p, "dwm23")
    np.testing.assert_allclose(normalize_fragment(place(n, 123.0, (7, 9)), "dwm23"), n, atol=1e-5)


def test_errors_name_the_problem():
    with pytest.raises(DataError, match="no tracks"): fragment_db([], 2.0)
    tr = clip_track(toy_clip(3.0))
    with pytest.raises(DataError, match="no track has a valid run"): fragment_db([tr], 4.0)
    with pytest.raises(ConfigError, match="at least 4"): fragment_db([tr], 0.1)
    db = fragment_db([tr], 1.0)
    with pytest.raises(DataError, match="empty"): music_windows(np.zeros(0, np.float32), 8000, db)
    with pytest.raises(ConfigError, match="unknown DanceIt"): config("small", nope=1)
    with pytest.raises(ConfigError, match="method"): spatial_align(np.zeros((5, 2, 2)), 1.0, method="spline")
    cfg = config("smoke")
    net = MatchNet("dwm23", cfg)
    no_gans = DanceIt(cfg, "toy", [tr], db, net, embed_db(net, db))
    with pytest.raises(ConfigError, match="no imagination"): generate(no_gans, toy_clip(2.0).audio, 22050, video=True)


def test_sixty_seconds_of_music_give_a_continuous_video_with_sound(tmp_path):
    from dancebook.render import write_clip_video
    import imageio_ffmpeg
    torch.manual_seed(0)
    cfg = config("smoke", resolution=32)
    tracks = [clip_track(toy_clip(8.0, seed=s), rhythm=cfg.rhythm) for s in range(3)]
    db = fragment_db(tracks, 2.0)
    net = MatchNet("dwm23", cfg)
    learn = Learner(net, MatchingPairs(tracks, db, cfg), matching_step, [torch.optim.Adam(net.parameters(), 1e-3)],
                    batch_size=4, device="cpu")
    learn.fit(1, max_steps=3)
    music = toy_clip(60.0, bpm=100, seed=7)
    out = generate_poses(net, db, music.audio, music.sr, size=20.0, center=(16, 18))
    T = int(60.0 * db.fps)
    assert out["final"].shape == (T, 23, 2) and len(out["seams"]) == 29
    # continuity: every seam jump of the raw retrieval is gone after spatial alignment
    thr = db.move_threshold * 20.0
    move = lambda p: velocity_sum(p, mean=True)[out["seams"]].max()
    assert move(out["spatial"]) <= max(move(out["raw"]), thr)
    model = DanceIt(cfg, "toy", tracks, db, net, embed_db(net, db), PoseGAN(cfg), FaceGAN(cfg))
    kp, fps = generate(model, music.audio, music.sr)
    assert kp.shape == (T, 23, 2) and fps == db.fps
    frames, fps = generate(model, music.audio, music.sr, video=True)
    assert frames.shape == (T, 32, 32, 3) and frames.dtype == np.uint8
    path = write_clip_video(frames, tmp_path / "dance.mp4", fps=fps, audio=music.audio, sr=music.sr)
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(path)], capture_output=True).stderr.decode()
    assert "Video: h264" in probe and "Audio: aac" in probe
    dur = probe.split("Duration: ")[1].split(",")[0]
    h, m, s = dur.split(":")
    assert abs(int(h) * 3600 + int(m) * 60 + float(s) - 60.0) < 0.5


@pytest.mark.skipif(not (DATA / "dance_with_melody").is_dir(), reason="../shared/data not found")
def test_real_dwm_pair_gives_a_clean_track_and_fragments():
    from dancebook.data.dwm import load_dwm_clip
    clip = load_dwm_clip(DATA / "dance_with_melody" / "DANCE_T_5", cache=False)
    tr = clip_track(clip)
    assert tr.kp.shape == (clip.n_frames, 23, 2) and tr.mfcc.shape == (clip.n_frames, 13)
    assert sum(b - a for a, b in tr.runs) > 0.95 * clip.n_frames          # mocap: almost nothing is dropped
    db = fragment_db([tr], 2.0)
    assert len(db) >= 0.9 * clip.n_frames // 50
    # natural movement inside fragments is small next to the body size (units: body sizes per frame)
    assert 0.005 < db.move_threshold < 0.2


def test_alignment_puts_the_chosen_speed_extreme_on_each_beat():
    "Peaks (eq. 14) or minima land on the beat or the frame after it (re-timing moves frames, and a step spans two)."
    T, beats = 120, np.arange(12, 110, 12)
    tt = np.arange(T, dtype=float)
    for shift in (-3.0, 2.0, 3.0):
        p = np.zeros((T, 2, 2)); p[:, 0, 0] = tt - 12 / (2 * np.pi) * np.sin(2 * np.pi * (tt - 0.5 - shift) / 12); p[:, 1, 1] = 0.5 * p[:, 0, 0]
        for on, pick in (("peaks", np.argmax), ("minima", np.argmin)):
            m = velocity_sum(temporal_align(p, beats, on=on), mean=True)
            off = [int(pick(m[b - 5:b + 6])) - 5 for b in beats[1:-1]]
            assert all(0 <= o <= 1 for o in off), (shift, on, off)
            before = [int(pick(velocity_sum(p, mean=True)[b - 5:b + 6])) - 5 for b in beats[1:-1]]
            assert not any(0 <= o <= 1 for o in before)                 # it was off the beats before
    with pytest.raises(ConfigError, match="peaks"): temporal_align(p, beats, on="middle")


def test_checkpoints_of_changed_matching_nets_do_not_collide():
    from dancebook.models.danceit import checkpoint_name
    names = {checkpoint_name(config("small", **o), "matchnet") for o in ({}, {"pool": "mean"}, {"neg_other": 0.0}, {"valid_frac": 0.1},
                                                                          {"rhythm": 0})}
    assert len(names) == 5 and all(n.startswith("matchnet_r3_2s") for n in names)
    assert checkpoint_name(config("small", pool="mean"), "regressor") == checkpoint_name(config("small"), "regressor")
    assert checkpoint_name(config("small", rhythm=0), "regressor") != checkpoint_name(config("small"), "regressor")


def test_music_features_must_match_the_network():
    "A database of MFCC-only tracks fed to a network that expects the rhythm features too is refused by name."
    cfg = config("smoke")
    tracks = [clip_track(toy_clip(6.0, seed=s)) for s in range(2)]                 # rhythm=0: 13 MFCC
    db = fragment_db(tracks, 2.0)
    a, _ = music_windows(toy_clip(4.0).audio, 22050, db)
    assert a.shape[-1] == 13 and cfg.rhythm == 24
    with pytest.raises(DataError, match="audio_dims=38"): MatchNet("dwm23", cfg).audio(a)
    db24 = fragment_db([clip_track(toy_clip(6.0, seed=s), rhythm=24) for s in range(2)], 2.0)
    a24, _ = music_windows(toy_clip(4.0).audio, 22050, db24)
    assert a24.shape[-1] == 38 and MatchNet("dwm23", cfg).audio(a24).shape[0] == len(a24)
    with pytest.raises(DataError, match="music features"): fragment_db(tracks + [clip_track(toy_clip(6.0), rhythm=24)], 2.0)


def test_training_logs_validation_and_test_accuracy_per_epoch(tmp_path, monkeypatch):
    from dancebook.core import load_json
    from dancebook.models import danceit
    monkeypatch.setenv("DANCEBOOK_ARTIFACTS", str(tmp_path))
    cfg = config("smoke", max_steps=None, epochs=1)
    m = danceit.load_or_train(cfg, "synth", seed=0, device="cpu", guidance=None, progress=False)
    log = load_json(next(tmp_path.rglob("matchnet_r3_2s*_log.json")))["epochs"]
    assert {"acc", "rank", "test_acc", "test_loss", "test_rank"} <= set(log[-1])
    assert "valid_acc" not in log[-1]              # SynthDance's 12-s clips are too short to hold 20% windows out
    assert all(0 <= log[-1][k] <= 1 for k in ("acc", "test_acc", "test_rank"))
    assert m.db_feats.shape[0] == len(m.db)


def test_paper_config_takes_one_matching_step_with_its_shapes():
    "The paper preset (delayed negatives only, 500 epochs, lr 1e-4, wider ST-GCN) builds and takes one step on CPU."
    from dancebook.models.danceit import pose_steps, matching_outputs
    cfg = config("paper")
    assert cfg.neg_other == 0.0 and cfg.lr == 1e-4 and cfg.epochs == 500
    tracks = [clip_track(toy_clip(12.0, seed=s)) for s in range(2)]
    db = fragment_db(tracks, cfg.seconds)
    net = MatchNet("dwm23", cfg)
    pairs = MatchingPairs(tracks, db, cfg)
    learn = Learner(net, pairs, matching_step, [torch.optim.Adam(net.parameters(), cfg.lr)], batch_size=8, device="cpu")
    batch = next(iter(learn.batches(0)))
    before = [p.detach().clone() for p in net.parameters()]
    out = matching_step(learn, batch)
    S = pose_steps(db.length, len(cfg.widths))
    assert net.audio(batch[0]).shape == net.pose(batch[1]).shape == (8, S * cfg.d_feat)
    assert np.isfinite(float(out["loss"].detach())) and any(not torch.equal(a, b) for a, b in zip(before, net.parameters()))
