"""HarmoGAN speed on one CPU core: generated motion frames per second, and training seconds per epoch at `small`.

Usage: .venv/bin/python benchmarks/harmogan_speed.py [--preset small] [--music-seconds 60] [--dataset auto]
Prints the figures; asserts nothing (speed depends on the machine and its load).
"""
import argparse, time

import numpy as np
import torch

from dataclasses import replace

from dancebook.core import seed_everything
from dancebook.data.corpus import load_corpus, toy_clip
from dancebook.models.harmogan import TRAIN_GENRES, HarmoGAN, config, make_learner, make_units, generate, clip_motion
from dancebook.nn.blocks import n_params


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--music-seconds", type=float, default=60.0)
    ap.add_argument("--dataset", default="auto")
    ap.add_argument("--max-steps", type=int, default=None, help="time only this many steps per stage and extrapolate")
    a = ap.parse_args()
    torch.set_num_threads(1)
    seed_everything(0)
    cfg = config(a.preset)
    model = HarmoGAN(cfg).eval()
    print(f"preset {cfg.preset}: generator {n_params(model.generator):,} parameters, discriminators "
          f"{n_params(model.cross_modal) + n_params(model.spatio_temporal):,}; torch threads = {torch.get_num_threads()}")

    clip = toy_clip(seconds=a.music_seconds, fps=cfg.fps)
    pose = clip_motion(clip, cfg.fps)[0]
    generate(model, clip.audio[: clip.sr * 8], clip.sr, pose)                 # warm-up
    t0 = time.perf_counter(); out, _ = generate(model, clip.audio, clip.sr, pose); dt = time.perf_counter() - t0
    print(f"generation: {a.music_seconds:.0f} s of music -> {len(out)} frames in {dt:.2f} s "
          f"= {len(out) / dt:.0f} frames/s ({len(out) / dt / cfg.fps:.1f}x real time), including audio analysis")

    corpus = load_corpus(a.dataset, "train", preset=cfg.preset, genres=TRAIN_GENRES, fps=cfg.fps)
    t0 = time.perf_counter(); units = make_units(corpus.clips, cfg); t_units = time.perf_counter() - t0
    print(f"data: {len(units)} meter units from {len(corpus)} {corpus.name} clips in {t_units:.1f} s")
    total = 0.0
    for stage, variant in ((1, "full"), (2, "pose"), (2, "pixel"), (2, "gan"), (2, "full")):
        learn = make_learner(HarmoGAN(replace(cfg, variant=variant)), units, stage, device="cpu")
        spe = learn.steps_per_epoch()
        steps = min(spe, a.max_steps or spe)
        t0 = time.perf_counter(); learn.fit(1, max_steps=steps); dt = time.perf_counter() - t0
        print(f"train stage {stage} {variant:5s}: {dt / steps * 1000:.0f} ms/step, {dt / steps * spe:.1f} s/epoch "
              f"({spe} steps of batch {cfg.batch_size}{', extrapolated' if steps < spe else ''})")
        total += dt / steps * spe * (cfg.pre_epochs if stage == 1 else cfg.gan_epochs)
    print(f"one seed, stage 1 and every variant's stage 2 ({cfg.pre_epochs} + {cfg.gan_epochs} epochs): {total / 60:.1f} min "
          f"(validation and feature-network fitting not included)")


if __name__ == "__main__":
    main()
