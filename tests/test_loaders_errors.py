"""Broken inputs: each raises a dancebook error naming the file and the problem, before any clip is built."""
import json, pickle
from pathlib import Path
import numpy as np, pytest, soundfile as sf
from dancebook.core import DataError, DatasetNotFound
from dancebook.data.io import load_audio, read_video
from dancebook.data.dwm import load_dwm, load_dwm_clip, save_dwm_pair
from dancebook.data.ballroom import load_ballroom, read_beats
from dancebook.data.video import load_video_folder
from dancebook.data.aistpp import load_aistpp

SR = 22050

@pytest.fixture
def pair(tmp_path):
    "A valid 4 s DWM pair (100 frames danced from frame 25 of an 8 s song)."
    m = np.random.default_rng(0).standard_normal((100, 23, 3)).astype(np.float32)
    song = 0.1 * np.random.default_rng(1).standard_normal(8 * SR).astype(np.float32)
    return save_dwm_pair(tmp_path / "DANCE_C_1", m, song, SR, start=25)

def test_valid_pair_loads(pair):
    c = load_dwm_clip(pair, cache=False)
    assert c.n_frames == 100 and abs(c.audio_duration - 4.0) < 1e-3

def test_truncated_mp3(pair):
    b = (pair / "audio.mp3").read_bytes(); (pair / "audio.mp3").write_bytes(b[: len(b) // 3])
    with pytest.raises(DataError, match=r"DANCE_C_1/audio\.mp3: truncated audio"): load_dwm_clip(pair, cache=False)

@pytest.mark.parametrize("name", ["config.json", "skeletons.json"])
def test_invalid_json(pair, name):
    (pair / name).write_text('{"start_position": 1,')
    with pytest.raises(DataError, match=rf"DANCE_C_1/{name} is not valid JSON"): load_dwm_clip(pair, cache=False)

def test_skeleton_length_differs_grossly_from_config_span(pair):
    (pair / "config.json").write_text(json.dumps({"start_position": 25, "end_position": 225}))
    with pytest.raises(DataError, match=r"skeletons\.json: skeleton has 100 frames but config\.json spans 200"):
        load_dwm_clip(pair, cache=False)

def test_small_span_mismatch_loads(pair):
    "Like the real release (skeleton up to 2.2 % shorter than the span): loads, mismatch recorded."
    (pair / "config.json").write_text(json.dumps({"start_position": 25, "end_position": 128}))
    assert load_dwm_clip(pair, cache=False).meta["span_mismatch_frames"] == -3

@pytest.mark.parametrize("bad", ["NaN", "null"])
def test_nan_joints(pair, bad):
    sk = json.loads((pair / "skeletons.json").read_text())
    text = json.dumps(sk).replace(str(sk["skeletons"][7][4][1]), bad, 1)
    (pair / "skeletons.json").write_text(text)
    with pytest.raises(DataError, match=r"skeletons\.json has 1 non-finite joint values \(first at frame 7, joint 4\)"):
        load_dwm_clip(pair, cache=False)

def test_missing_file(pair):
    (pair / "audio.mp3").unlink()
    with pytest.raises(DatasetNotFound, match=r"audio\.mp3: file is missing"): load_dwm_clip(pair, cache=False)

def test_beats_file_with_text(tmp_path):
    p = tmp_path / "Media-1.beats"; p.write_text("1.86 1\n2.62 two\n")
    with pytest.raises(DataError, match=r"Media-1\.beats: line 2: expected 'time_in_seconds beat_in_bar'"): read_beats(p)

@pytest.mark.parametrize("loader", [load_dwm, load_ballroom, load_aistpp, load_video_folder])
def test_empty_folder(tmp_path, loader):
    with pytest.raises(DataError, match=str(tmp_path)): loader(tmp_path)

@pytest.mark.parametrize("loader", [load_dwm, load_ballroom, load_aistpp, load_video_folder])
def test_missing_folder(tmp_path, loader):
    with pytest.raises(DatasetNotFound): loader(tmp_path / "nope")

def test_audio_empty_silent_corrupt(tmp_path):
    (tmp_path / "e.wav").write_bytes(b"")
    sf.write(tmp_path / "s.wav", np.zeros(1000), 8000)
    (tmp_path / "c.wav").write_bytes(b"RIFF" + b"\x00" * 60)
    with pytest.raises(DataError, match=r"e\.wav: audio file is empty"): load_audio(tmp_path / "e.wav")
    with pytest.raises(DataError, match=r"s\.wav: audio is silent"): load_audio(tmp_path / "s.wav")
    with pytest.raises(DataError, match=r"c\.wav: corrupt"): load_audio(tmp_path / "c.wav")

def test_corrupt_video(tmp_path):
    (tmp_path / "v.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"junk" * 100)
    with pytest.raises(DataError, match=r"v\.mp4: corrupt or not a video file"): read_video(tmp_path / "v.mp4")
    with pytest.raises(DataError, match=r"v\.mp4: corrupt"): load_video_folder(tmp_path)
