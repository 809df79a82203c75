"""Run the DDP tests of tests/test_train.py N times and count the failures (issue 21: a flaky gloo shutdown).

Usage: .venv/bin/python benchmarks/ddp_stress.py [N] [--budget SECONDS] [--keyword ddp]
Each repeat is one `pytest -q tests/test_train.py -k KEYWORD` in a fresh process (each DDP test launches its
own `torchrun --nproc_per_node=2` job). Prints one line per repeat, then the failure count and the total time.
`--budget` stops starting new repeats after that many seconds and says how many ran.
Runs with `TORCH_CPP_LOG_LEVEL=INFO` and `PYTHONFAULTHANDLER=1`, so a failing rank leaves its C++ log and
Python stacks in the printed tail.
"""
import argparse, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=50, help="repeats (default 50)")
    ap.add_argument("--budget", type=float, default=None, help="start no new repeat after this many seconds")
    ap.add_argument("--keyword", default="ddp", help="pytest -k expression (default: ddp)")
    a = ap.parse_args()
    env = {**os.environ, "TORCH_CPP_LOG_LEVEL": "INFO", "PYTHONFAULTHANDLER": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", str(ROOT / "tests/test_train.py"), "-k", a.keyword]
    fails, ran, t0 = 0, 0, time.perf_counter()
    for i in range(a.n):
        if a.budget is not None and time.perf_counter() - t0 > a.budget: break
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        ran += 1; ok = r.returncode == 0; fails += not ok
        print(f"run {i + 1:3d}: {'ok  ' if ok else 'FAIL'} {time.perf_counter() - t:6.1f}s", flush=True)
        if not ok: print((r.stdout + r.stderr)[-4000:], flush=True)
    print(f"{fails} failures in {ran} runs of the DDP tests ({a.n} asked), {time.perf_counter() - t0:.0f}s in total")
    sys.exit(1 if fails else 0)

if __name__ == "__main__": main()
