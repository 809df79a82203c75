"""Seconds per shift_test of one 10-s clip, per synchrony metric: cold (music beats detected) and warm (beats reused).

Usage: python benchmarks/sync_speed.py [--seconds 10] [--shifts 100] [--repeat 3]

The clip is SynthDance (waltz, 30 fps, 22050 Hz, rendered at 64 px for AV-Align, which scores the video). "cold"
runs shift_test from the signals, as a single call does: the music's events are detected (librosa) and the null scored; "warm" passes a `beats` dict that already holds the
clip's music events, as sync_batch does for the second and later metrics of a clip: the shifts plus the motion's
side found once (visual beats; for AV-Align the optical flow, most of its time). ms/shift = warm / (shifts + 1).
Each figure is the median of --repeat runs (time.perf_counter), after one untimed warm-up call per metric.
"""
import argparse, time
import numpy as np

from dancebook.data.synth import synth_clip
from dancebook.metrics.sync import SYNC_METRICS, shift_test


def median_time(fn, repeat: int) -> float:
    "Median wall time (s) of `repeat` calls of `fn`."
    ts = []
    for _ in range(repeat):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0); ap.add_argument("--shifts", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    c = synth_clip("waltz", a.seconds, seed=1, fps=30, render=True, resolution=64)
    print(f"shift_test on one {a.seconds:g}-s clip ({c.n_frames} frames at {c.fps:g} fps), {a.shifts} shifts")
    print(f"{'metric':<14} {'cold s':>8} {'warm s':>8} {'ms/shift':>9}")
    for m in SYNC_METRICS + ("av_align",):
        x, beats = c.frames if m == "av_align" else c.motion, {}
        shift_test(c.audio, c.sr, x, c.fps, m, n_shifts=a.shifts, beats=beats)               # warm-up (and fills beats)
        cold = median_time(lambda: shift_test(c.audio, c.sr, x, c.fps, m, n_shifts=a.shifts), a.repeat)
        warm = median_time(lambda: shift_test(c.audio, c.sr, x, c.fps, m, n_shifts=a.shifts, beats=beats), a.repeat)
        print(f"{m:<14} {cold:8.3f} {warm:8.3f} {1000 * warm / (a.shifts + 1):9.3f}", flush=True)


if __name__ == "__main__":
    main()
