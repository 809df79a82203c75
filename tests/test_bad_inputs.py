"""The bad-input corpus (issue 19 item 6): every public entry point fed hostile input, each case in a forked child under a
memory cap and a time limit, must end in a named `dancebook` error or its documented value; plus hypothesis properties
over every metric with adversarial profiles (NaN, inf, huge and tiny fps, empty, one element).

`python tests/test_bad_inputs.py` prints how many cases end badly and how (raw exception / silent accept / garbage /
hang / memory), without pytest."""
from __future__ import annotations
import json, multiprocessing as mp, os, pickle, re, resource, sys, tempfile, time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings, strategies as st

from dancebook.core import ConfigError, DataError, DancebookError, DatasetNotFound, load_json
from dancebook import audio as A, motion as M, skeleton as S
from dancebook.metrics import beats as MB, harmony as MH, motion as MM, danceit as MD, video as MV, sync as MS, quality as MQ
from dancebook.data.core import DanceClip, perturb
from dancebook.data import io as DIO, dwm as DWM, aistpp as AIST, video as DV, ballroom as DB
from dancebook.data.cache import FeatureCache

MEM_LIMIT = 1 << 30        # bytes a case may allocate beyond what the parent holds when it forks
TIME_LIMIT = 30            # seconds before a case counts as a hang
SR, FPS = 8000, 30.0
NAN, INF = float("nan"), float("inf")

# --- valid inputs each bad case perturbs ------------------------------------------------------------------------
def clicks(seconds=3.0, sr=SR, bpm=120):
    "Noise with a click every beat: a signal with clear onsets `(N,)`."
    y = 0.01 * np.random.default_rng(0).standard_normal(int(seconds * sr)).astype(np.float32)
    for t in np.arange(0.25, seconds, 60 / bpm): y[int(t * sr):int(t * sr) + 80] += 0.8
    return y

def dance(T=90, J=17, fps=FPS, seed=0):
    "A smooth bouncing dance `(T, J, 3)` in metres (y up), moving with the 2 Hz clicks."
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 0.3, (J, 3)); base[:, 1] = np.linspace(1.7, 0.0, J)
    t = np.arange(T)[:, None, None] / fps
    return (base + 0.1 * np.abs(np.sin(2 * np.pi * t + rng.uniform(0, 1, (1, J, 3))))).astype(np.float32)

Y, MOT, SMPL = clicks(), dance(), dance(J=24)
FRAMES = (np.arange(8 * 16 * 16 * 3) % 251).astype(np.uint8).reshape(8, 16, 16, 3)
FEATS = np.random.default_rng(1).normal(size=(6, 4))
MUSIC_T = np.arange(0.25, 3.0, 0.5)

# --- outcomes ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Err:
    "Expect the dancebook error `cls` with a message matching `match` (case-insensitive)."
    cls: type
    match: str

@dataclass(frozen=True)
class Val:
    "Expect a value satisfying `ok`, described by `what` (the documented value or range)."
    what: str
    ok: Callable

def unit(v) -> bool:
    "A finite score in [0, 1] (or an array of them)."
    a = np.asarray(v, float); return bool(a.size) and bool(np.all(np.isfinite(a)) and np.all((a >= 0) & (a <= 1)))

IN01, FINITE = Val("in [0, 1]", unit), Val("finite", lambda v: bool(np.all(np.isfinite(np.asarray(v, float)))))
NONNEG = Val("finite, >= 0", lambda v: bool(np.all(np.isfinite(np.asarray(v, float))) and np.all(np.asarray(v, float) >= 0)))

@dataclass(frozen=True)
class Case:
    "One hostile input: `run(tmp)` calls the entry point `entry`; `expect` says how it must end."
    id: str
    entry: str
    run: Callable
    expect: object

CASES: list[Case] = []
def case(id, entry, run, expect): CASES.append(Case(f"{entry}:{id}", entry, run, expect))

# --- audio: bad signals and sample rates at every audio entry point -------------------------------------------------------
BAD_AUDIO = {
    "strings": (np.array(["0.1", "0.2"] * 100), Err(DataError, "numeric")),
    "objects": (np.array([0.1, None] * 100, dtype=object), Err(DataError, "numeric")),
    "complex": (Y.astype(np.complex64), Err(DataError, "numeric")),
    "bools": (Y > 0, Err(DataError, "numeric")),
    "nan": (np.where(np.arange(len(Y)) == 7, np.nan, Y), Err(DataError, "non-finite")),
    "inf": (np.where(np.arange(len(Y)) == 7, np.inf, Y), Err(DataError, "non-finite")),
    "neg_inf": (np.where(np.arange(len(Y)) == 7, -np.inf, Y), Err(DataError, "non-finite")),
    "stereo": (np.stack([Y, Y]), Err(DataError, "shape")),
    "empty": (np.zeros(0, np.float32), Err(DataError, "empty")),
    "scalar": (np.float32(0.5), Err(DataError, "shape")),
    "loud_1e17": (Y * 1e17, Err(DataError, "amplitude")),
    "loud_1e7": (Y * 1e7, Err(DataError, "amplitude")),
}
AUDIO_ENTRIES = {
    "check_audio": lambda y, sr: A.check_audio(y, sr),
    "onset_envelope": lambda y, sr: A.onset_envelope(y, sr),
    "audio_beats": lambda y, sr: A.audio_beats(y, sr),
    "audio_features": lambda y, sr: A.audio_features(y, sr, FPS),
    "music_beats": lambda y, sr: MB.music_beats(y, sr),
    "onset_bins": lambda y, sr: MB.onset_bins(y, sr),
    "beats_coverage_hit": lambda y, sr: MB.beats_coverage_hit(y, Y[:len(y)] if np.ndim(y) == 1 and len(y) else Y, sr),
    "harmony_metrics": lambda y, sr: MH.harmony_metrics(y, sr, MOT, FPS),
    "av_align": lambda y, sr: MV.av_align(y, sr, FRAMES, FPS),
    "DanceClip": lambda y, sr: DanceClip(y, sr, MOT, FPS, "coco17"),
}
for name, (y, exp) in BAD_AUDIO.items():
    for entry, f in AUDIO_ENTRIES.items():
        case(name, entry, lambda tmp, f=f, y=y: f(y, SR), exp)

BAD_SR = {"zero": 0, "negative": -8000, "nan": NAN, "inf": INF, "huge": 1e12, "string": "8000", "none": None, "bool": True}
for name, sr in BAD_SR.items():
    for entry in ("check_audio", "onset_envelope", "audio_beats", "audio_features", "music_beats", "onset_bins", "DanceClip"):
        case(f"sr_{name}", entry, lambda tmp, f=AUDIO_ENTRIES[entry], sr=sr: f(Y, sr), Err(DataError, "sample rate"))

# --- motion: bad joint arrays at every motion entry point -------------------------------------------------------------
def _nan_at(m, v): m = m.copy(); m[5, 3, 1] = v; return m
BAD_MOTION = {
    "strings": (MOT.astype(str), Err(DataError, "numeric")),
    "objects": (MOT.astype(object), Err(DataError, "numeric")),
    "complex": (MOT.astype(np.complex64), Err(DataError, "numeric")),
    "bools": (MOT > 0.5, Err(DataError, "numeric")),
    "nan": (_nan_at(MOT, np.nan), Err(DataError, "non-finite")),
    "inf": (_nan_at(MOT, np.inf), Err(DataError, "non-finite")),
    "huge_1e30": (MOT * 1e30, Err(DataError, "out of range")),
    "huge_1e7": (_nan_at(MOT, 1e7), Err(DataError, "out of range")),
    "flat_2d": (MOT.reshape(len(MOT), -1), Err(DataError, "shape")),
    "no_frames": (MOT[:0], Err(DataError, "no frames")),
    "four_coords": (np.concatenate([MOT, MOT[..., :1]], -1), Err(DataError, "shape")),
    "empty_batch": (MOT[None][:0], Err(DataError, "empty")),
}
MOTION_ENTRIES = {
    "check_motion": lambda m, fps: S.check_motion(m),
    "velocity_sum": lambda m, fps: M.velocity_sum(m),
    "visual_beats": lambda m, fps: M.visual_beats(m, fps),
    "sd_beats": lambda m, fps: M.sd_beats(m, fps),
    "body_size": lambda m, fps: M.body_size(m, "coco17"),
    "kinetic_features": lambda m, fps: MM.kinetic_features(m, fps, compat=False),
    "kinematic_envelope": lambda m, fps: MB.kinematic_envelope(m, fps, convention="bailando"),
    "bas_mint": lambda m, fps: MB.beat_align_score(m, MUSIC_T, fps),
    "bas_bailando": lambda m, fps: MB.beat_align_score(m, MUSIC_T, fps, convention="bailando"),
    "s_ba": lambda m, fps: MD.beat_alignment_rate(m, MUSIC_T, fps),
    "pfc": lambda m, fps: MM.pfc(m, fps, skeleton="coco17"),
    "harmony_metrics_motion": lambda m, fps: MH.harmony_metrics(Y, SR, m, fps),
    "dance_quality": lambda m, fps: MQ.dance_quality([m, MOT], [MOT, dance(seed=1)], fps, "coco17"),
}
for name, (m, exp) in BAD_MOTION.items():
    for entry, f in MOTION_ENTRIES.items():
        if name == "empty_batch" and entry in ("dance_quality", "check_motion"): exp2 = Err(DataError, "shape|empty|at least 2")
        else: exp2 = exp
        case(name, entry, lambda tmp, f=f, m=m: f(m, FPS), exp2)

# --- frame rates: every entry point that takes one --------------------------------------------------------------------------
BAD_FPS = {"zero": 0, "negative": -30, "nan": NAN, "inf": INF, "neg_inf": -INF, "huge_1e9": 1e9, "above_max": 2000.0, "tiny": 5e-324,
           "string": "30", "none": None, "bool": True}
FPS_ENTRIES = {**{k: MOTION_ENTRIES[k] for k in ("visual_beats", "sd_beats", "kinetic_features", "kinematic_envelope",
                                                 "bas_mint", "bas_bailando", "s_ba", "pfc", "dance_quality")},
               "kinematic_beats": lambda m, fps: MB.kinematic_beats(m, fps),
               "geometric_features": lambda m, fps: MM.geometric_features(SMPL, fps, compat=False),
               "audio_features": lambda m, fps: A.audio_features(Y, SR, fps),
               "av_align": lambda m, fps: MV.av_align(Y, SR, FRAMES, fps),
               "video_peaks": lambda m, fps: MV.video_peaks(FRAMES, fps),
               "resample_motion": lambda m, fps: M.resample_motion(m, fps, 60.0),
               "resample_motion_to": lambda m, fps: M.resample_motion(m, 60.0, fps),
               "moving_distances": lambda m, fps: MD.moving_distances(m, "coco17", fps),
               "DanceClip": lambda m, fps: DanceClip(Y, SR, m, fps, "coco17"),
               "mm_align_2d": lambda m, fps: MB.mm_align_2d(m[..., :2], MUSIC_T, fps),
               "music_beats": lambda m, fps: MB.music_beats(Y, SR, fps),
               "shift_test": lambda m, fps: MS.shift_test(Y, SR, m, fps, "hit_rate", n_shifts=3)}
for name, fps in BAD_FPS.items():
    for entry, f in FPS_ENTRIES.items():
        case(f"fps_{name}", entry, lambda tmp, f=f, fps=fps: f(MOT, fps), Err(DataError if entry == "DanceClip" else ConfigError, "fps|frame rate"))

# --- BAS settings: sigma, smoothing, order ------------------------------------------------------------------------------------
for conv in ("mint", "bailando"):
    bas = lambda conv=conv, **kw: MB.beat_align_score(MOT, MUSIC_T, FPS, convention=conv, **kw)
    for name, v in {"zero": 0.0, "negative": -1.0, "nan": NAN, "inf": INF, "string": "3"}.items():
        case(f"sigma_{name}", f"bas_{conv}", lambda tmp, v=v, bas=bas: bas(sigma=v), Err(ConfigError, "sigma"))
        case(f"order_{name}", f"bas_{conv}", lambda tmp, v=v, bas=bas: bas(order=v), Err(ConfigError, "order"))
    case("sigma_1e12", f"bas_{conv}", lambda tmp, bas=bas: bas(sigma=1e12), IN01)
    case("order_1e12", f"bas_{conv}", lambda tmp, bas=bas: bas(order=1e12), IN01)
for name, v in {"negative": -1.0, "nan": NAN, "inf": INF, "huge_1e12": 1e12}.items():
    case(f"smooth_{name}", "bas_bailando", lambda tmp, v=v: MB.beat_align_score(MOT, MUSIC_T, FPS, convention="bailando", smooth=v),
         Err(ConfigError, "smooth"))
for name, v in {"zero": 0.0, "negative": -1.0, "nan": NAN, "inf": INF}.items():
    case(f"sigma_{name}", "beat_distance_score", lambda tmp, v=v: MB.beat_distance_score([1.0], [2.0], v), Err(ConfigError, "sigma"))

# --- beat times: music beats, harmony beats, saliencies -------------------------------------------------------------------
BAD_TIMES = {"nan": np.array([0.5, NAN, 1.5]), "inf": np.array([0.5, INF]), "neg_inf": np.array([-INF, 1.0]),
             "strings": np.array(["0.5", "1.0"]), "objects": np.array([0.5, None], dtype=object),
             "complex": np.array([0.5 + 1j])}
TIME_ENTRIES = {
    "bas_mint": lambda t: MB.beat_align_score(MOT, t, FPS),
    "bas_bailando": lambda t: MB.beat_align_score(MOT, t, FPS, convention="bailando"),
    "s_ba": lambda t: MD.beat_alignment_rate(MOT, t, FPS),
    "beat_distance_score": lambda t: MB.beat_distance_score(t, [1.0], 3.0),
    "align_beats": lambda t: MH.align_beats(t, [1.0, 2.0]),
    "chance_hit_rate": lambda t: MH.chance_hit_rate(t, (0.0, 3.0)),
    "harmony_score": lambda t: MH.harmony_score(A.Beats(t, np.ones(len(t))), M.visual_beats(MOT, FPS)),
    "hit_rate": lambda t: MH.hit_rate(A.Beats(t, np.ones(len(t))), M.visual_beats(MOT, FPS)),
    "harmony_visual": lambda t: MH.harmony_score(A.audio_beats(Y, SR), A.Beats(t, np.ones(len(t)), 0.0)),
    "harmony_of_beats": lambda t: MH.harmony_of_beats(A.Beats(t, np.ones(len(t))), M.visual_beats(MOT, FPS), duration=3.0),
    "beat_period": lambda t: MS.beat_period(t),
    "shift_times": lambda t: MS.shift_times(t, 0.5, 3.0),
    "DanceClip_beats": lambda t: DanceClip(Y, SR, MOT, FPS, "coco17", beats=t),
    "meter_units": lambda t: A.meter_units(t, [A.Meter("2/4", 0, 2)]),
}
for name, t in BAD_TIMES.items():
    for entry, f in TIME_ENTRIES.items():
        case(f"times_{name}", entry, lambda tmp, f=f, t=t: f(t), Err(DataError, "beat|times"))
BAD_SALIENCY = {"nan": np.array([1.0, NAN, 2.0, 1.0, 3.0, 0.5]), "inf": np.array([1.0, INF, 2.0, 1.0, 3.0, 0.5]),
                "strings": np.array(["1"] * 6)}
for name, s in BAD_SALIENCY.items():
    t = np.linspace(0.2, 2.8, 6)
    for entry, f in {"harmony_score": lambda s, t: MH.harmony_score(A.Beats(t, s), M.visual_beats(MOT, FPS)),
                     "harmony_visual": lambda s, t: MH.harmony_score(A.audio_beats(Y, SR), A.Beats(t, s, 0.0)),
                     "hit_rate": lambda s, t: MH.hit_rate(A.Beats(t, s), M.visual_beats(MOT, FPS)),
                     "audio_saliency_mask": lambda s, t: MH.audio_saliency_mask(s),
                     "visual_saliency_mask": lambda s, t: MH.visual_saliency_mask(s),
                     "beat_strength": lambda s, t: A.beat_strength(s)}.items():
        case(f"saliency_{name}", entry, lambda tmp, f=f, s=s, t=t: f(s, t), Err(DataError, "saliency|saliencies"))
case("initial_nan", "harmony_visual", lambda tmp: MH.harmony_score(A.audio_beats(Y, SR), A.Beats(MUSIC_T, np.ones(6), NAN)), IN01)
case("delta_nan", "align_beats", lambda tmp: MH.align_beats([1.0], [1.0], delta=NAN), Err(ConfigError, "delta"))
case("delta_inf", "align_beats", lambda tmp: MH.align_beats([1.0], [5.0], delta=INF), Val("[True], [0]", lambda v: v[0].tolist() == [True]))
case("span_nan", "chance_hit_rate", lambda tmp: MH.chance_hit_rate([1.0], (0.0, NAN)), Err(ConfigError, "span"))
case("span_inf", "chance_hit_rate", lambda tmp: MH.chance_hit_rate([1.0], (0.0, INF)), Err(ConfigError, "span"))
case("empty_music", "bas_mint", lambda tmp: MB.beat_align_score(MOT, [], FPS), Val("0.0", lambda v: v == 0.0))
case("empty_music", "bas_bailando", lambda tmp: MB.beat_align_score(MOT, [], FPS, convention="bailando"), Val("0.0", lambda v: v == 0.0))
case("empty_both", "harmony_score", lambda tmp: MH.harmony_score(A.Beats(np.zeros(0), np.zeros(0)), A.Beats(np.zeros(0), np.zeros(0))),
     Val("0.0", lambda v: v == 0.0))
case("one_frame", "bas_bailando", lambda tmp: MB.beat_align_score(MOT[:1], MUSIC_T, FPS, convention="bailando"), Err(DataError, "frames"))
case("one_frame", "bas_mint", lambda tmp: MB.beat_align_score(MOT[:1], MUSIC_T, FPS), Val("0.0", lambda v: v == 0.0))
case("max_fps_one_frame", "bas_bailando", lambda tmp: MB.beat_align_score(MOT[:2], [0.0], 1000.0, convention="bailando"), IN01)

# --- synchrony statistics -----------------------------------------------------------------------------------------------
for name, (s, n) in {"nan_score": (NAN, 0.5), "nan_null": (0.5, NAN), "neg_score": (-0.5, 0.5), "string": ("0.5", 0.5)}.items():
    case(name, "corrected", lambda tmp, s=s, n=n: MS.corrected(s, n), Err(DataError, "score|\\[0, 1\\]"))
for name, (s, null) in {"nan_score": (NAN, [0.1, 0.2]), "nan_null": (0.5, [NAN, 0.2]), "inf_null": (0.5, [INF, 0.2])}.items():
    case(name, "shift_stats", lambda tmp, s=s, null=null: MS.shift_stats(s, null), Err(DataError, "score|finite"))
for name, x in {"nan": [NAN, 1.0], "inf": [INF, 1.0], "strings": ["a"]}.items():
    case(name, "bootstrap_ci", lambda tmp, x=x: MS.bootstrap_ci(x, n_boot=10), Err(DataError, "finite|numeric"))
for name, (d, p) in {"nan_duration": (NAN, 0.5), "inf_duration": (INF, 0.5), "nan_period": (10.0, NAN), "inf_period": (10.0, INF)}.items():
    case(name, "shift_offsets", lambda tmp, d=d, p=p: MS.shift_offsets(d, p, 3), Err(ConfigError, "duration|period"))

# --- feature sets: FID, diversity, normalisation --------------------------------------------------------------------------
def _bad_feats(v): f = FEATS.copy(); f[2, 1] = v; return f
BAD_FEATS = {"nan": _bad_feats(NAN), "inf": _bad_feats(INF), "strings": FEATS.astype(str), "objects": FEATS.astype(object),
             "huge_1e200": FEATS * 1e200, "one_d": FEATS[:, 0]}
FEAT_ENTRIES = {"fid_gen": lambda f: MM.fid(f, FEATS), "fid_ref": lambda f: MM.fid(FEATS, f),
                "fid_raw": lambda f: MM.fid(f, FEATS, normalize=False), "diversity": lambda f: MM.diversity(f),
                "diversity_ref": lambda f: MM.diversity(FEATS, f), "normalize_features": lambda f: MM.normalize_features(f, FEATS)}
for name, f in BAD_FEATS.items():
    for entry, g in FEAT_ENTRIES.items():
        case(f"feats_{name}", entry, lambda tmp, g=g, f=f: g(f), Err(DataError, "features"))
case("one_clip", "diversity", lambda tmp: MM.diversity(FEATS[:1]), Val("0.0", lambda v: v == 0.0))
case("constant", "fid", lambda tmp: MM.fid(np.ones((4, 3)), np.ones((4, 3))), NONNEG)

# --- frames ---------------------------------------------------------------------------------------------------------
BAD_FRAMES = {"float": FRAMES.astype(np.float32), "gray": FRAMES[..., :1], "empty": FRAMES[:0], "strings": FRAMES.astype(str)}
for name, fr in BAD_FRAMES.items():
    for entry, f in {"check_frames": lambda fr: MV.check_frames(fr), "psnr": lambda fr: MV.psnr(fr, FRAMES),
                     "ssim": lambda fr: MV.ssim(fr, FRAMES), "video_peaks": lambda fr: MV.video_peaks(fr, FPS),
                     "av_align": lambda fr: MV.av_align(Y, SR, fr, FPS)}.items():
        case(f"frames_{name}", entry, lambda tmp, f=f, fr=fr: f(fr), Err(DataError, "frames"))

# --- clips: annotations and perturbations ---------------------------------------------------------------------------------
for name, (kw, exp) in {"nan_downbeats": (dict(downbeats=[NAN]), Err(DataError, "beat|times")),
                        "keypoints_nan": (dict(keypoints2d=_nan_at(MOT, NAN)[..., :2]), Err(DataError, "non-finite")),
                        "keypoints_strings": (dict(keypoints2d=MOT[..., :2].astype(str)), Err(DataError, "numeric")),
                        "unknown_skeleton": (dict(skeleton="martian"), Err(ConfigError, "skeleton")),
                        "wrong_skeleton": (dict(skeleton="smpl24"), Err(DataError, "joints"))}.items():
    case(name, "DanceClip", lambda tmp, kw=kw: DanceClip(**{**dict(audio=Y, sr=SR, motion=MOT, fps=FPS, skeleton="coco17"), **kw}), exp)
for name, (kind, amount) in {"shift_nan": ("shift", NAN), "warp_inf": ("warp", INF), "permute_nan": ("permute", NAN),
                             "shift_inf": ("shift", INF)}.items():
    case(name, "perturb", lambda tmp, kind=kind, amount=amount: perturb(DanceClip(Y, SR, MOT, FPS, "coco17"), kind, amount),
         Err(ConfigError, "amount"))

# --- files: JSON, pickles, WAV, symlinks, decoders ------------------------------------------------------------------------
def dwm_pair(tmp, T=60, start=10, name="DANCE_C_1"):
    "A valid Dance with Melody pair folder (T frames at 25 fps danced from frame `start` of a 5 s song)."
    return DWM.save_dwm_pair(Path(tmp) / name, dance(T, 23, 25.0), clicks(5.0, 8000), 8000, start=start)

def with_config(text):
    "Load a DWM pair whose config.json is `text`."
    def run(tmp):
        p = dwm_pair(tmp); (p / "config.json").write_text(text); return DWM.load_dwm_clip(p, cache=False)
    return run

BAD_CONFIG = {
    "start_infinity": ('{"start_position": Infinity, "end_position": 70}', "start_position"),
    "end_infinity": ('{"start_position": 10, "end_position": Infinity}', "end_position"),
    "start_nan": ('{"start_position": NaN, "end_position": 70}', "start_position"),
    "start_true": ('{"start_position": true, "end_position": 70}', "start_position"),
    "end_false": ('{"start_position": 10, "end_position": false}', "end_position"),
    "end_fraction": ('{"start_position": 10, "end_position": 69.9}', "end_position"),
    "start_fraction": ('{"start_position": 10.5, "end_position": 70}', "start_position"),
    "start_string": ('{"start_position": "10", "end_position": 70}', "start_position"),
    "start_null": ('{"start_position": null, "end_position": 70}', "start_position"),
    "start_list": ('{"start_position": [10], "end_position": 70}', "start_position"),
    "start_negative": ('{"start_position": -10, "end_position": 70}', "start_position"),
    "end_huge": ('{"start_position": 10, "end_position": 1e300}', "end_position"),
    "end_bigint": ('{"start_position": 10, "end_position": ' + "9" * 400 + "}", "end_position"),
    "missing_end": ('{"start_position": 10}', "end_position"),
    "top_level_list": ("[10, 70]", "start_position"),
    "deep": ("[" * 200_000 + "]" * 200_000, "nested too deep"),
}
for name, (text, frag) in BAD_CONFIG.items():
    case(name, "load_dwm_clip", with_config(text), Err(DataError, frag))
case("end_integral_float", "load_dwm_clip", with_config('{"start_position": 10, "end_position": 70.0}'),
     Val("a 60-frame clip", lambda c: c.n_frames == 60))

def with_skeletons(edit):
    "Load a DWM pair whose skeletons.json is rewritten by `edit(dict) -> str`."
    def run(tmp):
        p = dwm_pair(tmp); sk = json.loads((p / "skeletons.json").read_text())
        (p / "skeletons.json").write_text(edit(sk)); return DWM.load_dwm_clip(p, cache=False)
    return run
for name, (edit, frag) in {
        "deep": (lambda sk: "[" * 200_000 + "]" * 200_000, "nested too deep"),
        "strings": (lambda sk: json.dumps({**sk, "skeletons": [[["a", "b", "c"]] * 23] * 60}), "numeric"),
        "huge": (lambda sk: json.dumps({**sk, "center": [[1e300, 0, 0]] * 60}), "out of range|non-finite"),
        "infinity": (lambda sk: json.dumps({**sk, "center": [[INF, 0, 0]] * 60}), "non-finite"),
        "length_true": (lambda sk: json.dumps({**sk, "length": True}), "length"),
        "length_fraction": (lambda sk: json.dumps({**sk, "length": 60.5}), "length"),
        "ragged": (lambda sk: json.dumps({**sk, "skeletons": sk["skeletons"][:-1] + [sk["skeletons"][-1][:5]]}), "rectangular"),
        "top_level_list": (lambda sk: json.dumps([1, 2]), "skeletons")}.items():
    case(f"skeletons_{name}", "load_dwm_clip", with_skeletons(edit), Err(DataError, frag))

case("deep", "load_json", lambda tmp: (Path(tmp) / "d.json").write_text("{\"a\":" * 100_000 + "1" + "}" * 100_000)
     and load_json(Path(tmp) / "d.json"), Err(DataError, "nested too deep"))

def kp_file(tmp, text):
    p = Path(tmp) / "k.json"; p.write_text(text); return DV.read_keypoints(p)
for name, (text, frag) in {"deep": ("[" * 200_000 + "]" * 200_000, "nested too deep|cannot read"),
                           "strings": (json.dumps([[["a", "b"]] * 17] * 4), "cannot read|numeric"),
                           "infinity": (json.dumps([[[1e400, 1.0]] * 17] * 4).replace("Infinity", "Infinity"), "missing|non-finite"),
                           "bools": (json.dumps([[[True, False]] * 17] * 4), "numeric")}.items():
    exp = Val("infinite keypoints become missing (confidence 0)", lambda v: bool((v[1] == 0).all())) if name == "infinity" \
        else Err(DataError, frag)
    case(f"keypoints_{name}", "read_keypoints", lambda tmp, text=text: kp_file(tmp, text), exp)

AIST_NAME = "gBR_sBM_cAll_d04_mBR0_ch01"
def aist_root(tmp, kp3d, T=90):
    "An AIST++ folder with one sequence whose keypoints3d pickle holds `kp3d` (bytes: written as they are)."
    root = Path(tmp) / "aist"; (root / "keypoints3d").mkdir(parents=True); (root / "wavs").mkdir()
    data = kp3d if isinstance(kp3d, bytes) else pickle.dumps(kp3d, protocol=4)
    (root / "keypoints3d" / f"{AIST_NAME}.pkl").write_bytes(data)
    sf.write(root / "wavs" / "mBR0.wav", clicks(2.0), SR)
    return root

def nest_bomb(fanout=10, depth=9) -> bytes:
    "A few hundred bytes of pickle that unpickle into `fanout ** depth` leaves of shared lists, under both keypoint keys."
    out = bytearray(b"\x80\x02K\x01")                                          # PROTO 2, the int 1
    for d in range(depth + 1):
        out += b"q" + bytes([d]) + b"0"                                             # memo[d] = top, pop it
        if d < depth: out += b"(" + (b"h" + bytes([d])) * fanout + b"l"           # a list of fanout x memo[d]
    key = lambda k: b"X" + len(k).to_bytes(4, "little") + k
    return bytes(out) + b"}(" + key(b"keypoints3d") + b"h" + bytes([depth]) + key(b"keypoints3d_optim") + b"h" + bytes([depth]) + b"u."

def _aist(tmp, obj): return AIST.load_aistpp_clip(aist_root(tmp, obj), AIST_NAME)
KP = dance(90, 17, 60.0)
for name, (obj, frag) in {
        "nest_bomb": (nest_bomb(), "ndarray|array"),
        "nested_lists": ({"keypoints3d_optim": KP.tolist()}, "ndarray|array"),
        "object_array": ({"keypoints3d_optim": KP.astype(object)}, "numeric"),
        "string_array": ({"keypoints3d_optim": KP.astype(str)}, "numeric"),
        "scalar": ({"keypoints3d_optim": np.float64(3.0)}, "ndarray|shape"),
        "bytes": ({"keypoints3d_optim": b"\x00" * 100}, "ndarray|array"),
        "dict_value": ({"keypoints3d_optim": {"a": 1}}, "ndarray|array"),
        "not_a_dict": (KP, "keypoints3d_optim"),
        "nan": ({"keypoints3d_optim": _nan_at(KP, NAN)}, "non-finite"),
        "huge": ({"keypoints3d_optim": KP.astype(np.float64) * 1e300}, "out of range"),
        "empty": ({"keypoints3d_optim": KP[:0]}, "no frames"),
        "truncated": (pickle.dumps({"keypoints3d_optim": KP})[:500], "corrupt pickle"),
        "code": (b"cos\nsystem\n(S'echo pwned'\ntR.", "refused to unpickle")}.items():
    case(name, "load_aistpp_clip", lambda tmp, obj=obj: _aist(tmp, obj), Err(DataError, frag))
case("nest_bomb", "safe_pickle_load", lambda tmp: (Path(tmp) / "b.pkl").write_bytes(nest_bomb()) and AIST.safe_pickle_load(Path(tmp) / "b.pkl"),
     Err(DataError, "container items"))

def truncated_wav(tmp, keep=0.6, fmt="PCM_16"):
    "A 2 s WAV cut to `keep` of its bytes: its header still says 2 s."
    p = Path(tmp) / "t.wav"; sf.write(p, clicks(2.0), SR, subtype=fmt)
    b = p.read_bytes(); p.write_bytes(b[:int(len(b) * keep)]); return p
for keep in (0.3, 0.6, 0.9):
    for fmt in ("PCM_16", "FLOAT"):
        case(f"truncated_{keep}_{fmt}", "load_audio", lambda tmp, keep=keep, fmt=fmt: DIO.load_audio(truncated_wav(tmp, keep, fmt)),
             Err(DataError, "t\\.wav: truncated"))
case("header_only", "load_audio", lambda tmp: DIO.load_audio(truncated_wav(tmp, 0.0001)), Err(DataError, "t\\.wav"))
case("resampled_truncated", "load_audio", lambda tmp: DIO.load_audio(truncated_wav(tmp, 0.6), sr=4000), Err(DataError, "truncated"))

def concat_trick(tmp, ext=".mp3"):
    "A `song<ext>` that is an ffmpeg concat list naming a sibling WAV: decoding must not follow it."
    d = Path(tmp); sf.write(d / "secret.wav", clicks(2.0), SR)
    p = d / f"song{ext}"; p.write_text("ffconcat version 1.0\nfile 'secret.wav'\n"); return p
for ext in (".mp3", ".wav", ".flac", ".ogg", ".m4a"):
    case(f"concat_list{ext}", "load_audio", lambda tmp, ext=ext: DIO.load_audio(concat_trick(tmp, ext)), Err(DataError, "song"))
case("concat_list.mp4", "read_video", lambda tmp: DIO.read_video(concat_trick(tmp, ".mp4")), Err(DataError, "song"))
case("unknown_extension", "load_audio", lambda tmp: DIO.load_audio(concat_trick(tmp, ".xyz")), Err(DataError, "song"))

def outside(tmp, name, make):
    "A file `make(path)` written outside the data root, for a symlink inside it to point to."
    o = Path(tmp) / "elsewhere"; o.mkdir(exist_ok=True); p = o / name; make(p); return p

def link_out(p: Path, target: Path):
    p.unlink(); p.symlink_to(target)

def dwm_link(tmp, fname):
    root = Path(tmp) / "dwm"; p = dwm_pair(root)
    t = outside(tmp, fname, lambda q: q.write_bytes((p / fname).read_bytes())); link_out(p / fname, t); return root

for fname in ("audio.mp3", "config.json", "skeletons.json"):
    case(f"symlink_out_{fname}", "load_dwm", lambda tmp, f=fname: DWM.load_dwm(dwm_link(tmp, f), cache=False), Err(DataError, "outside"))
case("symlink_out_pair_folder", "load_dwm", lambda tmp: (lambda r: DWM.load_dwm(r, cache=False))(
    (lambda root: (root.mkdir(), (root / "DANCE_C_1").symlink_to(dwm_pair(Path(tmp) / "elsewhere")), root)[-1])(Path(tmp) / "dwm")),
     Err(DataError, "outside"))
def _opt_in(tmp):
    os.environ["DANCEBOOK_FOLLOW_SYMLINKS"] = "1"; return DWM.load_dwm(dwm_link(tmp, "audio.mp3"), cache=False)
case("symlink_opt_in", "load_dwm", _opt_in, Val("one clip", lambda c: len(c) == 1))
case("symlink_inside", "load_dwm", lambda tmp: (lambda root: (
    (root / "audio_copy.mp3").write_bytes((root / "DANCE_C_1" / "audio.mp3").read_bytes()),
    link_out(root / "DANCE_C_1" / "audio.mp3", root / "audio_copy.mp3"), DWM.load_dwm(root, cache=False))[-1])(
        (lambda r: (dwm_pair(r), r)[-1])(Path(tmp) / "dwm")), Val("one clip", lambda c: len(c) == 1))

def aist_link(tmp, sub):
    root = aist_root(tmp, {"keypoints3d_optim": KP})
    p = next((root / sub).iterdir()); t = outside(tmp, p.name, lambda q: q.write_bytes(p.read_bytes())); link_out(p, t)
    return AIST.load_aistpp(root, split=None)
for sub in ("keypoints3d", "wavs"):
    case(f"symlink_out_{sub}", "load_aistpp", lambda tmp, sub=sub: aist_link(tmp, sub), Err(DataError, "outside"))

def video_link(tmp, what):
    root = Path(tmp) / "vids"; root.mkdir()
    sf.write(Path(tmp) / "m.wav", clicks(3.0), SR)
    v = DIO.write_ramp_video(Path(tmp) / "v.mp4", n=20, fps=10)
    if what == "video": (root / "v.mp4").symlink_to(v); (root / "v.wav").write_bytes((Path(tmp) / "m.wav").read_bytes())
    else: (root / "v.mp4").write_bytes(v.read_bytes()); (root / "v.wav").symlink_to(Path(tmp) / "m.wav")
    return DV.load_video_folder(root)
for what in ("video", "audio"):
    case(f"symlink_out_{what}", "load_video_folder", lambda tmp, what=what: video_link(tmp, what), Err(DataError, "outside"))

def ballroom_link(tmp, what):
    "A Ballroom folder with one track whose `.beats` or `.wav` is a symlink out of it."
    root = Path(tmp) / "ballroom"; (root / "BallroomAnnotations").mkdir(parents=True); (root / "BallroomData" / "Waltz").mkdir(parents=True)
    o = Path(tmp) / "elsewhere"; o.mkdir()
    sf.write(o / "t.wav", clicks(3.0), SR); (o / "t.beats").write_text("0.25 1\n0.75 2\n1.25 3\n")
    src = {"beats": (o / "t.beats", root / "BallroomAnnotations" / "t.beats"), "wav": (o / "t.wav", root / "BallroomData" / "Waltz" / "t.wav")}
    for k, (a, b) in src.items():
        if k == what: b.symlink_to(a)
        else: b.write_bytes(a.read_bytes())
    return DB.load_ballroom(root)
for what in ("beats", "wav"):
    case(f"symlink_out_{what}", "load_ballroom", lambda tmp, what=what: ballroom_link(tmp, what), Err(DataError, "outside"))

def cached_clip(tmp, poison):
    "Load a DWM pair through a feature cache, `poison(npz path)` the cached entry, and load it again."
    p, c = dwm_pair(tmp), FeatureCache(Path(tmp) / "cache")
    first = DWM.load_dwm_clip(p, cache=c)
    poison(next((Path(tmp) / "cache").rglob("*.npz")))
    return first, DWM.load_dwm_clip(p, cache=c)
def _rewrite(f, **changes):
    z = dict(np.load(f, allow_pickle=False)); z.update(changes); np.savez(open(f, "wb"), **z)
SAME = Val("the clip recomputed, equal to the first load", lambda v: np.array_equal(v[0].motion, v[1].motion))
for name, (poison, exp) in {
        "garbage_bytes": (lambda f: f.write_bytes(b"\x00" * 100), SAME),
        "truncated": (lambda f: f.write_bytes(f.read_bytes()[:200]), SAME),
        "object_array": (lambda f: np.savez(open(f, "wb"), motion=np.array([None, 1], object)), SAME),
        "nan_motion": (lambda f: _rewrite(f, motion=np.full((60, 23, 3), np.nan, np.float32)), Err(DataError, "non-finite")),
        "string_audio": (lambda f: _rewrite(f, audio=np.array(["x"] * 10)), Err(DataError, "numeric")),
        "deep_json": (lambda f: _rewrite(f, **{"__json__:meta": np.array("[" * 100_000 + "]" * 100_000)}), SAME)}.items():
    case(f"cache_{name}", "load_dwm_clip", lambda tmp, poison=poison: cached_clip(tmp, poison), exp)

# --- running a case in a forked child under a memory cap -------------------------------------------------------------------
def _vm_bytes() -> int:
    "This process's virtual memory size (bytes)."
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"): return int(line.split()[1]) * 1024
    return 0

REGISTRY: dict[str, Case] = {}     # every case by id, known to the worker when it forks

def _attempt(c: Case, tmp: str):
    "Run case `c` with address space capped at the worker's size + MEM_LIMIT; how it ended, as (kind, info, pickled value)."
    os.environ.pop("DANCEBOOK_FOLLOW_SYMLINKS", None)
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    lim = _vm_bytes() + MEM_LIMIT
    resource.setrlimit(resource.RLIMIT_AS, (lim if hard == resource.RLIM_INFINITY else min(lim, hard), hard))
    try:
        v = c.run(tmp)
        try: return ("value", _summary(v), pickle.dumps(v))
        except Exception: return ("value", _summary(v), None)
    except MemoryError: return ("memory", "MemoryError", None)
    except BaseException as e:
        return ("raise", (type(e).__module__, type(e).__qualname__, isinstance(e, DancebookError), str(e)[:600]), None)
    finally: resource.setrlimit(resource.RLIMIT_AS, (hard, hard))

def _worker(conn):
    "A forked worker: run the cases whose ids arrive on `conn`, each in a fresh temp folder, until the pipe closes."
    while True:
        try: cid = conn.recv()
        except EOFError: return
        with tempfile.TemporaryDirectory() as tmp: conn.send(_attempt(REGISTRY[cid], tmp))

def _summary(v) -> str:
    return repr(v)[:200]

_POOL = {}
def _stop_worker():
    "End the worker (after a hang, a memory failure or a death, so the next case starts clean)."
    p = _POOL.pop("p", None)
    if p is not None: p.kill(); p.join()

def run_case(c: Case, timeout: float = TIME_LIMIT) -> tuple[str, str]:
    "How case `c` ended: ('ok', '') or (kind, detail), kind one of raw / silent / garbage / wrong / hang / memory."
    if "p" not in _POOL or not _POOL["p"].is_alive():
        _stop_worker()
        r, w = mp.get_context("fork").Pipe()
        _POOL["p"], _POOL["conn"] = mp.get_context("fork").Process(target=_worker, args=(w,), daemon=True), r
        _POOL["p"].start(); w.close()
    conn = _POOL["conn"]; conn.send(c.id)
    if not conn.poll(timeout):
        _stop_worker(); return "hang", f"no answer in {timeout} s"
    try: kind, info, blob = conn.recv()
    except EOFError: _stop_worker(); kind, info, blob = "memory", "worker died", None
    if kind == "memory": _stop_worker()
    return judge(c.expect, kind, info, blob)

def judge(expect, kind, info, blob) -> tuple[str, str]:
    "Compare how a case ended with what it expects."
    if kind == "memory": return "memory", str(info)
    if kind == "raise":
        mod, name, ours, msg = info
        if not ours: return "raw", f"{mod}.{name}: {msg[:200]}"
        if isinstance(expect, Err):
            cls = expect.cls.__name__
            if name != cls and not (name in ("DatasetNotFound",) and expect.cls is DataError and False):
                return "wrong", f"{name} (expected {cls}): {msg[:200]}"
            if not re.search(expect.match, msg, re.I): return "wrong", f"{name} message lacks /{expect.match}/: {msg[:200]}"
            return "ok", ""
        return "wrong", f"{name}: {msg[:200]} (expected {expect.what})"
    v = pickle.loads(blob) if blob is not None else None
    if isinstance(expect, Val):
        try: good = blob is not None and expect.ok(v)
        except Exception: good = False
        return ("ok", "") if good else ("garbage", f"{info} (expected {expect.what})")
    try: bad_number = not np.all(np.isfinite(np.asarray(v, float)))
    except Exception: bad_number = False
    return ("garbage" if bad_number else "silent"), f"returned {info}; expected {expect.cls.__name__} /{expect.match}/"

def warm_up():
    "Compile librosa's numba kernels in the parent once, so no forked child pays for it."
    A.audio_beats(Y, SR); MB.music_beats(Y, SR); MB.music_beats(Y, SR, convention="bailando"); MB.onset_bins(Y, SR)
    MB.onset_bins(Y, SR, convention="loris"); MH.harmony_metrics(Y, SR, MOT, FPS); MV.av_align(Y, SR, FRAMES, FPS)

REGISTRY.update((c.id, c) for c in CASES)

@pytest.fixture(scope="module", autouse=True)
def _warm():
    warm_up(); yield; _stop_worker()

def test_corpus_size():
    assert len(CASES) >= 250 and len({c.id for c in CASES}) == len(CASES)

@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_bad_input(c):
    kind, detail = run_case(c)
    assert kind == "ok", f"{kind}: {detail}"

# --- properties: any input either raises a dancebook error or gives a value in the documented range ----------------------------
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), st.sampled_from([0.0, -0.0, 1e-300, 1e300, -1e300]))
fps_s = st.one_of(st.sampled_from([0.0, -1.0, NAN, INF, 1e-9, 1e-3, 1e9, 1000.0, 1000.0001, 60.0, 30.0]),
                  st.floats(-10, 2000, allow_nan=False))

@st.composite
def motions(draw):
    "Motions `(T, J, 3)` with T in 0..40 and adversarial values (NaN, inf, huge, tiny) sprinkled in."
    T, J = draw(st.integers(0, 40)), draw(st.sampled_from([1, 2, 17]))
    scale = draw(st.sampled_from([1e-300, 1e-6, 1.0, 1e3, 1e6, 1e9]))
    m = np.random.default_rng(draw(st.integers(0, 2**16))).standard_normal((T, J, 3)) * scale
    for _ in range(draw(st.integers(0, 2))):
        if m.size: m.flat[draw(st.integers(0, m.size - 1))] = draw(floats)
    return m

@st.composite
def times(draw):
    "Beat times `(n,)` with n in 0..12, possibly NaN, inf, negative or huge."
    return np.array(draw(st.lists(st.one_of(st.floats(0, 5), floats), max_size=12)), float)

def in_range_or_error(f, ok=unit):
    "Call `f`: a dancebook error passes; any other exception, or a value failing `ok`, fails."
    try: v = f()
    except DancebookError: return
    assert ok(v), f"value {v!r} out of its documented range"

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))

def capped(test):
    "Run a hypothesis test body under the memory cap: the whole property in one forked child."
    c = Case(f"property:{test.__name__}", test.__name__, lambda tmp: test() or True, Val("no failure", lambda v: v is True))
    REGISTRY[c.id] = c
    def wrapper():
        kind, detail = run_case(c, timeout=120)
        assert kind == "ok", f"{kind}: {detail}"
    wrapper.__name__ = test.__name__
    return wrapper

@capped
@PROPS
@given(motions(), times(), fps_s, st.sampled_from(["mint", "bailando"]))
def test_bas_range(m, t, fps, conv):
    in_range_or_error(lambda: MB.beat_align_score(m, t, fps, convention=conv))

@capped
@PROPS
@given(motions(), times(), fps_s)
def test_s_ba_and_harmony_range(m, t, fps):
    in_range_or_error(lambda: MD.beat_alignment_rate(m, t, fps))
    in_range_or_error(lambda: MH.harmony_score(A.Beats(t, np.abs(t)), M.visual_beats(m, fps)))
    in_range_or_error(lambda: MH.hit_rate(A.Beats(t, np.ones(len(t))), M.visual_beats(m, fps)))

@capped
@PROPS
@given(times(), times(), st.one_of(floats, st.floats(0, 1)))
def test_harmony_of_beats_range(a, v, delta):
    in_range_or_error(lambda: MH.harmony_of_beats(A.Beats(a, np.ones(len(a))), A.Beats(v, np.abs(v), 0.0),
                                                  MH.HarmonyParams(delta=delta) if delta >= 0 else MH.HarmonyParams(),
                                                  duration=5.0),
                      lambda d: all(unit(d[k]) for k in ("harmony", "hit_rate", "chance_hit_rate")))

@capped
@PROPS
@given(motions(), fps_s)
def test_kinetic_and_pfc_finite(m, fps):
    fin = lambda v: bool(np.all(np.isfinite(v)))
    in_range_or_error(lambda: MM.kinetic_features(m, fps, compat=False), fin)
    in_range_or_error(lambda: MM.kinetic_features(m, fps), fin)
    in_range_or_error(lambda: MM.pfc(m, fps, skeleton="coco17") if m.shape[1:] == (17, 3) else 0.0, lambda v: np.isfinite(v) and v >= 0)
    in_range_or_error(lambda: M.visual_beats(m, fps), lambda b: bool(np.isfinite(b.times).all() and np.isfinite(b.saliency).all()))

@st.composite
def feature_sets(draw):
    n, d = draw(st.integers(0, 6)), draw(st.integers(1, 4))
    f = np.random.default_rng(draw(st.integers(0, 2**16))).standard_normal((n, d)) * draw(st.sampled_from([1e-300, 1.0, 1e150, 1e300]))
    for _ in range(draw(st.integers(0, 2))):
        if f.size: f.flat[draw(st.integers(0, f.size - 1))] = draw(floats)
    return f

@capped
@PROPS
@given(feature_sets(), feature_sets())
def test_fid_diversity_range(g, r):
    nonneg = lambda v: bool(np.isfinite(v) and v >= 0)
    in_range_or_error(lambda: MM.fid(g, r), lambda v: bool(np.isfinite(v)))
    in_range_or_error(lambda: MM.diversity(g), nonneg)
    in_range_or_error(lambda: MM.diversity(g, r), nonneg)

@capped
@PROPS
@given(st.lists(floats, min_size=0, max_size=40), st.sampled_from([0, -1, NAN, INF, 8000, 1e12]))
def test_audio_entry_points(samples, sr):
    y = np.array(samples, np.float32) if samples else np.zeros(0, np.float32)
    in_range_or_error(lambda: A.audio_beats(y, sr), lambda b: bool(np.isfinite(b.times).all()))
    in_range_or_error(lambda: MB.onset_bins(y, sr), lambda b: b.dtype == bool)

@capped
@PROPS
@given(floats, st.lists(floats, min_size=0, max_size=5))
def test_sync_stats(s, null):
    def ok(d): return np.isfinite(d["percentile"]) and 0 <= d["percentile"] <= 100 and 0 < d["p"] <= 1
    in_range_or_error(lambda: MS.shift_stats(s, null), ok)
    in_range_or_error(lambda: MS.corrected(s, null[0] if null else 0.0), lambda c: not np.isnan(c) and c <= 1)

@capped
@PROPS
@given(motions(), motions(), times(), fps_s)
def test_danceit_and_2d_range(m, other, t, fps):
    fin = lambda v: bool(np.isfinite(v) and v >= 0)
    pct = lambda h: bool(np.isfinite(h).all() and (h >= 0).all() and (abs(h.sum() - 100) < 1e-6 or h.sum() == 0))
    in_range_or_error(lambda: MB.mm_align_2d(m[..., :2], t, fps))
    if m.shape[1:] == other.shape[1:] == (17, 3):
        in_range_or_error(lambda: MD.mdd(m, other, "coco17", fps), fin)
        in_range_or_error(lambda: MD.sdd(m, other, "coco17", fps), fin)
        in_range_or_error(lambda: MD.moving_distribution(m, "coco17", fps), pct)

@st.composite
def videos(draw):
    "uint8 frames `(T, 8, 8, 3)` with T in 0..5, or a float / wrong-shaped array."
    T = draw(st.integers(0, 5)); f = np.random.default_rng(draw(st.integers(0, 2**16))).integers(0, 256, (T, 8, 8, 3))
    return draw(st.sampled_from([f.astype(np.uint8), f.astype(np.float32), f[..., :1].astype(np.uint8)]))

@capped
@PROPS
@given(videos(), videos(), fps_s)
def test_video_range(f, g, fps):
    in_range_or_error(lambda: MV.psnr(f, g), lambda v: bool(0 <= v <= 100))
    in_range_or_error(lambda: MV.ssim(f, g), lambda v: bool(-1 <= v <= 1))
    in_range_or_error(lambda: MV.video_peaks(f, fps), lambda v: bool(np.isfinite(v).all() and (v >= 0).all()))
    in_range_or_error(lambda: MV.av_align(Y, SR, f, fps))

def summary(cases=CASES) -> dict:
    "Run every case and count how each ended (`python tests/test_bad_inputs.py`)."
    warm_up()
    out, took = {}, {}
    for c in cases:
        t0 = time.perf_counter(); kind, detail = run_case(c); took[c.id] = time.perf_counter() - t0
        out.setdefault(kind, []).append((c.id, detail))
    slow = sorted(took, key=took.get, reverse=True)[:12]
    print("slowest:", ", ".join(f"{i} {took[i]:.2f}s" for i in slow), f"\ntotal {sum(took.values()):.1f}s")
    return out

if __name__ == "__main__":
    res = summary([c for c in CASES if len(sys.argv) < 2 or re.search(sys.argv[1], c.id)])
    for kind, items in sorted(res.items()):
        print(f"== {kind}: {len(items)}")
        if kind != "ok":
            for i, d in items: print(f"  {i}: {d}")
    print({k: len(v) for k, v in res.items()}, "of", sum(len(v) for v in res.values()))
