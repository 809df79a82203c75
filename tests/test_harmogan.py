"""HarmoGAN end to end: paper-sized step, resume, harmony-loss gradient and ranking, generation, real data."""
import math
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

from dancebook.audio import Beats
from dancebook.core import ConfigError, DataError
from dancebook.metrics.harmony import harmony_score, hit_rate
from dancebook.data.corpus import toy_clip
from dancebook.models import harmogan as H
from dancebook.models.harmogan import (HarmoGAN, MeterUnits, generate, config, make_learner, harmony_loss, make_units,
                                       clip_motion, soft_harmony, soft_visual_beats, padded_velocity_sum, pretrain,
                                       HarmoGANConfig)
from dancebook.motion import visual_beats
from dancebook.nn.blocks import n_params
from dancebook.train import CheckpointCB, StopAfter

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FPS = 15.0


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    "HarmoGAN's small matmuls run fastest on one thread when the cores are shared; restore afterwards."
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def random_units(cfg, n=12, seed=0):
    "Random meter units with the shapes of real ones."
    g = torch.Generator().manual_seed(seed)
    L = cfg.unit_frames
    given = torch.zeros(n, L); given[:, :8] = 1
    return MeterUnits(torch.randn(n, L, cfg.n_mfcc, generator=g), 0.3 * torch.randn(n, L, 21, 3, generator=g),
                      given, (torch.rand(n, L, generator=g) < 0.15).float())


def cfg_of(name, **kw):
    "A preset's config without the IN_TEST override, so 'paper' really is the paper preset."
    return HarmoGANConfig(preset=name, **{**H._PRESETS[name], **kw})


def test_paper_preset_one_step_on_cpu():
    cfg = cfg_of("paper")
    assert (cfg.batch_size, cfg.pre_epochs, cfg.gan_epochs, cfg.pre_lr, cfg.gan_lr) == (10, 225, 45, 1e-3, 1e-4)
    assert (cfg.pre_every, cfg.pre_factors, cfg.gan_every, cfg.gan_factors) == (50, (0.5, 0.2, 0.2, 0.5), 5, (0.5, 0.2))
    assert (cfg.wd_d, cfg.wd_g, cfg.fps, cfg.n_joints) == (1e-3, 1e-4, 15.0, 21)
    m = HarmoGAN(cfg)
    assert n_params(m.generator) > 5_000_000                      # the paper-sized generator, not the small one
    data = random_units(cfg, n=10)
    before = [p.detach().clone() for p in m.generator.parameters()]
    learn = make_learner(m, data, 2, device="cpu").fit(1, max_steps=1)
    assert learn.step == 1 and all(math.isfinite(v) for v in learn.losses.values())
    assert any(not torch.equal(a, b) for a, b in zip(before, m.generator.parameters()))


def test_discriminator_tells_a_moving_dancer_from_an_idle_one():
    "The old `small` failure: fed raw metres, the discriminators sat at chance (1.386 after 80 steps here); `motion_input` lets them see speed."
    cfg = config("smoke")
    g = torch.Generator().manual_seed(0)
    t = torch.arange(cfg.unit_frames)[None, :, None, None] / cfg.fps
    def dancers(n, amp):
        "Bodies standing metres from the origin, every coordinate swaying at 1.5 Hz with amplitude `amp` m."
        body = 0.3 * torch.randn(n, 1, 21, 3, generator=g) + 3 * torch.randn(n, 1, 1, 3, generator=g)
        return body + amp * torch.sin(2 * math.pi * 1.5 * t + 2 * math.pi * torch.rand(n, 1, 21, 3, generator=g))
    torch.manual_seed(0)
    D, music = H.CrossModalD(cfg), torch.zeros(1, cfg.unit_frames, cfg.n_mfcc)
    call = lambda x: D(music.expand(len(x), -1, -1), x)
    opt = torch.optim.Adam(D.parameters(), lr=1e-3)
    for _ in range(80):
        loss = H.discriminator_loss(call(dancers(16, 0.1)), call(dancers(16, 0.03)))
        opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad(): final = float(H.discriminator_loss(call(dancers(64, 0.1)), call(dancers(64, 0.03))))
    assert final < 0.6 * 2 * math.log(2), final          # chance is 2 ln 2 = 1.386


def test_resume_matches_uninterrupted(tmp_path):
    cfg = config("smoke", batch_size=4)
    data = random_units(cfg, n=12)
    def run(stop=None, ck=None):
        torch.manual_seed(0)
        m = HarmoGAN(cfg)
        cbs = [CheckpointCB(ck)] if ck else []
        learn = make_learner(m, data, 2, cbs=cbs + ([StopAfter(stop)] if stop else []), device="cpu", seed=0)
        learn.fit(2, resume=bool(ck))
        return m
    ref = run()
    run(stop=4, ck=tmp_path / "ck.pt")                      # interrupted after 4 of 6 steps
    res = run(ck=tmp_path / "ck.pt")                        # a fresh process resumes
    for (k, a), b in zip(ref.state_dict().items(), res.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), k


@pytest.fixture
def fixed_units(tmp_path, monkeypatch):
    "The face's `load_or_train` training on random units (not the corpus), with its artifact store in `tmp_path`."
    cfg = config("smoke", batch_size=4, feat_steps=2)
    data = random_units(cfg, n=8)
    monkeypatch.setattr(H, "load_corpus", lambda *a, **k: SimpleNamespace(clips=[]))
    monkeypatch.setattr(H, "make_units", lambda clips, cfg: data)
    monkeypatch.setenv("DANCEBOOK_ARTIFACTS", str(tmp_path))
    return cfg


def test_load_or_train_loads_what_it_trained(fixed_units):
    cfg = replace(fixed_units, variant="gan")
    a = H.load_or_train(cfg, "synth", progress=False, device="cpu")
    ck = H.artifact_store(cfg, "synth").path("gan.pt")
    mtime = ck.stat().st_mtime_ns
    b = H.load_or_train(cfg, "synth", progress=False, device="cpu")
    assert ck.stat().st_mtime_ns == mtime                    # complete: read, not retrained
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


def test_load_or_train_resumes_an_interrupted_variant(fixed_units, monkeypatch):
    cfg = replace(fixed_units, gan_epochs=2)
    ref = H.load_or_train(cfg, "synth", progress=False, device="cpu")
    store = H.artifact_store(cfg, "synth")
    (store.dir / "full.pt").unlink()
    make = H.make_learner
    def interrupted(model, units, stage, cbs, *rest):
        "Stage 2 stops after 3 of its 4 steps."
        return make(model, units, stage, [*cbs, StopAfter(3)] if stage == 2 else cbs, *rest)
    monkeypatch.setattr(H, "make_learner", interrupted)
    H.load_or_train(cfg, "synth", progress=False, device="cpu")     # interrupted
    monkeypatch.setattr(H, "make_learner", make)
    res = H.load_or_train(cfg, "synth", progress=False, device="cpu")   # resumes
    for (k, x), y in zip(ref.state_dict().items(), res.state_dict().values()):
        assert torch.allclose(x, y, atol=1e-6), k


def test_overridden_config_never_loads_the_presets_checkpoint(fixed_units):
    base = H.load_or_train(fixed_units, "synth", progress=False, device="cpu")
    other_cfg = replace(fixed_units, w_harmony=2.0)
    folder = H.artifact_store(other_cfg, "synth").dir
    assert folder != H.artifact_store(fixed_units, "synth").dir and not (folder / "full.pt").exists()
    other = H.load_or_train(other_cfg, "synth", progress=False, device="cpu")     # trained into its own folder
    assert (folder / "full.pt").exists()
    assert any(not torch.equal(a, b) for a, b in zip(base.state_dict().values(), other.state_dict().values()))


def hard_scores(motion, audio_frames):
    "Real (hard) harmony score and hit rate of one motion `(T, J, 3)` against audio beats given as frames."
    t = np.asarray(audio_frames, float) / FPS
    a = Beats(t, np.ones(len(t)))
    v = visual_beats(motion, FPS)
    return harmony_score(a, v), hit_rate(a, v)


def sine_motion(T, period, shift, noise=0.0, seed=0):
    "A body sliding with speed peaking every `period` frames from `shift`, plus joint noise: `(1, T, 21, 3)`."
    t = torch.arange(T, dtype=torch.float32)
    x = 0.02 * t + 0.05 * torch.sin(2 * math.pi * (t - shift) / period)
    m = (x[None, :, None, None] * torch.tensor([1., 0, 0])).repeat(1, 1, 21, 1)
    return m + noise * torch.randn(m.shape, generator=torch.Generator().manual_seed(seed))


def test_harmony_loss_gradient_moves_visual_beats_to_audio_beats():
    cfg = config("smoke")
    T, P = 128, 32
    ab = np.arange(8, T, P)
    a = torch.zeros(1, T); a[0, ab] = 1
    m0 = sine_motion(T, P, 0.5)                               # speed extrema 8 frames (0.53 s) from every audio beat
    def beat_dist(m):
        vb = np.round(visual_beats(m[0].detach().numpy(), FPS).times * FPS)
        return np.abs(ab[:, None] - vb[None]).min(1).mean()
    h0, hr0 = hard_scores(m0[0].numpy(), ab)
    m = m0.clone().requires_grad_(True)
    opt = torch.optim.Adam([m], lr=2e-3)
    for _ in range(60):
        loss = harmony_loss(m, a, cfg); opt.zero_grad(); loss.backward(); opt.step()
    h1, hr1 = hard_scores(m[0].detach().numpy(), ab)
    assert beat_dist(m) < beat_dist(m0) - 2                  # nearest visual beat moved toward each audio beat
    assert hr1 > hr0 and h1 > h0


def soft_score(m, ab_frames, cfg):
    a = torch.zeros(1, m.shape[1]); a[0, ab_frames] = 1
    h = cfg.harmony
    b = soft_visual_beats(padded_velocity_sum(m), cfg.soft_sharp, cfg.soft_margin, h.beta, cfg.soft_window)
    return float(soft_harmony(b, a, cfg.fps, h.delta, h.gamma)[0])


def test_soft_harmony_ranks_like_the_harmony_score():
    cfg = config("smoke")
    T, P = 120, 24
    ab = np.arange(4, T, P)
    cases = [sine_motion(T, P, s, noise=n, seed=i) for i, (s, n) in
             enumerate((s, n) for s in (4.5, 7, 10, 13, 16.5) for n in (0.0, 0.002))]
    soft = [soft_score(m, ab, cfg) for m in cases]
    hard = [hard_scores(m[0].numpy(), ab)[0] for m in cases]
    rho = spearmanr(soft, hard)[0]
    assert rho > 0.6, (rho, soft, hard)


@pytest.mark.skipif(not (DATA / "dance_with_melody").is_dir(), reason="../shared/data not found")
def test_soft_harmony_ranks_like_the_harmony_score_on_dwm():
    from dancebook.data.dwm import load_dwm
    cfg = config("smoke")
    clip = load_dwm(split="test", fps=FPS)[0]
    ds = make_units([clip], cfg)
    g = torch.Generator().manual_seed(0)
    soft, hard = [], []
    for i in range(0, len(ds), max(1, len(ds) // 12)):
        u = ds[i]; ab = np.flatnonzero(u["salient_beats"].numpy())
        for k, noise in enumerate((0.0, 0.003, 0.01)):
            m = u["pose"][None] + noise * torch.randn(u["pose"][None].shape, generator=g)
            soft.append(soft_score(m, ab, cfg)); hard.append(hard_scores(m[0].numpy(), ab)[0])
    assert spearmanr(soft, hard)[0] > 0.5


def test_generate_60_seconds_from_one_pose():
    cfg = config("smoke")
    torch.manual_seed(0)
    m = HarmoGAN(cfg).eval()
    clip = toy_clip(seconds=60.0, fps=FPS)
    m.generator.mean_pose.copy_(torch.from_numpy(H.unit_local(clip_motion(clip, FPS)[:1])[0][0]))   # what pretrain would set
    out, fps = generate(m, clip.audio, clip.sr, clip_motion(clip, FPS)[0])
    assert out.shape == (900, 21, 3) and fps == FPS and np.isfinite(out).all()
    assert out.std(0).mean() > 0                               # it moves


@pytest.mark.parametrize("anchor", ["last", "mean"])
def test_a_trained_generator_keeps_its_skeleton_over_a_minute(anchor):
    "Recurrent units feed on their own output: whatever the weights, the body keeps the initial pose's bone lengths."
    cfg = config("smoke", anchor=anchor)
    torch.manual_seed(1)
    m = HarmoGAN(cfg)
    with torch.no_grad():                                      # weights far from zero-initialised heads: output that drifts
        for p in m.generator.parameters(): p.add_(0.3 * torch.randn_like(p))
    m.eval()
    clip = toy_clip(seconds=60.0, fps=FPS)
    init = clip_motion(clip, FPS)[0]
    out = generate(m, clip.audio, clip.sr, init)[0]
    np.testing.assert_allclose(H.bone_lengths(out), np.broadcast_to(H.bone_lengths(init), (len(out), 20)), rtol=1e-4, atol=1e-5)
    height = out[:, 0, 1] - out[:, [9, 18], 1].min(1)
    assert np.isfinite(out).all() and height.max() <= np.linalg.norm(init[0] - init[9]) + H.bone_lengths(init).sum()


def test_fixed_windows_match_meter_units_in_number():
    "The fixed-window ablation gets as many units as meter units, evenly spaced, with the median given length."
    cfg = config("smoke")
    clip = toy_clip(seconds=30.0, fps=FPS)
    meter = H.music_features(clip.audio, clip.sr, cfg).units
    fixed = H.music_features(clip.audio, clip.sr, replace(cfg, units="fixed")).units
    assert len(fixed) == len(meter) > 2
    starts = np.array([s for s, _ in fixed])
    assert np.ptp(np.diff(starts)) <= 1 and {g for _, g in fixed} == {int(np.median([g for _, g in meter]))}


def test_bad_inputs_raise_dancebook_errors():
    cfg = config("smoke")
    m = HarmoGAN(cfg)
    clip = toy_clip(seconds=6.0)
    with pytest.raises(DataError, match=r"\(21, 3\)"): generate(m, clip.audio, clip.sr, np.zeros((23, 3)))
    with pytest.raises(DataError, match="at least"): generate(m, clip.audio[:100], clip.sr, np.zeros((21, 3)))
    with pytest.raises(DataError, match="long enough"): make_units([toy_clip(seconds=3.0)], cfg)
    with pytest.raises(DataError, match="no clips"): make_units([], cfg)
    with pytest.raises(ConfigError, match="fewer than one batch"): make_learner(m, random_units(cfg, n=1), device="cpu")
    with pytest.raises(ConfigError, match="stage"): make_learner(m, random_units(cfg, n=9), stage=3, device="cpu")
    with pytest.raises(ConfigError, match="variant"): config("smoke", variant="nolh")


@pytest.mark.skipif(not (DATA / "dance_with_melody").is_dir(), reason="../shared/data not found")
def test_dwm_pipeline_15fps_21_joints_metres():
    from dancebook.data.dwm import load_dwm
    cfg = config("smoke")
    clip = load_dwm(split="test", fps=25)[0]
    m = clip_motion(clip, cfg.fps)
    assert m.shape[1:] == (21, 3)
    assert abs(len(m) - clip.duration * 15) <= 1
    height = m[:, :, 1].max(1) - m[:, :, 1].min(1)
    assert 1.0 < np.median(height) < 2.2                     # a standing adult, in metres
    ds = make_units([clip], cfg)
    assert len(ds) > 10 and ds.pose.shape[1:] == (60, 21, 3)
    assert (ds.given.sum(1) >= 1).all() and (ds.given.sum(1) <= 30).all()
