"""Ballroom (the real clip when ../shared/data is present; small folders otherwise) and folders of dance videos."""
import json
from functools import partial
from pathlib import Path
import numpy as np, pytest, soundfile as sf
from dancebook.core import DataError
from dancebook.data.ballroom import load_ballroom, MusicClip
from dancebook.data.io import write_ramp_video
from dancebook.data.video import load_video_folder, VideoClip

BALLROOM = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ballroom"

@pytest.mark.skipif(not BALLROOM.is_dir(), reason="../shared/data not found: real Ballroom test skipped")
def test_real_ballroom_clip_and_skipped_count():
    clips = load_ballroom(BALLROOM)
    assert len(clips) == 1 and len(clips.skipped) == 697
    c = clips[0]
    assert isinstance(c, MusicClip) and c.genre == "waltz" and c.meter == 3 and abs(c.duration - 31.8) < 0.1
    assert len(c.beats) == 40 and 0 < c.beats[0] < c.beats[-1] <= c.duration
    assert 60 < c.tempo < 100 and set(np.round(np.diff(c.downbeats) / np.median(np.diff(c.beats)))) == {3}

def test_ballroom_genres_from_folders(tmp_path):
    for folder, track in [("ChaChaCha", "a"), ("Rumba-Misc", "b"), ("VienneseWaltz", "c")]:
        (tmp_path / "BallroomData" / folder).mkdir(parents=True)
        sf.write(tmp_path / "BallroomData" / folder / f"{track}.wav", 0.1 * np.ones(8000 * 2), 8000)
    (tmp_path / "BallroomAnnotations").mkdir()
    for t in "abcd": (tmp_path / "BallroomAnnotations" / f"{t}.beats").write_text("0.5 1\n1.0 2\n1.5 3\n")
    clips = load_ballroom(tmp_path)
    assert [c.genre for c in clips] == ["chacha", "rumba", "viennese_waltz"] and list(clips.skipped) == ["d"]

video = partial(write_ramp_video, n=15, fps=15, size=(48, 32), step=15)

def test_video_folder(tmp_path):
    sf.write(tmp_path / "song.wav", 0.2 * np.sin(np.arange(16000) / 5), 16000)
    video(tmp_path / "own_track.mp4", audio=str(tmp_path / "song.wav"))
    video(tmp_path / "sibling.avi"); sf.write(tmp_path / "sibling.wav", 0.2 * np.ones(8000), 8000)
    (tmp_path / "sibling.json").write_text(json.dumps({"keypoints2d": np.full((15, 17, 3), 5.0).tolist()}))
    video(tmp_path / "mute.mp4")
    clips = load_video_folder(tmp_path)
    assert [Path(c.source).name for c in clips] == ["own_track.mp4", "sibling.avi"]
    assert [Path(k).name for k in clips.skipped] == ["mute.mp4"]
    a, b = clips
    assert isinstance(a, VideoClip) and a.frames.shape == (15, 32, 48, 3) and a.fps == 15 and a.keypoints2d is None
    assert abs(len(a.audio) / a.sr - a.duration) < 1 / 15 and b.sr == 8000
    assert np.allclose(b.keypoints2d, 5) and b.meta["keypoint_confidence"].shape == (15, 17)
    d = b.to_dance_clip()
    assert d.motion.shape == (15, 17, 3) and np.allclose(d.motion[..., 1], 32 - 5) and d.frames is b.frames

def test_video_shorter_music_is_reported(tmp_path):
    video(tmp_path / "v.mp4"); sf.write(tmp_path / "v.wav", 0.2 * np.ones(800), 8000)   # 0.1 s of music, 1 s of video
    with pytest.raises(DataError, match=r"v\.wav: music is 0\.10s but .*v\.mp4 is 1\.00s"):
        load_video_folder(tmp_path)
