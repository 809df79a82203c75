"""The music VQ-VAE and its quantiser: straight-through gradients, EMA updates, dead-code restarts, shapes, resume from
a checkpoint, bad audio, and (under torchrun, gloo) codebooks that stay identical across DDP ranks."""
import os, subprocess, sys
from pathlib import Path
import numpy as np, pytest, torch
from dancebook.core import DataError, ArtifactStore
from dancebook import train
from dancebook.nn.vq import VectorQuantizer
from dancebook.models import music_vqvae as mv

@pytest.fixture(autouse=True, scope="module")
def one_thread():
    "Small convolutions on a shared CPU: one thread is much faster than two competing ones."
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

def test_straight_through_gradient_and_commitment():
    "z_q's gradient reaches z unchanged; the commitment term pulls z towards its entries."
    torch.manual_seed(0)
    vq = VectorQuantizer(16, 4, beta=0.25)
    z = torch.randn(3, 4, 7, requires_grad=True)
    out = vq(z)
    g = torch.randn_like(z)
    (out.z_q * g).sum().backward()
    assert torch.allclose(z.grad, g)
    z.grad = None
    vq.eval(); out = vq(z)
    out.loss.backward()
    e = vq.lookup(out.codes)
    assert torch.allclose(z.grad, 2 * 0.25 * (z - e).detach() / z.numel(), atol=1e-7)

def test_ema_moves_entries_towards_their_inputs():
    "Repeated batches around two centres drag the two entries they use onto those centres."
    torch.manual_seed(0)
    vq = VectorQuantizer(2, 3, decay=0.8, dead_threshold=0.0)
    vq.initialised.fill_(True)
    with torch.no_grad(): vq.codebook.copy_(torch.tensor([[0., 0, 0], [5, 5, 5]])); vq.embed_sum.copy_(vq.codebook)
    centres = torch.tensor([[1., -1, 2], [4, 6, 5]])
    dist0 = (vq.codebook - centres).norm(dim=1)
    for _ in range(40):
        pts = centres.repeat_interleave(50, 0) + 0.05 * torch.randn(100, 3)
        vq(pts.T[None])
    dist = (vq.codebook - centres).norm(dim=1)
    assert (dist < 0.05 * dist0).all(), (vq.codebook, centres)

def test_dead_codes_are_reseeded_from_the_batch():
    torch.manual_seed(0)
    vq = VectorQuantizer(8, 2, dead_threshold=1.0)
    z = torch.randn(2, 2, 16)
    vq(z)                                                   # initialises from the batch
    with torch.no_grad(): vq.codebook[5] = 1e3              # an entry nothing is near
    vq.cluster_size[5] = 0.0
    vq(z)
    rows = z.transpose(1, 2).reshape(-1, 2)
    assert (rows - vq.codebook[5]).norm(dim=1).min() < 1e-5

def test_codebook_loss_when_not_ema():
    vq = VectorQuantizer(8, 2, ema=False)
    vq(torch.randn(2, 2, 16)).loss.backward()
    assert vq.codebook.grad.abs().sum() > 0

@pytest.mark.parametrize("level,hop", [("high", 128), ("low", 32)])
def test_encode_decode_shapes(level, hop):
    m = mv.MusicVQVAE(mv.config("smoke")).eval()
    y = 0.1 * torch.randn(3, hop * 40)
    codes = m.encode(y, level)
    assert codes.shape == (3, 40) and codes.dtype == torch.long
    assert m.vectors(codes, level).shape == (3, 64, 40)
    assert m.decode(codes, level).shape == (3, hop * 40)
    y_hat, sr = mv.generate(m, np.random.default_rng(0).standard_normal(12345).astype(np.float32), 22050, level)
    assert y_hat.shape == (12345,) and sr == 22050
    assert mv.encode(m, np.ones(1000, np.float32), 44100, level).shape == ((500 + hop - 1) // hop,)   # resampled to 22,050 Hz

@pytest.mark.parametrize("bad,msg", [(np.zeros(500), "silent"), (np.array([]), "empty"), (np.array([0.1, np.nan, 0.2]), "non-finite"),
                                     (np.ones((2, 100)), "mono")])
def test_bad_audio_is_refused(bad, msg):
    m = mv.MusicVQVAE(mv.config("smoke"))
    with pytest.raises(DataError, match=msg): mv.generate(m, bad, 22050)
    with pytest.raises(DataError, match=msg): mv.encode(m, bad, 22050, "high")

def test_resume_from_checkpoint_matches_an_uninterrupted_run(tmp_path, monkeypatch):
    "Training stopped after the first epoch (plus one step) and resumed ends with the weights of one uninterrupted run."
    cfg = mv.config("smoke", levels={"low": 32}, epochs=2)
    def run(root, stop=None):
        monkeypatch.setenv("DANCEBOOK_ARTIFACTS", str(root))
        if stop is not None:
            orig = train.standard_cbs
            monkeypatch.setattr(train, "standard_cbs", lambda ckpt, progress=True: orig(ckpt, progress) + [train.StopAfter(stop)])
        m = mv.load_or_train(cfg, dataset="synth", device="cpu", progress=False)
        monkeypatch.undo()
        return m
    full = run(tmp_path / "a")
    ckpt = ArtifactStore("music_vqvae", "synth", "smoke", 0, root=tmp_path / "a").path(mv.checkpoint_name(cfg, "low"))
    spe = train.read_checkpoint(ckpt)["step"] // 2
    run(tmp_path / "b", stop=spe + 1)
    ckpt_b = ArtifactStore("music_vqvae", "synth", "smoke", 0, root=tmp_path / "b").path(mv.checkpoint_name(cfg, "low"))
    assert train.read_checkpoint(ckpt_b)["epoch"] == 1                       # interrupted: the first epoch's checkpoint
    resumed = run(tmp_path / "b")
    assert train.read_checkpoint(ckpt_b)["epoch"] == 2
    a, b = full.state_dict(), resumed.state_dict()
    assert all(torch.allclose(a[k].float(), b[k].float()) for k in a)
    assert not torch.equal(a["levels.low.vq.codebook"], mv.MusicVQVAE(cfg).state_dict()["levels.low.vq.codebook"])

def _torchrun(out, *extra):
    env = {**os.environ, "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           str(Path(__file__).with_name("ddp_vqvae.py")), str(out), *extra]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "terminate called" not in r.stderr, r.stderr[-3000:]
    return [torch.load(out / f"rank{i}.pt", weights_only=True) for i in (0, 1)]

def test_ddp_codebook_stays_identical_across_ranks(tmp_path):
    r0, r1 = _torchrun(tmp_path)
    assert all(torch.equal(r0[k], r1[k]) for k in r0), [k for k in r0 if not torch.equal(r0[k], r1[k])]
    assert not torch.equal(r0["vq.codebook"], r0["init_codebook"])          # the codebook did learn

def test_ddp_codebooks_drift_apart_without_the_all_reduce(tmp_path):
    "The control: with the quantiser's all-reduce switched off, each rank's EMA follows its own batches."
    r0, r1 = _torchrun(tmp_path, "noreduce")
    assert not torch.equal(r0["vq.codebook"], r1["vq.codebook"])
