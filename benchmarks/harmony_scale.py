"""Time and peak memory of HarmoGAN's beat matching (align_beats, eq. 9) from 10 s to an hour of beats.

Usage: python benchmarks/harmony_scale.py [--durations 10 60 600 3600] [--dense-up-to 600]

Beats are placed as on real music and dance: audio beats every 0.3-0.7 s (about 2 a second), visual
beats every 0.03-0.2 s on a 30 fps frame grid (about 9 a second, the extrema of a velocity sum). Each
line times align_beats for both `reuse` settings and the dense audio x visual implementation it
replaced (kept in tests/test_align_beats_linear.py; run up to --dense-up-to seconds, since an hour
needs GBs: beyond, its peak is extrapolated per pair), checks they agree, and prints the tracemalloc
peak of each call. Up to align_beats' DENSE_PAIRS pairs (the 10-s row) ours is the dense path itself.
"""
import argparse, sys, time, tracemalloc
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_align_beats_linear import align_beats_dense
from dancebook.metrics.harmony import align_beats


def measure(fn):
    "(seconds, peak MB, result) of one call of `fn` under tracemalloc (time from a second, untraced call)."
    tracemalloc.start(); out = fn(); peak = tracemalloc.get_traced_memory()[1] / 2**20; tracemalloc.stop()
    t = time.perf_counter(); fn(); return time.perf_counter() - t, peak, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--durations", type=float, nargs="+", default=[10, 60, 600, 3600])
    ap.add_argument("--dense-up-to", type=float, default=600)
    a = ap.parse_args()
    r, per_pair = np.random.default_rng(0), {}
    print(f"{'seconds':>8} {'audio':>6} {'visual':>7}  {'reuse':<6} {'ours s':>9} {'ours MB':>9} {'dense s':>9} {'dense MB':>9}")
    for sec in a.durations:
        ta = np.cumsum(r.uniform(0.3, 0.7, int(sec * 2.2))); ta = ta[ta < sec]
        tv = np.round(np.cumsum(r.uniform(0.03, 0.2, int(sec * 10))) * 30) / 30; tv = tv[tv < sec]
        for reuse in (True, False):
            t, mb, got = measure(lambda: align_beats(ta, tv, reuse=reuse))
            if sec <= a.dense_up_to:
                td, mbd, want = measure(lambda: align_beats_dense(ta, tv, reuse=reuse))
                assert (got[1] == want[1]).all(), "sorted and dense matching disagree"
                dense, per_pair[reuse] = (f"{td:9.4f}", f"{mbd:9.2f}"), mbd / (len(ta) * len(tv))
            else:                                        # not run: its peak extrapolated from the largest run, per pair
                dense = "not run", f"~{per_pair.get(reuse, float('nan')) * len(ta) * len(tv):.0f}"
            print(f"{sec:8g} {len(ta):6d} {len(tv):7d}  {str(reuse):<6} {t:9.4f} {mb:9.2f} {dense[0]:>9} {dense[1]:>9}", flush=True)


if __name__ == "__main__":
    main()
