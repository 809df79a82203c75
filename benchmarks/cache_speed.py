"""Time loading one Dance with Melody clip without and with the feature cache.

Usage: .venv/bin/python benchmarks/cache_speed.py [PAIR] [--repeats N]
Prints the first (decode + parse, cache miss) and second (cache hit) load times, in this process and in a
fresh process (what a second notebook run sees), and their ratio. Uses a temporary cache directory.
Needs ../shared/data/dance_with_melody (or DANCEBOOK_DATA); exits with a message when it is absent.
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

from dancebook.core import find_dataset
from dancebook.data.cache import FeatureCache
from dancebook.data.dwm import load_dwm_clip

def timed(f):
    "Seconds taken by `f()` and its result."
    t = time.perf_counter(); r = f(); return time.perf_counter() - t, r

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pair", nargs="?", default="DANCE_R_4")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--hit-only", metavar="CACHE_DIR", help=argparse.SUPPRESS)  # used for the fresh-process timing
    a = ap.parse_args()
    root = find_dataset("dance_with_melody")
    if root is None: sys.exit("Dance with Melody not found (../shared/data or DANCEBOOK_DATA): nothing to time")
    folder = root / a.pair
    if a.hit_only:
        t, clip = timed(lambda: load_dwm_clip(folder, cache=FeatureCache(a.hit_only)))
        print(t); return
    with tempfile.TemporaryDirectory() as d:
        first, second, fresh = [], [], []
        for i in range(a.repeats):
            cache = FeatureCache(Path(d) / f"run{i}")
            t1, clip = timed(lambda: load_dwm_clip(folder, cache=cache))
            t2, clip2 = timed(lambda: load_dwm_clip(folder, cache=cache))
            assert cache.misses == 1 and cache.hits == 1 and (clip2.motion == clip.motion).all()
            out = subprocess.run([sys.executable, __file__, a.pair, "--hit-only", str(cache.root)],
                                 capture_output=True, text=True, check=True).stdout
            first.append(t1); second.append(t2); fresh.append(float(out.strip().splitlines()[-1]))
        med = lambda x: sorted(x)[len(x) // 2]
        print(f"{a.pair}: {clip}")
        print(f"first load (miss)            median {med(first) * 1e3:8.1f} ms  {[round(x * 1e3, 1) for x in first]}")
        print(f"second load (hit)            median {med(second) * 1e3:8.1f} ms  {[round(x * 1e3, 1) for x in second]}")
        print(f"second load, fresh process   median {med(fresh) * 1e3:8.1f} ms  {[round(x * 1e3, 1) for x in fresh]}")
        print(f"speed-up: {med(first) / med(second):.1f}x in process, {med(first) / med(fresh):.1f}x across processes")

if __name__ == "__main__": main()
