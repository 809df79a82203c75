"""Clips per second and peak memory of each dancebook metric on synthetic 20-s clips.

Usage: python benchmarks/metrics_speed.py [--clips 1000] [--seconds 20] [--fps 30]

Motion is a random smooth SMPL-24 dance (not SynthDance, whose generation would dominate the
time); audio is a click track. Each metric runs on every clip (batched where the metric is) and
is timed with time.perf_counter; peak memory is tracemalloc's peak of numpy/Python allocations
during that metric. Video metrics (AV-Align, PSNR/SSIM) run on fewer 64x64 clips (--video-clips).
"""
import argparse, time, tracemalloc
import numpy as np
from scipy.ndimage import gaussian_filter1d

from dancebook.audio import audio_beats
from dancebook.motion import visual_beats
from dancebook.metrics.harmony import harmony_score, hit_rate
from dancebook.metrics.beats import beat_align_score, mm_align_2d, beats_coverage_hit
from dancebook.metrics.motion import kinetic_features, geometric_features, fid, diversity, pfc
from dancebook.metrics.danceit import beat_alignment_rate, mdd, moving_distribution
from dancebook.metrics.video import av_align, psnr, ssim


def measure(name, n, fn):
    "Run `fn()` once under tracemalloc; print clips/s and peak MB."
    tracemalloc.start(); t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t; peak = tracemalloc.get_traced_memory()[1] / 2**20; tracemalloc.stop()
    print(f"{name:<34} {n:>6} clips {dt:8.2f} s {n / dt:10.1f} clips/s   peak {peak:8.1f} MB", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=1000); ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--fps", type=float, default=30.0); ap.add_argument("--video-clips", type=int, default=20)
    a = ap.parse_args()
    r = np.random.default_rng(0); T, sr = int(a.seconds * a.fps), 22050
    motion = gaussian_filter1d(np.cumsum(r.normal(size=(a.clips, T, 24, 3)) * 0.01, 1), 2, axis=1).astype(np.float32)
    beats = [np.arange(r.uniform(0, .5), a.seconds, 60 / r.uniform(90, 140)) for _ in range(a.clips)]
    y = np.zeros(int(a.seconds * sr), np.float32); y[(beats[0] * sr).astype(int)] = 1
    y = np.convolve(y, np.exp(-np.arange(300) / 30))[: len(y)].astype(np.float32)
    ab = audio_beats(y, sr)
    print(f"{a.clips} clips of {a.seconds:g} s, {T} frames x 24 joints at {a.fps:g} fps")

    measure("audio_beats (onset detection)", 50, lambda: [audio_beats(y, sr) for _ in range(50)])
    measure("visual_beats", a.clips, lambda: [visual_beats(m, a.fps) for m in motion])
    vbs = [visual_beats(m, a.fps) for m in motion]
    measure("harmony_score + hit_rate (beats)", a.clips, lambda: [(harmony_score(ab, v), hit_rate(ab, v)) for v in vbs])
    measure("BAS mint (batched)", a.clips, lambda: beat_align_score(motion, beats, a.fps, convention="mint"))
    measure("BAS bailando (batched)", a.clips, lambda: beat_align_score(motion, beats, a.fps, convention="bailando"))
    measure("2D-MM Align (batched)", a.clips, lambda: mm_align_2d(motion[..., :2], beats, a.fps))
    measure("DanceIt S_BA", a.clips, lambda: [beat_alignment_rate(m, b, a.fps) for m, b in zip(motion, beats)])
    measure("DanceIt MDD hands (pooled)", a.clips, lambda: mdd(list(motion[: a.clips // 2]), list(motion[a.clips // 2:]), "smpl24", a.fps))
    measure("DanceIt moving distribution", a.clips, lambda: moving_distribution(list(motion), "smpl24", a.fps))
    measure("kinetic_features (batched)", a.clips, lambda: kinetic_features(motion, a.fps))
    measure("geometric_features (batched)", a.clips, lambda: geometric_features(motion, a.fps))
    kf = kinetic_features(motion, a.fps)
    measure("FID_k + Div_k (features)", a.clips, lambda: (fid(kf[::2], kf[1::2]), diversity(kf, kf)))
    measure("PFC", a.clips, lambda: pfc(motion, a.fps))
    measure("beats coverage/hit (d2m)", 20, lambda: [beats_coverage_hit(y, y, sr) for _ in range(20)])
    frames = r.integers(0, 255, size=(a.video_clips, T, 64, 64, 3), dtype=np.uint8)
    measure("AV-Align (64x64 video)", a.video_clips, lambda: [av_align(y, sr, f, a.fps) for f in frames])
    measure("PSNR + SSIM (64x64 video)", a.video_clips, lambda: [(psnr(f, frames[0]), ssim(f, frames[0])) for f in frames])


if __name__ == "__main__":
    main()
