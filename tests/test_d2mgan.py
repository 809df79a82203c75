"""D2M-GAN: shapes per level, finite loss terms, learning on a fixed batch, resume, generation from joints and keypoints, bad input."""
import numpy as np
import pytest
import torch

from dancebook.core import ConfigError, DataError
from dancebook.data.corpus import load_corpus
from dancebook.train import Learner, StopAfter, CheckpointCB
from dancebook.models import d2mgan as D


@pytest.fixture(scope="module")
def model(store):
    return D.load_or_train(D.config("smoke"), dataset="synth", progress=False)


@pytest.fixture(scope="module")
def clip():
    return load_corpus("synth", "test", preset="smoke")[0]


def _net(model, level, **over):
    "A fresh `D2MNet` of `level` on the smoke model's codebook and decoder, with `over` changed in its config."
    cfg = D.config("smoke", **over)
    lv = model.vqvae.level(level)
    return D.D2MNet(cfg, level, model.nets[level].G.Gm.mean.numel(), 0, lv.vq, lv.encoder, lv.decoder, float(model.nets[level].G.Gvq.sigma))


def _batch(model, clip, level, B=2):
    "A fixed batch of `B` one-second segments of `clip` with their ground-truth codes."
    cfg = model.cfg
    mot, vis, mus = D.cut_segments([clip], cfg)
    codes = D.encode_segments(model.vqvae, mus[:B], level)
    return (torch.from_numpy(np.stack(mot[:B])), torch.from_numpy(np.stack(vis[:B])), torch.from_numpy(np.stack(mus[:B])), codes)


@pytest.mark.parametrize("level", ["high", "low"])
def test_shapes_per_level(model, clip, level):
    net, batch = model.nets[level], _batch(model, clip, level)
    n = D.segment_samples(model.cfg.seconds, model.cfg.sr) // D.LEVELS[level]
    assert batch[3].shape == (2, n)
    f = net.G(batch[0], None, n)
    assert f.shape == (2, net.vq.dim, n)
    assert float(f.abs().max()) <= float(net.G.Gvq.sigma) + 1e-6
    assert net.music(batch[3]).shape == (2, n * D.LEVELS[level])
    inp = D.d_input(f, True)
    assert inp.shape == (2, 1, net.vq.dim * n)


@pytest.mark.parametrize("level", ["high", "low"])
def test_loss_terms_are_finite(model, clip, level):
    _, _, terms = D.generator_terms(model.nets[level], _batch(model, clip, level))
    assert set(terms) == {"code", "wav", "mel"}
    assert all(torch.isfinite(v) for v in terms.values())


def test_a_few_steps_reduce_the_code_loss_on_a_fixed_batch(model, clip):
    torch.manual_seed(0)
    net, batch = _net(model, "high", lr=2e-3), _batch(model, clip, "high")
    cfg = net.cfg
    learn = Learner(net, D.Segments(*[[r.numpy() for r in x] for x in batch[:3]], batch[3]), D.d2m_step,
                    [D._adam(net.G, cfg.lr, cfg), D._adam(net.D, cfg.lr, cfg)], batch_size=2, device="cpu", shuffle=False)
    with torch.no_grad(): before = float(D.generator_terms(net, batch)[2]["code"])
    for _ in range(12): D.d2m_step(learn, batch)                                  # train mode: batch statistics throughout
    with torch.no_grad(): after = float(D.generator_terms(net, batch)[2]["code"])
    assert after < 0.9 * before, (before, after)


def test_training_resumes_where_it_stopped(model, clip, tmp_path):
    batch = _batch(model, clip, "high", B=4)
    data = D.Segments(*[[r.numpy() for r in x] for x in batch[:3]], batch[3])
    def learner(cbs):
        torch.manual_seed(0); net = _net(model, "high")
        cfg = net.cfg
        return Learner(net, data, D.d2m_step, [D._adam(net.G, cfg.lr, cfg), D._adam(net.D, cfg.lr, cfg)], batch_size=2,
                       device="cpu", seed=0, cbs=cbs)
    straight = learner([]).fit(2)
    ck = tmp_path / "gen.pt"
    learner([CheckpointCB(ck, every=1), StopAfter(3)]).fit(2)
    resumed = learner([CheckpointCB(ck)]).fit(2, resume=ck)
    for (k, a), b in zip(straight.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.allclose(a.float(), b.float(), atol=1e-5), k


def test_load_or_train_loads_what_it_trained(model):
    again = D.load_or_train(D.config("smoke"), dataset="synth", progress=False)
    for level in model.nets:
        for a, b in zip(model.nets[level].state_dict().values(), again.nets[level].state_dict().values()):
            assert torch.equal(a, b)


@pytest.mark.parametrize("level", ["high", "low"])
def test_generate_from_joints(model, clip, level):
    y, sr = D.generate(model, clip.motion, clip.fps, level=level)
    assert sr == 22050 and y.dtype == np.float32 and np.isfinite(y).all()
    assert len(y) == int(clip.duration * sr) // 128 * 128
    z, _ = D.generate(model, clip.motion, clip.fps, level=level, zero_input=True)
    assert len(z) == len(y)


def test_generate_from_keypoints(store, clip):
    kp_model = D.load_or_train(D.config("smoke", motion="keypoints", levels=("high",)), dataset="synth", progress=False)
    from dancebook.motion import project_2d
    y, sr = D.generate(kp_model, project_2d(clip.motion), clip.fps, level="high")
    assert len(y) == int(clip.duration * sr) // 128 * 128 and np.isfinite(y).all()
    y3, _ = D.generate(kp_model, clip.motion, clip.fps, level="high")          # joints are projected to the front view
    assert len(y3) == len(y)


def test_bad_input_errors(model, clip):
    m = clip.motion.copy(); m[3, 2, 1] = np.nan
    with pytest.raises(DataError, match="non-finite"): D.generate(model, m, clip.fps)
    with pytest.raises(DataError, match="3-D joints"): D.generate(model, clip.motion[..., :2], clip.fps)
    with pytest.raises(DataError, match="shape"): D.generate(model, clip.motion[0], clip.fps)
    with pytest.raises(DataError, match="joints but skeleton"): D.generate(model, clip.motion[:, :10], clip.fps)
    with pytest.raises(DataError, match="shorter|too short"): D.generate(model, clip.motion[:1], clip.fps)
    with pytest.raises(ConfigError, match="fps"): D.generate(model, clip.motion, 0)
    with pytest.raises(ConfigError, match="levels"): D.generate(model, clip.motion, clip.fps, level="mid")
    with pytest.raises(DataError, match="codes"): D.synthesize(model, [0, 10 ** 6], "high")
    with pytest.raises(ConfigError, match="unknown"): D.config("smoke", sigmaa=1)


def test_visual_module_takes_the_video_and_needs_it(store):
    vis = D.load_or_train(D.config("smoke", use_visual=True, levels=("high",)), dataset="synth", progress=False)
    c = load_corpus("synth", "test", preset="smoke", render=True, resolution=32)[0]
    y, sr = D.generate(vis, c.motion, c.fps, frames=c.frames, level="high")
    assert len(y) == int(c.duration * sr) // 128 * 128 and np.isfinite(y).all()
    with pytest.raises(DataError, match="video frames"): D.generate(vis, c.motion, c.fps, level="high")
