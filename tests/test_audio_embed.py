"""Audio genre embedding (not VGGish/SoundNet) and the genre metrics: shapes, determinism, resume, bad audio, gradients, known answers."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st, HealthCheck
from scipy.spatial.distance import cdist

from dancebook import train
from dancebook.core import ConfigError, DataError, load_json, ArtifactStore
from dancebook.data.synth import GENRES, synth_clip
from dancebook.metrics.genre import genre_accuracy, retrieve_genres, dist_m, chance_level
from dancebook.models.audio_embed import (
    config, AudioEmbedNet, load_or_train, embed, predict_genre, genre_probs, features, checkpoint_name, genre_audio,
    holdout_clips)

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SR = 22050


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    return tmp_path_factory.mktemp("artifacts")


def _train(root, monkeypatch, stop_after=None, seed=0, **overrides):
    "A smoke embedding trained under `root` (interrupted after `stop_after` steps if given)."
    monkeypatch.setenv("DANCEBOOK_ARTIFACTS", str(root))
    std = train.standard_cbs
    if stop_after is not None:
        monkeypatch.setattr(train, "standard_cbs", lambda *a, **k: std(*a, **k) + [train.StopAfter(stop_after)])
    try: return load_or_train(config("smoke", **overrides), seed=seed, device="cpu", progress=False)
    finally: monkeypatch.setattr(train, "standard_cbs", std)


@pytest.fixture(scope="module")
def model(artifacts):
    mp = pytest.MonkeyPatch()
    try: yield _train(artifacts, mp)
    finally: mp.undo()


def _weights(net): return [p.detach().clone() for p in net.state_dict().values()]


def test_shapes_and_genres(model):
    cfg = model.cfg
    y = synth_clip("house", 3.5, seed=3).audio
    E = embed(model, y, SR)
    assert E.shape == (int(3.5 // cfg.window_seconds), cfg.emb_dim) and E.dtype == np.float32
    assert embed(model, y[: SR // 2], SR).shape == (1, cfg.emb_dim)             # shorter than a window: one window
    assert embed(model, y, SR, seconds=0.5).shape == (7, cfg.emb_dim)
    assert model.genres == GENRES and predict_genre(model, y, SR) in GENRES
    p = genre_probs(model, y, SR)
    assert p.shape == (10,) and np.isclose(p.sum(), 1, atol=1e-5)
    assert [f.shape[1] for f in features(model, torch.from_numpy(y[:SR])[None])] == list(cfg.channels)


def test_bad_audio_raises_a_data_error_that_names_it(model):
    for bad, words in [(np.array([], np.float32), "empty"), (np.full(SR, np.nan, np.float32), "non-finite"),
                       (np.zeros(SR, np.float32), "silent"), (1e-6 * np.ones(SR, np.float32), "silent"),
                       (0.1 * np.ones((2, SR), np.float32), "mono"), (0.5 * np.ones(50, np.float32), "shorter")]:
        with pytest.raises(DataError, match=words): embed(model, bad, SR)
    with pytest.raises(DataError, match="silent"): predict_genre(model, np.zeros(SR), SR)
    with pytest.raises(DataError, match="waveforms"): model(torch.zeros(2, 10))
    with pytest.raises(ConfigError, match="unknown audio embedding config"): config("small", bogus=1)
    with pytest.raises(ConfigError, match="at least 2 genres"): AudioEmbedNet(config("smoke"), ("waltz",))


def test_gradient_reaches_the_waveform(model):
    wave = torch.from_numpy(synth_clip("jive", 1.0, seed=5).audio)[None].requires_grad_()
    real = [f.detach() for f in features(model, torch.from_numpy(synth_clip("jive", 1.0, seed=6).audio)[None])]
    loss = sum(torch.nn.functional.smooth_l1_loss(a, b) for a, b in zip(features(model, wave), real))   # Creative-GAN eq. 10-11
    loss.backward()
    assert torch.isfinite(wave.grad).all() and wave.grad.abs().sum() > 0
    w2 = wave.detach().clone().requires_grad_()
    model(w2)[0].norm().backward()
    assert w2.grad.abs().sum() > 0


def test_training_logs_both_curves_and_reloads(model, artifacts):
    cfg = model.cfg
    log = load_json(ArtifactStore("audio_embed", "synth", "smoke", 0, root=artifacts).path(checkpoint_name(cfg, "_log.json")))["epochs"]
    assert len(log) == cfg.epochs and {"loss", "acc", "valid_loss", "valid_acc"} <= set(log[-1])
    assert log[-1]["loss"] < log[0]["loss"]                                      # it trains
    mp = pytest.MonkeyPatch()
    try: again = _train(artifacts, mp)
    finally: mp.undo()
    assert all(a.equal(b) for a, b in zip(_weights(model), _weights(again)))


def test_same_seed_same_weights_and_an_interrupted_run_resumes_to_them(model, tmp_path, monkeypatch):
    cfg = model.cfg
    steps_per_epoch = len(holdout_clips(genre_audio(cfg), cfg.valid_per_genre)[0]) * cfg.windows_per_clip // cfg.batch_size
    part = _train(tmp_path, monkeypatch, stop_after=steps_per_epoch + 1)       # stopped in epoch 2: last checkpoint at epoch 1
    ck = tmp_path / "audio_embed" / "synth" / "smoke" / "seed0" / checkpoint_name(cfg)
    assert train.read_checkpoint(ck)["epoch"] == 1
    assert not all(a.equal(b) for a, b in zip(_weights(model), _weights(part)))
    resumed = _train(tmp_path, monkeypatch)
    assert train.read_checkpoint(ck)["epoch"] == cfg.epochs
    assert all(torch.allclose(a.float(), b.float(), atol=1e-6) for a, b in zip(_weights(model), _weights(resumed)))
    other = _train(tmp_path, monkeypatch, seed=1, max_steps=1)
    assert not all(a.equal(b) for a, b in zip(_weights(model), _weights(other)))


def test_changed_configs_get_their_own_checkpoint():
    names = {checkpoint_name(config("smoke")), checkpoint_name(config("smoke", emb_dim=16)), checkpoint_name(config("smoke", lr=1e-3))}
    assert len(names) == 3


# ---- metrics.genre ----

def test_genre_accuracy_and_dist_m_known_answers():
    ref = np.array([[0., 0], [1, 0], [10, 0], [11, 0]]); g = np.array(["waltz", "waltz", "house", "house"])
    assert genre_accuracy(ref + 0.1, g, ref, g) == 1.0
    assert genre_accuracy(ref, g[::-1], ref, g) == 0.0
    assert genre_accuracy(ref, g, ref, g, gen_groups=[0, 1, 2, 3], ref_groups=[0, 1, 2, 3]) == 1.0   # its neighbour, same genre
    assert chance_level(g) == 0.5 and chance_level(GENRES) == 0.1
    assert dist_m([[0., 0], [3, 4]]) == 5.0
    assert dist_m([[0., 0]], [[3., 4], [6, 8]]) == 7.5
    with pytest.raises(DataError, match="at least 2"): dist_m([[1., 2]])
    with pytest.raises(DataError, match="whole reference pool"):
        genre_accuracy(ref, g, ref, g, gen_groups=[0] * 4, ref_groups=[0] * 4)


@FAST
@given(st.integers(2, 12), st.integers(1, 6), st.integers(0, 10**6))
def test_dist_m_is_the_mean_pairwise_distance_and_translation_invariant(n, d, seed):
    a = np.random.default_rng(seed).normal(size=(n, d))
    D = cdist(a, a)
    assert np.isclose(dist_m(a), D[np.triu_indices(n, 1)].mean())
    assert np.isclose(dist_m(a + 3.0), dist_m(a))
    assert np.isclose(dist_m(a, a), D.mean())


@FAST
@given(st.integers(1, 10), st.integers(2, 20), st.integers(1, 5), st.integers(0, 10**6))
def test_k1_retrieval_is_the_genre_of_the_nearest_reference(n, m, d, seed):
    rng = np.random.default_rng(seed)
    q, r, g = rng.normal(size=(n, d)), rng.normal(size=(m, d)), rng.integers(0, 4, m)
    want = g[np.argmin(((q[:, None] - r[None]) ** 2).sum(-1), axis=1)]
    assert (retrieve_genres(q, r, g) == want).all()
    perm = rng.permutation(m)
    assert (retrieve_genres(q, r[perm], g[perm]) == want).all()                  # the pool's order does not matter
