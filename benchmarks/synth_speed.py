"""Speed of SynthDance on one core: audio+motion generation (x real time) and avatar rendering (frames/s).

Run: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/synth_speed.py  (targets: >= 50x real time, >= 500 frames/s at 64x64)
"""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"): os.environ.setdefault(v, "1")
import time
import cv2
cv2.setNumThreads(1)
from dancebook.data.synth import GENRES, note_sample, synth_clip
from dancebook.render import render_avatar, render_stick

def best_of(f, n=3):
    "Fastest wall time of `n` calls of `f`."
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

if __name__ == "__main__":
    seconds = 10.0
    def generate():
        note_sample.cache_clear()                        # time cold generation: no cached notes
        return [synth_clip(g, seconds, seed=i) for i, g in enumerate(GENRES)]
    gen = best_of(generate)
    print(f"audio+motion generation: {len(GENRES) * seconds / gen:.0f}x real time "
          f"({gen / len(GENRES) * 1000:.0f} ms per {seconds:g}-s clip at 22.05 kHz / 30 fps)")
    clip = synth_clip("pop", 20.0, seed=0)
    for res in (64, 128, 256):
        t = best_of(lambda: render_avatar(clip.motion, clip.skeleton, res))
        print(f"render_avatar {res}x{res}: {clip.n_frames / t:.0f} frames/s")
    t = best_of(lambda: render_stick(clip.motion, clip.skeleton, 64))
    print(f"render_stick 64x64: {clip.n_frames / t:.0f} frames/s")
