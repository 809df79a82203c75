"""DabFusion DDIM sampling speed: frames of video generated per second of compute on one CPU core (64x64 at `small`),
split into the DDIM loop over latent flows (the U-Net) and the decoding of the frames (warp + image decoder), plus the
seconds per training step of each stage at the preset's batch.

Usage: .venv/bin/python benchmarks/dabfusion_speed.py [--preset small] [--steps 25] [--repeats 3] [--threads 1] [--device cpu]
Speed does not depend on the weights, so freshly initialised networks of the preset's sizes are timed (the music
encoder's inputs are random arrays of the right shapes). Prints the figures; asserts nothing (speed depends on the
machine and its load). `--device cuda` times the same on a GPU (and checks one training step of each stage runs there).
"""
import argparse, time

import numpy as np
import torch
import torch.nn.functional as F

from dancebook.core import seed_everything
from dancebook.models import dabfusion as D
from dancebook.nn.blocks import n_params


def median_time(f, repeats: int, sync=lambda: None) -> float:
    "Median wall time of `repeats` calls of `f` (after one warm-up call)."
    f(); sync(); times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); sync(); times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--steps", type=int, default=None, help="DDIM steps (default: the preset's)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    torch.set_num_threads(a.threads); seed_everything(0)
    dev = torch.device(a.device)
    sync = (lambda: torch.cuda.synchronize()) if dev.type == "cuda" else (lambda: None)
    cfg = D.config(a.preset)
    steps = a.steps or cfg.ddim_steps
    ae = D.LatentFlowAE(cfg).to(dev).eval()
    d_style, c_move = 128 if a.preset != "smoke" else 32, 16
    dm = D.Denoiser(cfg, d_style, c_move).to(dev).eval()
    N, h, C = cfg.n_frames, cfg.latent, cfg.enc_widths[-1]
    style, move, beat = torch.randn(1, d_style, device=dev), torch.randn(1, c_move, N, device=dev), torch.rand(1, 2, N, device=dev)
    x0 = torch.rand(1, 3, cfg.resolution, cfg.resolution, device=dev) * 2 - 1
    with torch.no_grad():
        z0 = ae.encoder(x0)
        t_loop = median_time(lambda: D.sample_flows(dm, z0, style, move, beat, torch.Generator().manual_seed(0), steps=steps), a.repeats, sync)
        f, m = D.sample_flows(dm, z0, style, move, beat, torch.Generator().manual_seed(0), steps=steps)
        t_dec = median_time(lambda: D.decode_flows(ae, z0[0], f[0], m[0]), a.repeats, sync)
    print(f"preset={cfg.preset} device={dev} threads={a.threads}: {cfg.resolution}x{cfg.resolution} frames, clips of {N}, {steps} DDIM steps")
    print(f"  LFAE {n_params(ae) / 1e6:.2f} M parameters, denoiser {n_params(dm) / 1e6:.2f} M")
    print(f"  DDIM loop {t_loop:.2f} s + decoding {t_dec:.2f} s per {N}-frame clip: {N / (t_loop + t_dec):.1f} frames/s "
          f"({N / t_loop:.1f} frames/s for the loop alone)")
    # one training step of each stage at the preset's batch
    B1, B2 = cfg.ae_batch, cfg.dm_batch
    ref, drv = torch.rand(B1, 3, cfg.resolution, cfg.resolution, device=dev), torch.rand(B1, 3, cfg.resolution, cfg.resolution, device=dev)
    opt1 = torch.optim.Adam(ae.parameters(), 1e-4); ae.train()
    def s1():
        x_hat, _, _ = ae(ref, drv); loss = F.l1_loss(x_hat, drv); opt1.zero_grad(); loss.backward(); opt1.step()
    sched = D.noise_scheduler(cfg)
    s0, zb = torch.randn(B2, 3, N, h, h, device=dev), torch.randn(B2, C, h, h, device=dev)
    opt2 = torch.optim.Adam(dm.parameters(), 1e-4); dm.train()
    def s2():
        t = torch.randint(0, cfg.timesteps, (B2,), device=dev); eps = torch.randn_like(s0)
        loss = F.mse_loss(dm(sched.add_noise(s0, eps, t), t, zb, style.expand(B2, -1), move.expand(B2, -1, -1), beat.expand(B2, -1, -1)), eps)
        opt2.zero_grad(); loss.backward(); opt2.step()
    print(f"  training step: stage 1 {median_time(s1, a.repeats, sync):.2f} s (batch {B1}), stage 2 {median_time(s2, a.repeats, sync):.2f} s (batch {B2})")


if __name__ == "__main__":
    main()
