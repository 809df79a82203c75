"""Beat-tracking accuracy (mir_eval F and AMLt per tempo band) and speed of every dancebook beat method vs plain librosa.

Usage: python benchmarks/beat_tracking.py [--tempi 66,84,100,116,132,148,168,192] [--seconds 30]
                                          [--pieces all|N] [--renderer auto|sf2|additive] [--synth-seeds 3]

Clips: every piece of `dancebook.data.scores.SCORE_PIECES` (Bach chorales, Irish and Scottish dance
tunes) rendered at each tempo with its score's exact beats, SynthDance at every genre (`--synth-seeds`
clips each), and the real Ballroom clip when ../shared/data holds it. Prints, per method, the mean
F-measure and AMLt per tempo band (the band of the annotated tempo), the bands where a beat tracker
is more than 0.02 below plain librosa, and seconds of compute per minute of audio. The experiment
notebook nbs/experiments/21_beat_tracking.ipynb shows the same at the preset's size.
"""
import argparse, time, warnings
import numpy as np, pandas as pd, librosa, mir_eval

from dancebook.core import DatasetNotFound
from dancebook.audio import audio_beats
from dancebook.metrics.beats import music_beats
from dancebook.data.ballroom import load_ballroom, MusicClip
from dancebook.data.scores import SCORE_PIECES, score_clip
from dancebook.data.synth import GENRES, synth_clip

METHODS = {
    "track": lambda y, sr: audio_beats(y, sr, method="track").times,
    "mint": lambda y, sr: music_beats(y, sr, convention="mint"),
    "bailando": lambda y, sr: music_beats(y, sr, convention="bailando"),
    "librosa": lambda y, sr: librosa.beat.beat_track(y=y, sr=sr, units="time")[1],
    "onset (picker)": lambda y, sr: audio_beats(y, sr, method="onset").times,
    "peaks (picker)": lambda y, sr: audio_beats(y, sr, method="peaks").times,
}
BANDS = [(60, 90), (90, 120), (120, 150), (150, 210)]


def band(bpm): return next(f"{lo}-{hi}" for lo, hi in BANDS if bpm < hi)


def clips(a):
    "(source, MusicClip) pairs of the benchmark."
    out = []
    try: out += [("Ballroom", c) for c in load_ballroom()]
    except DatasetNotFound: print("Ballroom not found: skipped")
    pieces = list(SCORE_PIECES) if a.pieces == "all" else list(SCORE_PIECES)[:int(a.pieces)]
    for p in pieces:
        for t in a.tempi:
            c = score_clip(p, t, seconds=a.seconds, renderer=a.renderer)
            out.append((f"scores ({c.meta['renderer']})", c))
    for g in GENRES:
        for s in range(a.synth_seeds):
            c = synth_clip(g, a.seconds, seed=s, fps=10.0)
            out.append(("SynthDance", MusicClip(c.audio, c.sr, genre=g, beats=c.beats, tempo=c.tempo)))
    return [(s, c) for s, c in out if (c.beats >= 5.0).sum() >= 8]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tempi", default="66,84,100,116,132,148,168,192", type=lambda s: [float(x) for x in s.split(",")])
    ap.add_argument("--seconds", type=float, default=30.0); ap.add_argument("--pieces", default="all")
    ap.add_argument("--renderer", default="auto"); ap.add_argument("--synth-seeds", type=int, default=3)
    a = ap.parse_args()
    data = clips(a)
    print(f"{len(data)} clips, {sum(c.duration for _, c in data) / 60:.1f} min of audio", flush=True)
    rows, busy = [], {m: 0.0 for m in METHODS}
    for m, fn in METHODS.items(): fn(data[0][1].audio[:22050 * 4], data[0][1].sr)     # compile numba before timing
    for src, c in data:
        for m, fn in METHODS.items():
            t = time.perf_counter(); est = np.asarray(fn(c.audio, c.sr), float); busy[m] += time.perf_counter() - t
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r, e = mir_eval.beat.trim_beats(c.beats), mir_eval.beat.trim_beats(est)
                rows.append(dict(source=src, band=band(c.tempo), method=m, F=mir_eval.beat.f_measure(r, e),
                                 AMLt=mir_eval.beat.continuity(r, e)[3]))
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    for value in ("F", "AMLt"):
        t = df.pivot_table(index="method", columns="band", values=value).reindex(index=list(METHODS))
        t["all"] = df.groupby("method")[value].mean()
        print(f"\n{value} per tempo band (all sources)\n{t.round(3)}")
    print("\nF per source and band\n" + df.pivot_table(index=["source", "band"], columns="method", values="F")[list(METHODS)].round(3).to_string())
    t = df.pivot_table(index="method", columns="band", values="F")
    gaps = [(m, b, t.loc[m, b] - t.loc["librosa", b]) for m in ("track", "mint", "bailando") for b in t.columns
            if t.loc[m, b] < t.loc["librosa", b] - 0.02]
    print("\nbands more than 0.02 below plain librosa: " + (", ".join(f"{m} {b} {d:+.3f}" for m, b, d in gaps) or "none"))
    minutes = sum(c.duration for _, c in data) / 60
    print("\nseconds of compute per minute of audio: " + ", ".join(f"{m} {s / minutes:.2f}" for m, s in busy.items()))


if __name__ == "__main__":
    main()
