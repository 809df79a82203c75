"""dance_quality of unseen ground truth and the degenerate baselines against training clips, and its speed.

    python benchmarks/quality_baselines.py            # SynthDance, and Dance with Melody when ../shared/data has it

SynthDance: 10 genres, training seeds 1-2, unseen seed 3, 8 s at 30 fps (SMPL-24).
Dance with Melody: the release's split (dwm_split), motion only, in metres at 25 fps (DWM-23).
"""
import sys, time
import numpy as np
import pandas as pd

from dancebook.core import resolve_data_dir
from dancebook.data.synth import synth_clip, GENRES
from dancebook.metrics.quality import (quality_table, held_pose, random_walk, white_noise, constant_pose, other_song)

COLS = ["FID_k", "FID_g", "Div_k", "Div_g", "PFC", "speed_mean_ratio", "speed_p95_ratio", "foot_skating", "implausible"]

def systems(gt):
    "Unseen ground truth and the baselines made from it (a seed per clip)."
    return {"ground truth": gt, "other song": other_song(gt),
            "held pose + 1 cm": [held_pose(m, seed=i) for i, m in enumerate(gt)],
            "random walk": [random_walk(m, seed=i) for i, m in enumerate(gt)],
            "white noise": [white_noise(m, seed=i) for i, m in enumerate(gt)],
            "constant pose": [constant_pose(m) for m in gt]}

def report(name, train, test, fps, skeleton):
    "Print the table with the reference's own figures and the time it took."
    t = time.perf_counter()
    tab = quality_table(systems(test), train, fps, skeleton)
    dt = time.perf_counter() - t
    frames = sum(map(len, train)) + 6 * sum(map(len, test))
    print(f"\n{name}: {len(train)} training clips, {len(test)} unseen; {dt:.1f} s for 6 systems "
          f"({frames / dt:.0f} frames/s, reference scored once)")
    ref = tab.iloc[0]
    print(f"reference: Div_k {ref.Div_k_ref:.2f}, Div_g {ref.Div_g_ref:.2f}, PFC {ref.PFC_ref:.3f}, "
          f"mean joint speed {ref.speed_mean_ref:.3f} m/s, foot skating {ref.foot_skating_ref:.3f} m/s, "
          f"implausible {ref.implausible_ref:.3f}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(tab[COLS].to_string(float_format=lambda v: f"{v:.3g}"))

if __name__ == "__main__":
    train = [synth_clip(g, 8.0, seed=s).motion for g in GENRES for s in (1, 2)]
    test = [synth_clip(g, 8.0, seed=3).motion for g in GENRES]
    report("SynthDance", train, test, 30.0, "smpl24")
    root = resolve_data_dir()
    if root is None or not (root / "dance_with_melody").is_dir():
        sys.exit("Dance with Melody not found: skipped")
    from dancebook.data.dwm import dwm_pairs, dwm_split, dwm_span, read_dwm_pair, DWM_FPS
    from dancebook.motion import to_metres
    pairs = dwm_pairs(root / "dance_with_melody")
    side = dwm_split({p.name: np.subtract(*dwm_span(p / "config.json")[::-1]) / DWM_FPS for p in pairs})
    motion = {p.name: to_metres(read_dwm_pair(p)["motion"], "dwm23") for p in pairs}
    report("Dance with Melody", [m for n, m in motion.items() if side[n] == "train"],
           [m for n, m in motion.items() if side[n] == "test"], DWM_FPS, "dwm23")
