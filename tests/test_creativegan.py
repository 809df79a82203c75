"Creative-GAN end to end: losses, one training step of every network, the TSN stand-in on rendered video, a smoke run, bad input."
import numpy as np
import pytest
import torch

from dancebook.core import ConfigError, DataError
from dancebook.data.corpus import DATASET_GENRES, load_corpus
from dancebook.models import creativegan as cg, music_vqvae, video_embed, audio_embed
from dancebook.models.d2mgan import encode_segments
from dancebook.train import Learner


def test_ambiguity_loss_drives_genre_probabilities_to_uniform():
    "Minimising L_a (eq. 6) alone over logits makes D_c's softmax uniform, from a confident start."
    z = torch.tensor([[6.0, 0.0, -2.0, 1.0]], requires_grad=True)
    opt = torch.optim.Adam([z], 0.1)
    for _ in range(300):
        opt.zero_grad(); cg.style_ambiguity_loss(z).backward(); opt.step()
    p = z.softmax(-1).detach()[0]
    assert torch.allclose(p, torch.full((4,), 0.25), atol=0.01)
    assert abs(float(cg.style_ambiguity_loss(z.detach())) - cg.ambiguity_floor(4)) < 1e-3


def test_config_ablations_are_cumulative():
    "Table 5's rows switch the terms on one at a time, in the paper's order."
    w = {k: tuple(getattr(cg.config("small", **cg.ABLATIONS[k]), f) for f in ("w_sty", "w_fm", "w_code", "w_p")) for k in "ABCDE"}
    on = {k: sum(x > 0 for x in v) for k, v in w.items()}
    assert [on[k] for k in "ABCDE"] == [0, 1, 2, 3, 4]
    with pytest.raises(ConfigError): cg.config("small", dc_pool=0)


@pytest.fixture(scope="module")
def tiny():
    "Rendered smoke SynthDance clips, an untrained smoke VQ-VAE and frame encoder, the TSN stand-in, segments with genres."
    cfg = cg.config("smoke", use_visual=True, seconds=1.0, hop=1.0)
    enc = video_embed.VideoEncoder(video_embed.config("smoke")).eval()
    tsn = cg.TSNFeatures(cfg, enc)
    corpus = load_corpus("synth", "train", preset="smoke", render=True, resolution=enc.cfg.resolution)
    genres = DATASET_GENRES["synth"]
    seg = cg.genre_segments(corpus, cfg, genres, tsn)
    torch.manual_seed(0)
    vq = music_vqvae.MusicVQVAE(music_vqvae.config("smoke")).eval()
    return cfg, tsn, corpus, genres, seg, vq


def test_tsn_stream_on_rendered_video(tiny):
    "Every segment gets visual features (T', D_rgb + 3 grid²) aligned with its motion features, and the genre of its clip."
    cfg, tsn, corpus, genres, (mot, vis, mus, gen), _ = tiny
    assert len(mot) == len(vis) == len(mus) == len(gen) > 0
    assert vis[0].shape == (mot[0].shape[0], tsn.dim) and np.isfinite(np.stack(vis)).all()
    assert set(gen) <= set(range(len(genres)))
    flow = np.stack(vis)[..., -3 * cfg.flow_grid ** 2:]
    assert flow[..., -cfg.flow_grid ** 2:].max() > 0                  # the dancer moves: some flow magnitude


def test_one_step_trains_generator_and_both_discriminators(tiny):
    "One `creative_step` of the full objective (with a perceptual net) changes G, D_r and D_c and logs every term of eq. 12."
    cfg, tsn, corpus, genres, (mot, vis, mus, gen), vq = tiny
    level = "high"
    codes = encode_segments(vq, mus, level)
    data = cg.GenreSegments(mot, vis, mus, codes, gen)
    lv = vq.level(level)
    percept = audio_embed.AudioEmbedNet(audio_embed.config("smoke"), genres).eval()
    net = cg.CreativeNet(cfg, level, mot[0].shape[-1], vis[0].shape[-1], len(genres), lv.vq, lv.encoder, lv.decoder, 1.0, percept)
    before = {n: [p.detach().clone() for p in getattr(net, n).parameters()] for n in ("G", "Dr", "Dc")}
    frozen = [p.detach().clone() for p in net.synth.parameters()]
    opts = [torch.optim.Adam(net.G.parameters(), 1e-3), torch.optim.Adam([*net.Dr.parameters(), *net.Dc.parameters()], 1e-3)]
    learn = Learner(net, data, cg.creative_step, opts, batch_size=2, device="cpu")
    logs = cg.creative_step(learn, next(iter(learn.batches(0))))
    assert {"adv", "ambiguity", "fm", "code", "perceptual", "d_ori", "style_cls", "dc_acc"} <= set(logs)
    assert all(np.isfinite(float(torch.as_tensor(v).detach())) for v in logs.values())
    for n, ps in before.items():
        assert any(not torch.equal(a, b) for a, b in zip(ps, getattr(net, n).parameters())), f"{n} did not change"
    assert all(torch.equal(a, b) for a, b in zip(frozen, net.synth.parameters()))   # the VQ-VAE decoder stays frozen


def test_generate_with_visual_stream_needs_frames(tiny, monkeypatch):
    "A model with a visual stream generates from motion and frames, and says so when frames are missing."
    cfg, tsn, corpus, genres, (mot, vis, mus, gen), vq = tiny
    lv = vq.level("high")
    net = cg.CreativeNet(cfg, "high", mot[0].shape[-1], vis[0].shape[-1], len(genres), lv.vq, lv.encoder, lv.decoder, 1.0).eval()
    model = cg.CreativeGAN(cfg, "synth", vq, {"high": net}, skeleton=corpus[0].skeleton, genres=genres)
    monkeypatch.setitem(cg._TSN, (cfg.preset, cfg.tsn_segment, cfg.flow_resolution, cfg.flow_grid, cfg.fps), tsn)
    c = corpus[0]
    y, sr = cg.generate(model, c.motion, c.fps, frames=c.frames)
    assert sr == cfg.sr and np.isfinite(y).all() and abs(len(y) / sr - c.duration) < 0.05
    with pytest.raises(DataError, match="frames"): cg.generate(model, c.motion, c.fps)
    with pytest.raises(DataError): cg.generate(model, c.motion[..., :2], c.fps, frames=c.frames)   # 2-D keypoints for a 3-D model


def test_smoke_load_or_train_then_generate(tmp_path, monkeypatch):
    "The whole path at `smoke`: VQ-VAE, audio classifier and Creative-GAN trained into a fresh store, reloaded, generating music."
    monkeypatch.setenv("DANCEBOOK_ARTIFACTS", str(tmp_path))
    cfg = cg.config("smoke", max_steps=2)
    model = cg.load_or_train(cfg, "synth", seed=0, device="cpu", progress=False)
    assert (tmp_path / "creativegan" / "synth" / "smoke" / "seed0" / cg.checkpoint_name(cfg, "high")).exists()
    again = cg.load_or_train(cfg, "synth", seed=0, device="cpu", progress=False)        # loaded, not retrained
    for a, b in zip(model.net("high").G.parameters(), again.net("high").G.parameters()): assert torch.equal(a, b)
    c = load_corpus("synth", "test", preset="smoke")[0]
    y, sr = cg.generate(model, c.motion, c.fps)
    assert np.isfinite(y).all() and np.abs(y).max() > 0
    with pytest.raises(ConfigError, match="levels"): model.net("low")
    with pytest.raises(DataError): cg.generate(model, c.motion[:1], c.fps)
