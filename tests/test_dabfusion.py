"""DabFusion: eq. 1 warping properties, config and input errors, stage steps learn on a fixed batch, the DDIM loop's
shapes and determinism, chaining, baselines, and the smoke model end to end (SynthDance renders only: no data folder needed)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dancebook.core import ConfigError, DataError
from dancebook.nn.flow import UNet3D, identity_grid, warp
from dancebook.models import dabfusion as D


@pytest.fixture(scope="module")
def model(store):
    return D.load_or_train(D.config("smoke"), progress=False)


@pytest.mark.parametrize("h,w", [(4, 4), (8, 6), (5, 9)])
def test_identity_warp_and_occlusion(h, w):
    z = torch.randn(3, 5, h, w)
    g = identity_grid(h, w)[None].expand(3, -1, -1, -1)
    torch.testing.assert_close(warp(z, g), z, atol=1e-5, rtol=0)
    m = torch.rand(3, 1, h, w)
    torch.testing.assert_close(warp(z, g, m), z * m, atol=1e-5, rtol=0)


def test_warp_moves_content():
    "A grid sampling two pixels to the right moves a bright spot two pixels to the left."
    z = torch.zeros(1, 1, 8, 8); z[0, 0, 3, 5] = 1
    g = identity_grid(8, 8)[None].clone(); g[:, 0] += 2 * 2 / 8
    out = warp(z, g)
    assert out[0, 0].argmax().item() == 3 * 8 + 3


def test_bad_inputs():
    with pytest.raises(DataError, match="flow"): warp(torch.zeros(1, 2, 4, 4), torch.zeros(1, 3, 4, 4))
    with pytest.raises(ConfigError, match="unknown camera"): D.config("smoke", cameras=("c99",))
    with pytest.raises(ConfigError, match="divisible"): D.config("smoke", resolution=36)
    with pytest.raises(ConfigError, match="shorter than n_frames"): D.config("smoke", n_frames=100)
    net = UNet3D(3, 3, c_img=2, base=8, mults=(1, 2))
    with pytest.raises(DataError, match="image"): net(torch.zeros(1, 3, 4, 8, 8), torch.tensor([1]))


def test_stage1_learns_a_fixed_batch():
    "A few Adam steps of eq. 1 + the pixel term lower the reconstruction error of one pair of frames (the feature net is not needed for this)."
    torch.manual_seed(0)
    cfg = D.config("smoke")
    vs = D.render_videos(cfg, "valid")
    ref, drv = D._img(torch.from_numpy(vs.frames[:4, 0])), D._img(torch.from_numpy(vs.frames[:4, 10]))
    ae = D.LatentFlowAE(cfg)
    opt = torch.optim.Adam(ae.parameters(), 2e-3)
    losses = []
    for _ in range(40):
        loss = F.l1_loss(ae(ref, drv)[0], drv); opt.zero_grad(); loss.backward(); opt.step(); losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]


def test_smoke_model_end_to_end(model):
    cfg = model.cfg
    assert cfg.preset == "smoke"
    vs = D.render_videos(cfg, "test")
    f = D.generate(model, vs.frames[0, 0], vs.audio[0], vs.sr, cfg.n_frames)
    assert f.shape == (cfg.n_frames, cfg.resolution, cfg.resolution, 3) and f.dtype == np.uint8
    # the same seed gives the same video; another seed another one
    np.testing.assert_array_equal(f, D.generate(model, vs.frames[0, 0], vs.audio[0], vs.sr, cfg.n_frames))
    assert not np.array_equal(f, D.generate(model, vs.frames[0, 0], vs.audio[0], vs.sr, cfg.n_frames, seed=1))
    long = D.generate(model, vs.frames[0, 0], vs.audio[0], vs.sr, 2 * cfg.n_frames - 1)           # two chained passes
    assert long.shape[0] == 2 * cfg.n_frames - 1
    assert D.reconstruct(model, vs.frames[0, :5]).shape == (5, cfg.resolution, cfg.resolution, 3)
    assert D.transfer(model, vs.frames[0, 0], vs.frames[1, :5]).shape == (5, cfg.resolution, cfg.resolution, 3)
    big = np.repeat(np.repeat(vs.frames[0, 0], 3, 0), 2, 1)                                          # any size: centre-cropped, resized
    assert D.generate(model, big, vs.audio[0], vs.sr, 2).shape == (2, cfg.resolution, cfg.resolution, 3)


def test_generate_rejects_bad_input(model):
    cfg = model.cfg
    vs = D.render_videos(cfg, "test")
    im, y = vs.frames[0, 0], vs.audio[0]
    with pytest.raises(DataError, match="shorter than"): D.generate(model, im, y[:500], vs.sr, cfg.n_frames)
    with pytest.raises(DataError, match="uint8"): D.generate(model, im / 255.0, y, vs.sr, 2)
    with pytest.raises(DataError): D.generate(model, im, np.full_like(y, np.nan), vs.sr, 2)
    with pytest.raises(ConfigError, match="positive integer"): D.generate(model, im, y, vs.sr, 0)
    with pytest.raises(ConfigError, match="SynthDance"): D.load_or_train(cfg, dataset="aistpp")


def test_stage2_checkpoints_logged_and_validation_curve(model):
    "Both stages wrote a per-epoch log with a validation loss, and stage 2's denoiser is not the untrained zero output."
    from dancebook.core import ArtifactStore, load_json
    store = ArtifactStore("dabfusion", "synth", "smoke", 0)
    for stage in (1, 2):
        log = load_json(store.path(D.checkpoint_name(model.cfg, stage).replace(".pt", "_log.json")))["epochs"]
        assert len(log) == model.cfg.ae_epochs if stage == 1 else model.cfg.dm_epochs
        assert all(np.isfinite(e["valid_loss"]) for e in log)
    x = torch.randn(1, 3, model.cfg.n_frames, model.cfg.latent, model.cfg.latent)
    z0 = torch.randn(1, model.cfg.enc_widths[-1], model.cfg.latent, model.cfg.latent)
    st, mv = torch.zeros(1, model.dm.style_mean.numel()), torch.zeros(1, model.dm.move_mean.numel(), model.cfg.n_frames)
    assert model.dm(x, torch.tensor([500]), z0, st, mv, torch.zeros(1, 2, model.cfg.n_frames)).abs().max() > 0
