"""Which stage-2 weights of HarmoGAN at `small` dance best on unseen songs, and which validation criterion finds them (issue 14).

Usage: python benchmarks/harmogan_selection.py [--seeds 0,1,2] [--epochs 8] [--ema 0.97] [--variant full]

Trains the `small` preset's stage 2 (`--variant`) for `--epochs` epochs at the constant lr `gan_lr` (pre-training as
the preset has it), keeping every epoch's weights and their exponential moving average (`EMACallback(--ema)`). Each
snapshot then dances, free-running from the ground truth's first pose, (a) the validation songs (every
`valid_every`-th training clip, held out from training) and (b) the unseen test songs, and is scored like
`31_harmogan_results`' "Does it dance?": speed / gt, FID_k, FID_g and Div_k / gt on 6-s windows
(`metrics.quality.quality_table`), plus the cheap teacher-forced numbers on the validation meter units (valid MSE,
kinetic FID, speed ratio). Prints, per seed, what each selection criterion picks and how the pick does on the test
songs, the same baselines as 31 (held pose, random walk, other song, untrained), and the training seconds per seed.
Needs Dance with Melody (../shared/data or DANCEBOOK_DATA); set DANCEBOOK_ARTIFACTS to keep its checkpoints apart.
"""
import argparse, copy, time
import numpy as np, pandas as pd, torch

from dancebook.data.corpus import load_corpus, dance_dataset
from dancebook.metrics.motion import kinetic_features, fid
from dancebook.metrics.quality import quality_table, held_pose, random_walk, pingpong
from dancebook.models.harmogan import (config, artifact_store, HarmoGAN, make_units, split_valid, pretrain, make_learner,
                                       predict_units, generate, clip_motion, TRAIN_GENRES)
from dancebook.train import Callback, EMACallback, get_rng_state, set_rng_state
from dancebook.core import seed_everything

class Snapshots(Callback):
    "Every epoch's weights, their EMA and the validation metrics."
    order = 20
    def __init__(self): self.snaps = []
    def after_epoch(self, learn):
        self.snaps.append({"epoch": learn.epoch, "model": copy.deepcopy(learn.model.state_dict()),
                           "ema": {k: v.clone() for k, v in learn.ema.items()}, "metrics": dict(learn.epoch_metrics)})

def train(cfg, name, seed, ema):
    "Pre-train (or load) and run stage 2 with snapshots; returns (snapshots, pretrain s, stage-2 s)."
    store = artifact_store(cfg, name, seed)
    seed_everything(seed)
    model, rng = HarmoGAN(cfg), get_rng_state()
    clips = load_corpus(name, "train", preset=cfg.preset, genres=TRAIN_GENRES, fps=cfg.fps).clips
    fit_clips, held = split_valid(clips, cfg.valid_every)
    units, valid = make_units(fit_clips, cfg), make_units(held, cfg)
    t0 = time.time()
    model.load_state_dict(pretrain(cfg, units, store.path("pretrain.pt"), seed, "cpu", False, valid).state_dict())
    t1 = time.time()
    set_rng_state(rng)
    snap = Snapshots()
    make_learner(model, units, 2, [EMACallback(ema), snap], "cpu", seed, valid).fit(cfg.gan_epochs)
    return snap.snaps, t1 - t0, time.time() - t1

def main(seeds, epochs, ema, variant):
    torch.set_num_threads(1)
    cfg = config("small", variant=variant, gan_epochs=epochs, gan_every=epochs)   # gan_every=epochs: constant lr
    name = dance_dataset("auto", None)
    train_clips = load_corpus(name, "train", preset="small", genres=TRAIN_GENRES, fps=cfg.fps).clips
    test_clips = load_corpus(name, "test", preset="small", genres=TRAIN_GENRES, fps=cfg.fps).clips
    held = split_valid(train_clips, cfg.valid_every)[1]
    W = int(6 * cfg.fps)
    cut = lambda ms: [m[k:k + W] for m in ms for k in range(0, len(m) - W + 1, W)]
    def pair(c): m = clip_motion(c, cfg.fps); return c.audio[: int(len(m) / cfg.fps * c.sr)], c.sr, m
    vpairs, tpairs = [pair(c) for c in held], [pair(c) for c in test_clips]
    dances = lambda model, pairs: [generate(model, y, sr, m[0])[0] for y, sr, m in pairs]
    def quality(systems, pairs):
        q = quality_table({k: cut(v) for k, v in systems.items()}, cut([m for *_, m in pairs]), cfg.fps, "dwm21")
        q["Div_k/gt"] = q["Div_k"] / q["Div_k_ref"]
        return q[["speed_mean_ratio", "FID_k", "FID_g", "Div_k/gt"]]
    vunits = make_units(held, cfg); vgt = vunits.pose.numpy()
    kin = lambda x: kinetic_features(x, cfg.fps, compat=False, root=2)
    kvgt = kin(vgt)
    speed = lambda x: np.linalg.norm(np.diff(x, axis=1), axis=-1).mean()
    rows, times = [], {}
    for seed in seeds:
        snaps, pre_s, gan_s = train(cfg, name, seed, ema)
        times[seed] = (pre_s, gan_s)
        print(f"seed {seed}: pre-training {pre_s:.0f} s, stage 2 ({epochs} epochs) {gan_s:.0f} s", flush=True)
        for s in snaps:
            for w in ("model", "ema"):
                m = HarmoGAN(cfg); m.load_state_dict(s[w]); m.eval()
                p = predict_units(m, vunits)
                v, t = quality({"x": dances(m, vpairs)}, vpairs).loc["x"], quality({"x": dances(m, tpairs)}, tpairs).loc["x"]
                rows.append({"seed": seed, "epoch": s["epoch"], "w": w, "valid_mse": s["metrics"]["valid_mse"],
                             "tf_FID_k": fid(kin(p), kvgt), "tf_speed": speed(p) / speed(vgt),
                             **{f"v_{k}": x for k, x in v.items()}, **{f"t_{k}": x for k, x in t.items()}})
    df = pd.DataFrame(rows)
    crit = {"last epoch, raw": lambda d: d[d.w == "model"].sort_values("epoch").iloc[-1],
            "last epoch, EMA": lambda d: d[d.w == "ema"].sort_values("epoch").iloc[-1],
            "min valid MSE (teacher-forced), raw": lambda d: d[d.w == "model"].sort_values("valid_mse").iloc[0],
            "min teacher-forced valid FID_k, raw|EMA": lambda d: d.sort_values("tf_FID_k").iloc[0],
            "min free-running valid FID_k, raw": lambda d: d[d.w == "model"].sort_values("v_FID_k").iloc[0],
            "min free-running valid FID_k, raw|EMA": lambda d: d.sort_values("v_FID_k").iloc[0]}
    picks = pd.DataFrame([{"criterion": n, "seed": s, "pick": f"{r.w} epoch {r.epoch}", "speed/gt": r.t_speed_mean_ratio,
                           "FID_k": r.t_FID_k, "FID_g": r.t_FID_g, "Div_k/gt": r["t_Div_k/gt"]}
                          for n, f in crit.items() for s, d in df.groupby("seed") for r in [f(d)]])
    gt = [m for *_, m in tpairs]
    tr = [clip_motion(c, cfg.fps) for c in train_clips]
    step = np.mean(np.concatenate([np.linalg.norm(np.diff(m, axis=0), axis=-1).ravel() for m in gt])) / np.sqrt(8 / np.pi)
    base = quality({"held pose, 1 cm jitter": [held_pose(m, 0.01, seed=i) for i, m in enumerate(gt)],
                    "random walk": [random_walk(m, step, seed=i) for i, m in enumerate(gt)],
                    "other song": [pingpong(np.concatenate([tr[(i + j) % len(tr)] for j in range(len(tr))]), len(m)) for i, m in enumerate(gt)],
                    "untrained network": dances(HarmoGAN(cfg).eval(), tpairs)}, tpairs)
    pd.set_option("display.width", 250)
    f2 = lambda x: f"{x:.2f}"
    print(f"\nper snapshot ({len(vpairs)} validation songs, {len(tpairs)} unseen test songs):")
    print(df.to_string(index=False, float_format=f2))
    print("\nwhat each criterion picks, scored on the unseen test songs:")
    print(picks.to_string(index=False, float_format=f2))
    print(picks.groupby("criterion", sort=False)[["speed/gt", "FID_k", "FID_g", "Div_k/gt"]].mean().to_string(float_format=f2))
    print("\nbaselines on the same test windows:"); print(base.to_string(float_format=f2))
    print("\ntraining seconds per seed (pre-training, stage 2):", {s: tuple(round(x) for x in t) for s, t in times.items()})

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2"); ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--ema", type=float, default=0.97); ap.add_argument("--variant", default="full")
    a = ap.parse_args()
    main([int(s) for s in a.seeds.split(",")], a.epochs, a.ema, a.variant)
