"""Music VQ-VAE speed on one CPU core: seconds of audio encoded + decoded per second of compute, each level, and the
seconds per training step at the preset's batch.

Usage: .venv/bin/python benchmarks/music_vqvae_speed.py [--preset small] [--music-seconds 30] [--repeats 3] [--trained]
`--trained` loads (or trains) the preset's model from the artifact store; speed does not depend on the weights, so the
default times freshly initialised ones. Prints the figures; asserts nothing (speed depends on the machine and its load).
"""
import argparse, time

import numpy as np
import torch

from dancebook.core import seed_everything
from dancebook.data.synth import synth_clip
from dancebook.models import music_vqvae as mv
from dancebook.nn.blocks import n_params


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--music-seconds", type=float, default=30.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--trained", action="store_true", help="time the trained model of the artifact store")
    a = ap.parse_args()
    torch.set_num_threads(1)
    seed_everything(0)
    cfg = mv.config(a.preset)
    model = mv.load_or_train(cfg, device="cpu") if a.trained else mv.MusicVQVAE(cfg).eval()
    y = synth_clip("samba", a.music_seconds, seed=1).audio
    print(f"preset {cfg.preset}, torch threads = {torch.get_num_threads()}, {a.music_seconds:g} s of SynthDance samba")
    for lv in cfg.levels:
        net = model.level(lv)
        mv.generate(model, y[: cfg.sr], cfg.sr, lv)                              # warm-up
        times = []
        for _ in range(a.repeats):
            t0 = time.perf_counter(); mv.generate(model, y, cfg.sr, lv); times.append(time.perf_counter() - t0)
        dt = float(np.median(times))
        print(f"{lv:>4} (hop {net.hop:3d}, {n_params(net):,} parameters, {model.bit_rate(lv):.0f} bit/s): encode+decode "
              f"{a.music_seconds:g} s in {dt:.2f} s = {a.music_seconds / dt:.1f} s of audio per second (median of {a.repeats})")
        net.train()
        recon, opt = mv.ReconLoss(cfg), torch.optim.Adam(net.parameters(), cfg.lr)
        batch = torch.from_numpy(np.stack([y[i * cfg.segment:(i + 1) * cfg.segment] for i in range(cfg.batch_size)]))
        steps = []
        for _ in range(a.repeats + 1):
            t0 = time.perf_counter()
            loss, _ = mv.level_losses(net, recon, batch); opt.zero_grad(); loss.backward(); opt.step()
            steps.append(time.perf_counter() - t0)
        print(f"      training step (batch {cfg.batch_size} x {cfg.segment / cfg.sr:.2f} s): {np.median(steps[1:]):.2f} s")
        net.eval()


if __name__ == "__main__":
    main()
