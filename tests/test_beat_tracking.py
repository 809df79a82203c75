"""Beat tracking: the tracker's default envelope, the BAS conventions' envelopes left as their references have them,
rendered compositions with exact beats, and the real Ballroom clip (skipped without ../shared/data)."""
from pathlib import Path
import numpy as np, pytest, librosa, mir_eval
from dancebook.core import ConfigError, DataError
from dancebook.audio import audio_beats, onset_envelope, BEAT_METHODS
from dancebook.metrics.beats import music_beats
from dancebook.data.cache import FeatureCache
from dancebook.data.ballroom import load_ballroom
from dancebook.data.scores import score_clip, score_events, render_additive, find_soundfont
from dancebook.data.synth import synth_clip

BALLROOM = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ballroom"

def f_measure(ref, est): return mir_eval.beat.f_measure(mir_eval.beat.trim_beats(ref), mir_eval.beat.trim_beats(np.asarray(est)))

@pytest.mark.parametrize("convention", ["mint", "bailando"])
def test_music_beats_keep_their_reference_envelopes(convention):
    # the AIST++ and Bailando pipelines written out with librosa: mean (or percussive median) flux at 60 fps, beat_track
    c = synth_clip("samba", 8.0, seed=2, fps=10)
    y, sr, hop = c.audio, c.sr, round(c.sr / 60)
    x = librosa.effects.percussive(y) if convention == "bailando" else y
    env = librosa.onset.onset_strength(y=x, sr=sr, hop_length=hop, aggregate=np.median if convention == "bailando" else np.mean)
    ref = librosa.frames_to_time(librosa.beat.beat_track(onset_envelope=env, sr=sr, hop_length=hop, start_bpm=120.0,
                                                         tightness=100.0)[1], sr=sr, hop_length=hop)
    np.testing.assert_array_equal(music_beats(y, sr, convention=convention), ref)

def test_tracker_reads_both_envelopes_by_default():
    assert BEAT_METHODS == {"onset": "mean", "peaks": "mean", "track": "both"}
    c = synth_clip("tango", 10.0, seed=1, fps=10)
    both = audio_beats(c.audio, c.sr, method="track", env=onset_envelope(c.audio, c.sr, aggregate="both")[0])
    np.testing.assert_array_equal(audio_beats(c.audio, c.sr, method="track").times, both.times)
    # the onset picker still reads the mean envelope (HarmoGAN's harmony score depends on it)
    np.testing.assert_array_equal(audio_beats(c.audio, c.sr).times, audio_beats(c.audio, c.sr, aggregate="mean").times)

@pytest.mark.parametrize("genre", ["waltz", "quickstep"])
def test_tracker_not_below_librosa_on_synthdance(genre):
    # the slowest (84-90 BPM, 3/4) and fastest (196-208 BPM) SynthDance genres
    c = synth_clip(genre, 20.0, seed=0, fps=10)
    ours = f_measure(c.beats, audio_beats(c.audio, c.sr, method="track").times)
    plain = f_measure(c.beats, librosa.beat.beat_track(y=c.audio, sr=c.sr, units="time")[1])
    assert ours >= plain - 0.02, (ours, plain)

def test_rendered_chorale_beats_are_found(tmp_path):
    c = score_clip("bach/bwv66.6", 100, seconds=20, renderer="additive", cache=FeatureCache(tmp_path))
    assert c.meta["renderer"] == "additive" and c.meter == 4 and c.tempo == 100
    np.testing.assert_allclose(np.diff(c.beats), 0.6, atol=1e-6)
    assert f_measure(c.beats, audio_beats(c.audio, c.sr, method="track").times) > 0.9

def test_score_rendering_errors(tmp_path):
    with pytest.raises(DataError, match="no piece"): score_events("bach/not_a_chorale", 100)
    with pytest.raises(ConfigError, match="bpm"): score_events("bach/bwv66.6", 1000)
    with pytest.raises(ConfigError, match="renderer"): score_clip("bach/bwv66.6", 100, renderer="fluid", cache=FeatureCache(tmp_path))
    if find_soundfont() is None:
        with pytest.raises(ConfigError, match="soundfont"): score_clip("bach/bwv66.6", 100, renderer="sf2", cache=FeatureCache(tmp_path))

def test_additive_render_places_attacks_at_note_onsets():
    notes = np.array([[0.5, 0.2, 69, 0.8], [1.5, 0.2, 72, 0.8]])
    y = render_additive(notes, 8000, 2.0)
    assert y.shape == (16000,) and y.dtype == np.float32
    for start in (4000, 12000):                  # silence before each note (the first ends by 1.0 s), sound within 12.5 ms
        assert np.abs(y[start - 990:start]).max() == 0 and np.abs(y[start:start + 100]).max() > 0.3

@pytest.mark.skipif(find_soundfont() is None, reason="no GM soundfont or tinysoundfont: the sf2 renderer is optional")
def test_sf2_render(tmp_path):
    c = score_clip("ryansMammoth/AcaciaReel", 120, seconds=8, renderer="sf2", cache=FeatureCache(tmp_path))
    assert c.meta["renderer"] == "sf2" and np.abs(c.audio).max() > 0.5

@pytest.mark.skipif(not BALLROOM.is_dir(), reason="../shared/data not found: real Ballroom test skipped")
def test_real_waltz_is_not_doubled():
    # the mean envelope alone tracked this 84-BPM waltz at double tempo at 44.1 kHz (F 0.653); plain librosa: 0.955
    c = load_ballroom(BALLROOM)[0]
    assert c.sr == 44100
    est = audio_beats(c.audio, c.sr, method="track").times
    assert f_measure(c.beats, est) > 0.9
    assert np.median(np.diff(est)) == pytest.approx(np.median(np.diff(c.beats)), rel=0.05)
