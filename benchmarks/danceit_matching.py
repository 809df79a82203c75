"""Diagnose DanceIt's matching network: can it tell the music's own poses from delayed ones, or from another dance's?

Usage: .venv/bin/python benchmarks/danceit_matching.py [--dataset auto|synth|dwm] [--pool time|mean] [--neg-other 1.0]
       [--seeds 0 1 2] [--epochs 8] [--probe] [--set rhythm=0 lr=3e-3 hop=0.5 ...]
Prints, per epoch and seed, the correlation accuracy (distance < 1 called corresponding; 0.5 is chance) and the ranking
accuracy (positive nearer than negative) on held-out windows of the training dances ("valid") and on the test split's
dances ("test"), each for delayed-pose negatives (the paper's, Fig. 7) and other-dance negatives (ours); then the mean
and a 95% t-interval over seeds. `--probe` first measures, without learning, whether the music's onsets and the dancer's
speed line up at all (same-time vs delayed windows): where they do not, delayed negatives carry nothing to learn.
Training follows `danceit.load_or_train` (same pairs, loss, optimiser, batch size) without writing checkpoints.
"""
import argparse, time
import numpy as np, torch, librosa
from scipy import stats
from dancebook.core import seed_everything
from dancebook.motion import velocity_sum
from dancebook.models import danceit
from dancebook.models.danceit import (MatchNet, MatchingPairs, fragment_db, holdout, fixed_pairs, matching_outputs)

def probe(corpus, tracks, L: int = 50, seed: int = 0) -> dict:
    "Onset strength vs mean joint speed: correlation in same-time and 1-4-s delayed windows, and over whole tracks at lag 0."
    rng, same, late, lag0 = np.random.default_rng(seed), [], [], []
    for c, t in zip(corpus, tracks):
        env = librosa.onset.onset_strength(y=c.audio, sr=c.sr, hop_length=round(c.sr / t.fps))[:len(t.kp)]
        sp = velocity_sum(t.kp, mean=True)[:len(env)]
        env, sp = (env - env.mean()) / env.std(), (sp - sp.mean()) / sp.std()
        lag0.append(float(np.mean(env * sp)))
        for s in range(0, len(env) - L - 4 * L // 2 * 2, L // 2):
            d = int(rng.integers(L // 2, 2 * L + 1))
            same.append(np.corrcoef(env[s:s + L], sp[s:s + L])[0, 1]); late.append(np.corrcoef(env[s:s + L], sp[s + d:s + d + L])[0, 1])
    same, late = np.array(same), np.array(late)
    return {"windows": len(same), "corr same time": np.nanmean(same), "corr delayed": np.nanmean(late),
            "P(same > delayed)": np.nanmean(same > late), "whole-track corr at lag 0": np.mean(lag0)}

def pair_sets(tracks, db, cfg, seed: int) -> dict:
    "Fixed validation pairs with delayed-only and other-dance-only negatives."
    return {kind: fixed_pairs(MatchingPairs(tracks, db, danceit.config(cfg.preset, **{**_over(cfg), "neg_other": share})), seed)
            for kind, share in (("delayed", 0.0), ("other", 1.0))}

def _over(cfg) -> dict:
    "Fields of `cfg` that differ from its preset."
    base = danceit.config(cfg.preset)
    return {k: getattr(cfg, k) for k in cfg.__dataclass_fields__ if getattr(cfg, k) != getattr(base, k)}

@torch.no_grad()
def score(net, sets: dict) -> dict:
    "Correlation and ranking accuracy of `net` on each fixed set."
    net.eval(); out = {}
    for name, ds in sets.items():
        r = matching_outputs(net, ds.tensors, net.cfg.margin)
        out[f"{name} acc"], out[f"{name} rank"] = float(r["acc"]), float(r["rank"])
    net.train(); return out

def run(cfg, tracks, test_tracks, seed: int, epochs: int) -> list[dict]:
    "Train Φ_c as load_or_train does (on the first 1 - valid_frac of each dance, where `holdout` can) and score it after every epoch."
    db = fragment_db(tracks, cfg.seconds, cfg.move_pct)
    fit, val = holdout(tracks, db, cfg)
    sets = {f"valid {k}": v for k, v in pair_sets(val, db, cfg, seed).items()} if val else {}
    sets |= {f"test {k}": v for k, v in pair_sets(test_tracks, db, cfg, seed).items()}
    seed_everything(seed); net = MatchNet(db.skeleton, cfg)
    opt = torch.optim.Adam(net.parameters(), cfg.lr)
    data = MatchingPairs(fit, db, cfg); g = torch.Generator().manual_seed(seed)
    hist, t0 = [], time.time()
    for ep in range(epochs):
        for batch in torch.utils.data.DataLoader(data, batch_size=cfg.batch_size, shuffle=True, generator=g):
            loss = matching_outputs(net, batch, cfg.margin)["loss"]
            opt.zero_grad(); loss.backward(); opt.step()
        hist.append({"seed": seed, "epoch": ep + 1, **score(net, sets), "s": time.time() - t0})
        print("  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in hist[-1].items()), flush=True)
    return hist

def ci(x) -> str:
    "mean ± half-width of the 95% t-interval."
    x = np.asarray(x, float)
    h = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else float("nan")
    return f"{x.mean():.3f} ± {h:.3f}"

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="auto"); ap.add_argument("--preset", default="small")
    ap.add_argument("--pool", default="time"); ap.add_argument("--neg-other", type=float, default=None)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2]); ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--set", nargs="*", default=[], help="config overrides key=value (Python literals), e.g. rhythm=0 lr=3e-3")
    a = ap.parse_args()
    torch.set_num_threads(1)
    import ast
    over = {"pool": a.pool} | ({} if a.neg_other is None else {"neg_other": a.neg_other})
    over |= {k: ast.literal_eval(v) for k, v in (kv.split("=", 1) for kv in a.set)}
    cfg = danceit.config(a.preset, **over)
    corpus, tracks = danceit.load_tracks(cfg, "train", a.dataset); test_corpus, test_tracks = danceit.load_tracks(cfg, "test", a.dataset)
    print(f"{corpus.name}: {len(tracks)} training dances, {len(test_tracks)} test dances; pool={cfg.pool} neg_other={cfg.neg_other} "
          f"rhythm={cfg.rhythm} lr={cfg.lr} hop={cfg.hop}")
    if a.probe:
        for name, c, t in (("train", corpus, tracks), ("test", test_corpus, test_tracks)):
            print(f"probe {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in probe(c, t).items()))
    hist = [h for s in a.seeds for h in run(cfg, tracks, test_tracks, s, a.epochs or cfg.epochs)]
    last = [h for h in hist if h["epoch"] == max(x["epoch"] for x in hist)]
    print(f"final epoch, {len(last)} seeds (mean ± 95% CI):")
    for k in last[0]:
        if k not in ("seed", "epoch", "s"): print(f"  {k:>16}: {ci([h[k] for h in last])}  per seed {[round(h[k], 3) for h in last]}")

if __name__ == "__main__":
    main()
