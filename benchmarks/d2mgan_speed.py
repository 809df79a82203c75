"""D2M-GAN speed on one CPU core: seconds of music generated per second of compute, each level (with and without the
noisereduce denoising), and the seconds per generator and synthesiser training step at the preset's batch.

Usage: .venv/bin/python benchmarks/d2mgan_speed.py [--preset small] [--dance-seconds 20] [--repeats 3] [--trained]
`--trained` loads (or trains) the preset's model from the artifact store; speed does not depend on the weights, so the
default times freshly initialised networks of the preset's sizes. Prints the figures; asserts nothing (speed depends on
the machine and its load).
"""
import argparse, time

import numpy as np
import torch

from dancebook.core import seed_everything
from dancebook.data.synth import synth_clip
from dancebook.models import d2mgan as D, music_vqvae as mv
from dancebook.nn.blocks import n_params
from dancebook.train import Learner


def untrained(cfg, clip) -> D.D2MGAN:
    "A D2M-GAN of `cfg`'s sizes with fresh weights (and a fresh VQ-VAE of the same preset)."
    vq = mv.MusicVQVAE(mv.config(cfg.vqvae_preset or cfg.preset)).eval()
    n_motion = D.clip_input(clip, cfg).shape[-1]
    nets = {lv: D.D2MNet(cfg, lv, n_motion, 0, vq.level(lv).vq, vq.level(lv).encoder, vq.level(lv).decoder, 1.0).eval()
            for lv in cfg.levels}
    return D.D2MGAN(cfg, "synth", vq, nets, clip.skeleton)


def median_time(f, repeats: int) -> float:
    "Median wall time of `repeats` calls of `f` (after one warm-up call)."
    f(); times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--vqvae-preset", default=None, help="the music VQ-VAE's preset (default: --preset)")
    ap.add_argument("--dance-seconds", type=float, default=20.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--trained", action="store_true", help="time the trained model of the artifact store")
    a = ap.parse_args()
    torch.set_num_threads(1)
    seed_everything(0)
    cfg = D.config(a.preset, vqvae_preset=a.vqvae_preset)
    clip = synth_clip("house", a.dance_seconds, seed=1)
    model = D.load_or_train(cfg, "synth", device="cpu", progress=False) if a.trained else untrained(cfg, clip)
    print(f"preset {cfg.preset}, torch threads = {torch.get_num_threads()}, a {a.dance_seconds:g}-s SynthDance house dance")
    for lv in cfg.levels:
        net = model.net(lv)
        for denoise in (False, True):
            dt = median_time(lambda: D.generate(model, clip.motion, clip.fps, level=lv, denoise=denoise), a.repeats)
            print(f"{lv:>4} (hop {net.hop:3d}, G {n_params(net.G):,} parameters), denoise={denoise!s:5}: {a.dance_seconds:g} s of music "
                  f"in {dt:.2f} s = {a.dance_seconds / dt:.1f} s of music per second (median of {a.repeats})")
        mot, vis, mus = D.cut_segments([clip], cfg)
        b = cfg.batch_size
        data = D.Segments(mot[:b], vis[:b], mus[:b], D.encode_segments(model.vqvae, mus[:b], lv))
        batch = tuple(torch.stack(x) for x in zip(*(data[i] for i in range(len(data)))))
        net.train()
        for name, step, parts in (("generator", D.d2m_step, (net.G, net.D)), ("synthesiser", D.synth_step, (net.synth, net.Dw))):
            parts[0].requires_grad_(True)
            learn = Learner(net, data, step, [D._adam(p, cfg.lr, cfg) for p in parts], batch_size=len(data), device="cpu")
            dt = median_time(lambda: step(learn, batch), a.repeats)
            print(f"      {name} training step (batch {len(data)} x {cfg.seconds:g} s): {dt:.2f} s")
        net.eval()


if __name__ == "__main__":
    main()
