"""The video encoder (D2M-GAN's visual module, trained here in place of I3D): shapes and rates, determinism, bad input, resume."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from dancebook.core import ConfigError, DataError
from dancebook.models import video_embed as ve


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    "A fresh artifact store (and feature cache) for one test."
    monkeypatch.setenv("DANCEBOOK_ARTIFACTS", str(tmp_path))
    monkeypatch.delenv("DANCEBOOK_CACHE", raising=False)
    return tmp_path


def _video(T=30, H=32, W=32, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (T, H, W, 3), dtype=np.uint8)


def _weights(net):
    return {k: v.clone() for k, v in net.state_dict().items()}


@pytest.mark.parametrize("T, fps", [(30, 15.0), (60, 30.0), (25, 25.0), (1, 15.0), (7, 60.0)])
def test_embed_gives_one_step_per_encoder_frame(T, fps):
    net = ve.VideoEncoder(ve.config("smoke")).eval()
    f = ve.embed(net, _video(T), fps)
    assert f.dtype == np.float32 and f.shape == (max(1, round(T * net.feature_rate / fps)), net.cfg.dim)
    assert ve.clip_embedding(net, _video(T), fps).shape == (net.cfg.dim,)


def test_embed_takes_any_frame_size_and_is_deterministic():
    net = ve.VideoEncoder(ve.config("smoke")).eval()
    v = _video(20, 48, 80)
    a, b = ve.embed(net, v, 15), ve.embed(net, v, 15)
    assert a.shape == (20, net.cfg.dim) and np.array_equal(a, b)


@pytest.mark.parametrize("frames, fps, err, words", [
    (np.zeros((10, 32, 32), np.uint8), 15, DataError, "uint8 (T, H, W, 3)"),
    (np.zeros((10, 32, 32, 4), np.uint8), 15, DataError, "uint8 (T, H, W, 3)"),
    (np.zeros((10, 32, 32, 3), np.float32), 15, DataError, "uint8 (T, H, W, 3)"),
    (np.zeros((0, 32, 32, 3), np.uint8), 15, DataError, "T > 0"),
    (np.zeros((10, 4, 4, 3), np.uint8), 15, DataError, "too small"),
    (np.zeros((10, 32, 32, 3), np.uint8), 0, ConfigError, "fps must be"),
    (np.zeros((10, 32, 32, 3), np.uint8), -30, ConfigError, "fps must be"),
    (np.zeros((10, 32, 32, 3), np.uint8), float("inf"), ConfigError, "fps must be"),
    (np.zeros((10, 32, 32, 3), np.uint8), "30", ConfigError, "fps must be"),
])
def test_bad_input_names_the_problem(frames, fps, err, words):
    net = ve.VideoEncoder(ve.config("smoke")).eval()
    with pytest.raises(err, match=words.replace("(", r"\(").replace(")", r"\)")):
        ve.embed(net, frames, fps)


def test_only_synthdance_trains_it():
    with pytest.raises(ConfigError, match="rendered SynthDance"):
        ve.load_or_train(ve.config("smoke"), dataset="dwm")


def test_checkpoints_of_changed_encoders_do_not_collide_but_longer_runs_resume_shorter_ones():
    names = {ve.checkpoint_path(ve.config("smoke", **o)).name for o in ({}, {"dim": 16}, {"n_phase": 8}, {"train_cameras": ("front",), "cameras_per_clip": 1})}
    assert len(names) == 4
    assert ve.checkpoint_path(ve.config("smoke", max_steps=3)) == ve.checkpoint_path(ve.config("smoke"))


def test_splits_share_no_music(artifacts):
    cfg = ve.config("smoke", clip_seconds=2.0)
    sets = {s: ve.render_set(cfg, s) for s in ("train", "valid", "test")}
    tempi = {s: set(np.round(v.tempo, 6)) for s, v in sets.items()}
    assert not (tempi["train"] & tempi["test"]) and not (tempi["train"] & tempi["valid"])
    assert set(sets["test"].camera) == set(cfg.test_cameras) and set(sets["train"].camera) == set(cfg.train_cameras)


def test_training_is_deterministic_and_resumes_exactly(artifacts, tmp_path_factory, monkeypatch):
    "An interrupted run resumed to the end equals an uninterrupted one, and both equal a rerun with the same seed."
    cfg = ve.config("smoke", epochs=1)
    part = ve.load_or_train(replace(cfg, max_steps=2), device="cpu", progress=False)
    st = torch.load(ve.checkpoint_path(cfg), weights_only=True)
    assert st["step"] == 2 and st["epoch"] == 0                       # stopped inside the first epoch
    resumed = _weights(ve.load_or_train(cfg, device="cpu", progress=False))
    assert torch.load(ve.checkpoint_path(cfg), weights_only=True)["epoch"] == 1
    monkeypatch.setenv("DANCEBOOK_ARTIFACTS", str(tmp_path_factory.mktemp("fresh")))
    fresh = _weights(ve.load_or_train(cfg, device="cpu", progress=False))
    assert resumed.keys() == fresh.keys()
    assert all(torch.equal(resumed[k], fresh[k]) for k in fresh)
    assert any(not torch.equal(_weights(part)[k], fresh[k]) for k in fresh)   # the last steps changed it


def test_training_logs_loss_and_validation_accuracies_per_epoch(artifacts):
    from dancebook.core import load_json
    cfg = ve.config("smoke")
    net = ve.load_or_train(cfg, device="cpu", progress=False)
    log = load_json(ve.checkpoint_path(cfg).with_name(ve.checkpoint_path(cfg).stem + "_log.json"))["epochs"]
    assert len(log) == cfg.epochs
    assert {"loss", "genre_acc", "phase_acc", "valid_loss", "valid_genre_acc", "valid_phase_acc"} <= set(log[-1])
    assert all(np.isfinite(e["valid_loss"]) for e in log)
    assert log[-1]["loss"] < log[0]["loss"]                           # it learns something on its training windows
    assert not any(p.requires_grad for p in net.parameters())          # frozen, as D2M-GAN's G_v
