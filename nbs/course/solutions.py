"""Hidden solutions and the checks of the course exercises (dancebook/nbs/course).

Students: try each exercise before reading this file. Each notebook calls `check(name, answer, show)`:
with `answer=None` it checks the hidden solution instead (so the notebooks keep running under
nbdev_test), and with `show=True` (the notebook's SHOW_SOLUTIONS flag) it prints the solution.
Every check computes its verdict from dancebook itself; none compares with a stored number.
"""
import inspect
import numpy as np


def _clip(genre="waltz", seconds=6.0, **kw):
    from dancebook.data.synth import synth_clip
    return synth_clip(genre, seconds, seed=0, **kw)


# 01 beats and onsets: which audio-beat method best matches the waltz's annotated beats?
def solve_beats():
    import mir_eval
    from dancebook.audio import audio_beats
    c = _clip()
    f = {m: mir_eval.beat.f_measure(c.beats, audio_beats(c.audio, c.sr, method=m).times) for m in ("onset", "peaks", "track")}
    return max(f, key=f.get)

def check_beats(answer):
    import mir_eval
    from dancebook.audio import audio_beats
    c = _clip()
    f = {m: mir_eval.beat.f_measure(c.beats, audio_beats(c.audio, c.sr, method=m).times) for m in ("onset", "peaks", "track")}
    print("F-measure against the annotated beats:", {k: round(v, 3) for k, v in f.items()})
    return answer in f and f[answer] == max(f.values())


# 02 motion kinematics: visual beats per musical beat of a dance in time
def solve_motion():
    from dancebook.motion import visual_beats
    c = _clip()
    return round(len(visual_beats(c.motion, c.fps)) / len(c.beats))

def check_motion(answer):
    from dancebook.motion import visual_beats
    c = _clip()
    n = len(visual_beats(c.motion, c.fps))
    ratio = n / len(c.beats)
    print(f"{n} visual beats for {len(c.beats)} musical beats: {ratio:.2f} per beat")
    return isinstance(answer, (int, float)) and abs(answer - ratio) < 0.5


# 03 harmony: one parameter change that makes the harmony score clearly prefer the in-time dance to the 0.1-s-late one
def solve_harmony():
    return {"delta": 0.05}      # a tolerance narrower than the delay: the late visual beats fall outside it

def check_harmony(answer):
    from dancebook.explore import analyse_harmony, audio_side, perturb
    if not (isinstance(answer, dict) and len(answer) == 1 and set(answer) <= {"delta", "alpha", "beta", "gamma"}):
        print("answer with one parameter, e.g. {'gamma': 3.0}"); return False
    c = _clip(seconds=4.0); a = audio_side(c.audio, c.sr)
    on, late = (analyse_harmony(x, audio=a, **answer).scores["harmony"] for x in (c, perturb(c, "shift", 0.1)))
    d_on, d_late = (analyse_harmony(x, audio=a).scores["harmony"] for x in (c, perturb(c, "shift", 0.1)))
    print(f"defaults: in time {d_on:.3f}, late {d_late:.3f};  with {answer}: in time {on:.3f}, late {late:.3f}")
    return on > late + 0.1


# 04 metric conventions: the BAS sigma (in frames) at 30 fps that means the mint convention's 3 frames at 60 fps
def solve_sigma():
    return 1.5

def check_sigma(answer):
    from dancebook.metrics.beats import beat_align_score
    from dancebook.motion import resample_motion
    c = _clip()
    m60 = resample_motion(c.motion, 30.0, 60.0)                   # the same dance sampled at 60 fps
    ref = beat_align_score(m60, c.beats, 60.0, sigma=3)
    got = beat_align_score(c.motion, c.beats, 30.0, sigma=answer)
    wrong = beat_align_score(c.motion, c.beats, 30.0, sigma=3)
    print(f"BAS at 60 fps, sigma 3 frames: {ref:.3f}; at 30 fps with sigma {answer}: {got:.3f} (sigma 3: {wrong:.3f})")
    return abs(answer - 1.5) < 1e-9


# 05 user studies: half-width of the 95% interval of HarmoGAN's 81.5% agreement (12 raters x 20 pairs)
def solve_study():
    from dancebook.study import proportion_ci
    lo, hi = proportion_ci(round(0.815 * 240), 240)
    return round((hi - lo) / 2, 3)

def check_study(answer):
    import tempfile
    from pathlib import Path
    from dancebook.study import study_from_dict, simulate_raters, metric_agreement
    d = Path(tempfile.mkdtemp())
    for k in range(40): (d / f"{k}.wav").write_bytes(b"")
    items = [dict(id=str(k), path=f"{k}.wav", system="gt" if k % 2 == 0 else "perturbed", metrics=dict(h=float(k % 2 == 0)))
             for k in range(40)]
    study = study_from_dict(dict(question="ab", items=items, trials=[[str(k), str(k + 1)] for k in range(0, 40, 2)]), d)
    sims = [metric_agreement(simulate_raters(study, d / f"a{s}.csv", "h", raters=12, p=0.815, seed=s), study, "h").loc["all", "rate"]
            for s in range(30)]
    spread = 1.96 * np.std(sims)
    print(f"30 simulated 12x20 studies with true agreement 0.815: agreement {np.mean(sims):.3f} +- {spread:.3f} (1.96 SD)")
    return isinstance(answer, float) and abs(answer - spread) < 0.02


SOLUTIONS = {"beats": solve_beats, "motion": solve_motion, "harmony": solve_harmony, "sigma": solve_sigma, "study": solve_study}
CHECKS = {"beats": check_beats, "motion": check_motion, "harmony": check_harmony, "sigma": check_sigma, "study": check_study}

def check(name: str, answer=None, show: bool = False) -> bool:
    "Check `answer` to exercise `name`; with no answer, check the hidden solution (and print it when `show`)."
    solution = SOLUTIONS[name]
    ok = CHECKS[name](solution() if answer is None else answer)
    if answer is None:
        assert ok, f"the hidden solution of exercise {name!r} no longer passes its check: the course needs updating"
        print("No answer yet — the hidden solution passes the check. Your turn: set `answer` above.")
    else: print("✓ Correct!" if ok else "✗ Not yet — look again at the cells above and try another answer.")
    if show: print("\nSolution:\n" + inspect.getsource(solution))
    return ok
