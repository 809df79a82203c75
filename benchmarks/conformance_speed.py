"""Clips per second of dancebook's BAS and motion features against the reference code, one core, same process.

Usage: python benchmarks/conformance_speed.py [--clips 300] [--frames 600] [--feature-clips 4]

The references are the transcriptions in tests/reference_metrics.py (google-research/mint, lisiyao21/Bailando,
google/aistplusplus_api). Inputs are identical for both sides: smooth random SMPL-24 motions (float32, as SMPL
forward kinematics gives them) at 60 fps and music beats every 0.4-0.6 s running past the end of the motion. The
process is pinned to one core with BLAS threads set to 1; ours and the reference run alternately, best of 5 rounds
(1 for the slow feature references). Each line prints ours and the reference's clips/s, the ratio, and the largest
relative difference of the values.
"""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"): os.environ[v] = "1"
if hasattr(os, "sched_setaffinity"): os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
import argparse, sys, time
from pathlib import Path
import numpy as np
from scipy.ndimage import gaussian_filter1d

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from reference_metrics import mint_bas, bailando_bas, aist_extract_kinetic_features, aist_extract_manual_features
from dancebook.metrics.beats import beat_align_score
from dancebook.metrics.motion import kinetic_features, geometric_features


def rates(ours, ref, n, repeat=5):
    "Clips/s of `ours()` and `ref()` (each processing `n` clips): best of `repeat` rounds, the two alternating."
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, fn in enumerate((ours, ref)):
            t = time.perf_counter(); fn(); best[i] = min(best[i], time.perf_counter() - t)
    return n / best[0], n / best[1]

def rel(a, b):
    "Largest relative difference of `a` from `b`."
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-30)))

def line(name, ours, ref, delta):
    print(f"{name:<40} ours {ours:10.1f}  reference {ref:10.1f} clips/s  x{ours / ref:6.2f}   max rel diff {delta:.1e}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=300); ap.add_argument("--frames", type=int, default=600)
    ap.add_argument("--feature-clips", type=int, default=4)
    a = ap.parse_args()
    r, fps, T = np.random.default_rng(0), 60.0, a.frames
    motion = gaussian_filter1d(np.cumsum(r.normal(size=(a.clips, T, 24, 3)) * 0.01, 1), 2, axis=1).astype(np.float32)
    frames = [np.arange(r.integers(0, 20), T + 60, r.integers(24, 37)) for _ in range(a.clips)]
    onehot = [np.bincount(f, minlength=T + 60).astype(bool) for f in frames]
    beats = [f / fps for f in frames]
    print(f"{a.clips} clips of {T} frames x 24 joints at {fps:g} fps, one core")
    for conv, ref in (("mint", mint_bas), ("bailando", bailando_bas)):
        want = [ref(m, oh) for m, oh in zip(motion, onehot)]
        clips = lambda: [beat_align_score(m, b, fps, convention=conv) for m, b in zip(motion, beats)]
        batch = lambda: beat_align_score(motion, beats, fps, convention=conv)
        reference = lambda: [ref(m, oh) for m, oh in zip(motion, onehot)]
        line(f"BAS {conv} clip by clip", *rates(clips, reference, a.clips), rel(clips(), want))
        line(f"BAS {conv} batched", *rates(batch, reference, a.clips), rel(batch(), want))
    n = a.feature_clips
    raw = motion[:n].astype(np.float64) + np.array([0.3, 0.9, -0.2])       # raw positions: the root is not at the origin
    want = [aist_extract_kinetic_features(m) for m in raw]
    reference = lambda: [aist_extract_kinetic_features(m) for m in raw]
    clips = lambda: [kinetic_features(m, centre=None) for m in raw]
    batch = lambda: kinetic_features(raw, centre=None)
    line("kinetic (compat, centre=None) per clip", *rates(clips, reference, n, repeat=1), rel(clips(), want))
    line("kinetic (compat, centre=None) batched", *rates(batch, reference, n, repeat=1), rel(batch(), want))
    with np.errstate(all="ignore"):
        want = [aist_extract_manual_features(m) for m in raw]
        reference = lambda: [aist_extract_manual_features(m) for m in raw]
        clips = lambda: [geometric_features(m) for m in raw]
        batch = lambda: geometric_features(raw)
        line("geometric (compat) per clip", *rates(clips, reference, n, repeat=1), rel(clips(), want))
        line("geometric (compat) batched", *rates(batch, reference, n, repeat=1), rel(batch(), want))


if __name__ == "__main__":
    main()
