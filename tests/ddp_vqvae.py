"""Launched by tests/test_music_vqvae.py under `torchrun --nproc_per_node=2`: trains one smoke-sized music VQ-VAE level
with DDP (gloo on CPU) on random tones, each rank seeing different batches, and saves each rank's final state dict to
<out>/rank<r>.pt. Usage: ddp_vqvae.py OUT [noreduce]; `noreduce` switches the quantiser's all-reduce off (the control
that shows the codebooks drift apart without it)."""
import sys
from pathlib import Path
import numpy as np, torch
from torch.utils.data import TensorDataset
from dancebook.core import seed_everything
from dancebook.train import Learner
from dancebook.nn import vq
from dancebook.models import music_vqvae as mv

out = Path(sys.argv[1])
if sys.argv[2:] == ["noreduce"]: vq._all_reduce = lambda *ts: None
cfg = mv.config("smoke", levels={"low": 32})
seed_everything(0)
rng = np.random.default_rng(0)
t = np.arange(cfg.segment) / cfg.sr
y = np.stack([0.3 * np.sin(2 * np.pi * rng.uniform(100, 2000) * t) * (1 + np.sin(2 * np.pi * rng.uniform(1, 8) * t)) for _ in range(32)])
net = mv.MusicVQVAE(cfg).level("low")
init = net.vq.codebook.clone()
recon = mv.ReconLoss(cfg)
learn = Learner(net, TensorDataset(torch.tensor(y, dtype=torch.float32)), mv.train_step(recon),
                [torch.optim.Adam(net.parameters(), 1e-3)], batch_size=4, device="cpu", seed=0)
learn.fit(epochs=1)
torch.save({**{k: v.detach().clone() for k, v in net.state_dict().items()}, "init_codebook": init}, out / f"rank{learn.rank}.pt")
