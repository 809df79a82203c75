"""2-D pose from videos (issue 20): the loader's side (sidecar files, frame-count alignment, missed detections), which
needs nothing but the project's environment, and the estimator's side (PCK on rendered SynthDance videos, the CLI,
truncated videos), which needs the pose environment (`make pose-env`) and skips cleanly without it."""
import subprocess, warnings
from pathlib import Path
import numpy as np, pytest, soundfile as sf
import imageio_ffmpeg

from dancebook.cli import main
from dancebook.core import ConfigError, DataError
from dancebook.data.io import write_ramp_video
from dancebook.data.synth import synth_clip
from dancebook.data.video import load_video_folder
from dancebook.pose import (KeypointWarning, PoseEnvError, extract, pck, pose_available, read_pose, sidecar_path, write_pose)
from dancebook.render import AvatarStyle, render_avatar, write_clip_video
from dancebook.skeleton import convert_motion

needs_pose = pytest.mark.skipif(not pose_available(), reason="pose environment not built (make pose-env): estimator tests skipped")
N, FPS, SIZE = 20, 10.0, (64, 48)

@pytest.fixture
def folder(tmp_path):
    "A folder with one 20-frame 64x48 video at 10 fps and its music."
    sf.write(tmp_path / "a.wav", 0.2 * np.sin(np.arange(16000) / 5), 8000)
    write_ramp_video(tmp_path / "a.mp4", n=N, fps=FPS, size=SIZE)
    return tmp_path

def keypoints(n, joints=33):
    "Keypoints moving right by one pixel a frame (x = 10 + t, y = 20), full confidence."
    kp = np.zeros((n, joints, 2), np.float32); kp[..., 0] = 10 + np.arange(n)[:, None]; kp[..., 1] = 20
    return kp, np.full((n, joints), 0.9, np.float32)

def load_quiet(root, **kw):
    "load_video_folder with its KeypointWarnings recorded: (clips, warnings)."
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        clips = load_video_folder(root, **kw)
    return clips, [x for x in w if issubclass(x.category, KeypointWarning)]

# ---- the loader's side: no pose environment needed ----

@pytest.mark.parametrize("off", [-2, -1, 1, 2])
@pytest.mark.parametrize("kind", ["sidecar", "npy"])
def test_keypoints_within_two_frames_are_aligned_with_a_warning(folder, off, kind):
    kp, conf = keypoints(N + off, 33 if kind == "sidecar" else 17)
    if kind == "sidecar": write_pose(sidecar_path(folder / "a.mp4"), kp, conf, FPS, SIZE)
    else: np.save(folder / "a.npy", np.concatenate([kp, conf[..., None]], -1))
    clips, warned = load_quiet(folder)
    k = clips[0].keypoints2d
    assert k.shape == (N, 17, 2) and np.isfinite(k).all() and len(warned) >= 1
    assert "keypoint frames for 20 video frames" in str(warned[0].message)
    n = min(N, N + off)
    assert np.allclose(k[:n, 0, 0], 10 + np.arange(n))                 # the rows that exist are the file's own
    if off < 0:                                                        # the missing last rows hold the last one, confidence 0
        assert np.allclose(k[n:, 0, 0], 10 + n - 1) and not clips[0].meta["keypoint_confidence"][n:].any()

@pytest.mark.parametrize("off", [-3, 3, -10])
def test_keypoints_three_or_more_frames_off_are_an_error(folder, off):
    kp, conf = keypoints(N + off)
    write_pose(sidecar_path(folder / "a.mp4"), kp, conf, FPS, SIZE)
    with pytest.raises(DataError, match="more than ±2 frames apart"):
        load_video_folder(folder)

def test_exact_frame_count_loads_without_warning(folder):
    write_pose(sidecar_path(folder / "a.mp4"), *keypoints(N), FPS, SIZE)
    clips, warned = load_quiet(folder)
    assert not warned and clips[0].meta["keypoint_layout"] == "coco17" and "mediapipe" in clips[0].meta["keypoint_estimator"]
    assert clips[0].to_dance_clip().motion.shape == (N, 17, 3)
    assert load_video_folder(folder, skeleton=None)[0].keypoints2d.shape == (N, 33, 2)   # the estimator's own layout

def test_missed_detections_are_interpolated_never_zero(folder):
    kp, conf = keypoints(N)
    kp[5:7] = np.nan; conf[5:7] = 0                                    # nobody found for 0.2 s: interpolated
    write_pose(sidecar_path(folder / "a.mp4"), kp, conf, FPS, SIZE)
    clips, warned = load_quiet(folder)
    k, c = clips[0].keypoints2d, clips[0].meta["keypoint_confidence"]
    assert np.allclose(k[5:7, :, 0], [[15], [16]]) and np.allclose(k[5:7, :, 1], 20)
    assert not c[5:7].any() and (c[:5] > 0).all() and not warned
    assert clips[0].meta["keypoint_gaps"]["interpolated"] == 2 * 17

def test_long_gaps_are_held_with_a_warning_or_refused(folder):
    kp, conf = keypoints(N)
    kp[4:12] = np.nan; conf[4:12] = 0; kp[:2] = np.nan; conf[:2] = 0   # 0.8 s in the middle, and the first two frames
    write_pose(sidecar_path(folder / "a.mp4"), kp, conf, FPS, SIZE)
    clips, warned = load_quiet(folder)
    k = clips[0].keypoints2d
    assert np.allclose(k[4:12, :, 0], 13) and np.allclose(k[:2, :, 0], 12)   # held at the last / first detection
    assert warned and "were held at the nearest detection" in str(warned[0].message)
    assert (np.abs(k) > 1).all()                                        # nothing at (0, 0)
    with pytest.raises(DataError, match=r"missing for 2 frames \(0..1\), at the start of the clip"):
        load_video_folder(folder, long_gaps="error")
    kp[:2], conf[:2] = keypoints(2)
    write_pose(sidecar_path(folder / "a.mp4"), kp, conf, FPS, SIZE)
    with pytest.raises(DataError, match=r"missing for 8 frames \(4..11\), more than the 2 frames \(0.25 s\)"):
        load_video_folder(folder, long_gaps="error")

def test_no_detection_at_all_skips_the_video(folder):
    kp, conf = keypoints(N); kp[:] = np.nan; conf[:] = 0
    write_pose(sidecar_path(folder / "a.mp4"), kp, conf, FPS, SIZE)
    clips = load_video_folder(folder)
    assert not len(clips) and list(clips.skipped.values()) == ["no person detected in any frame of a.pose.npz"]

def test_openpose_zeros_in_an_npy_file_are_missing_not_the_corner(folder):
    kp, conf = keypoints(N, 17); kp[8, 3] = 0; conf[8, 3] = 0          # OpenPose writes an undetected joint as (0, 0, 0)
    np.save(folder / "a.npy", np.concatenate([kp, conf[..., None]], -1))
    k = load_quiet(folder)[0][0].keypoints2d
    assert np.allclose(k[8, 3], [18, 20])

def test_bad_sidecars_are_clear_errors(folder):
    side = sidecar_path(folder / "a.mp4")
    side.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DataError, match="not a dancebook pose file"): load_video_folder(folder)
    write_pose(side, *keypoints(N), 25.0, SIZE)
    with pytest.raises(DataError, match="at 25 fps but the video runs at 10 fps"): load_video_folder(folder)
    write_pose(side, *keypoints(N), FPS, (128, 96))
    with pytest.raises(DataError, match="keypoints are for"): load_video_folder(folder)
    np.savez(side, keypoints=np.zeros((N, 17, 2)), confidence=np.ones((N, 17)), fps=FPS, layout="mediapipe33")
    with pytest.raises(DataError, match="do not fit layout 'mediapipe33'"): read_pose(side)

def test_empty_and_non_video_files_are_clear_errors_before_the_estimator(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "junk.mp4").write_bytes(b"\x00" * 1000)
    with pytest.raises(DataError, match="empty.mp4: video file is empty"): extract(tmp_path / "empty.mp4")
    with pytest.raises(DataError, match="junk.mp4: corrupt or not a video file"): extract(tmp_path / "junk.mp4")
    with pytest.raises(ConfigError, match="fails offline"): extract(tmp_path / "junk.mp4", model_complexity=2)

def test_missing_pose_env_says_how_to_build_it(folder, monkeypatch, capsys):
    monkeypatch.setenv("DANCEBOOK_POSE_PYTHON", str(folder / "no-such-python"))
    with pytest.raises(PoseEnvError, match="make pose-env"): extract(folder / "a.mp4")
    assert main(["pose", str(folder)]) == 2 and "make pose-env" in capsys.readouterr().err

def test_pck_counts_misses_as_wrong():
    true = np.zeros((2, 2, 2)); true[:, 1] = [0, 100]                   # body size 100 px
    pred = true + [[[5, 0]], [[20, 0]]]; pred[1, 1] = np.nan
    assert pck(pred, true).tolist() == [0.5, 0.5]

# ---- the estimator's side: needs the pose environment ----

def truncated_copy(video, out, frac=0.5):
    "A copy of `video` with its index at the front (as streamed mp4s have) cut to `frac` of its bytes."
    full = out.with_name("faststart.mp4")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(video), "-c", "copy",
                    "-movflags", "+faststart", str(full)], check=True)
    b = full.read_bytes(); out.write_bytes(b[:int(len(b) * frac)]); full.unlink()
    return out

@needs_pose
def test_truncated_video_is_a_clear_error(tmp_path):
    clip = synth_clip("house", seconds=2.0, seed=1, skeleton="dwm23", render=True, resolution=128)
    video = write_clip_video(clip.frames, tmp_path / "full.mp4", fps=clip.fps)
    with pytest.raises(DataError, match="truncated or damaged"):
        extract(truncated_copy(video, tmp_path / "cut.mp4"), progress=False)

def rendered_pop(tmp_path, name="pop.mp4"):
    "A 3 s SynthDance pop dance, default avatar, front camera, 256 px, as an mp4 with its music: (path, clip, true COCO-17)."
    clip = synth_clip("pop", seconds=3.0, seed=0, skeleton="dwm23")
    frames, kp = render_avatar(clip.motion, "dwm23", resolution=256, camera="front", style=AvatarStyle(), seed=0)
    video = write_clip_video(frames, tmp_path / name, fps=clip.fps, audio=clip.audio, sr=clip.sr)
    return video, clip, convert_motion(kp, "dwm23", "coco17")

@needs_pose
def test_estimates_land_on_the_rendered_dancer(tmp_path):
    """On a rendered SynthDance video the estimator finds the avatar and its estimate lies on it: the upper body's
    centre within 0.15 x body size of the truth's. (Its PCK@0.1 there is low, see 15_pose_check: MediaPipe places the
    avatar's legs inside its torso; this test guards the pipeline's frames, pixels and layout, not MediaPipe.)"""
    video, clip, true = rendered_pop(tmp_path)
    est, conf, fps = extract(video, skeleton="coco17", progress=False)
    assert est.shape == true.shape and conf.shape == true.shape[:2] and fps == clip.fps
    found = np.isfinite(est[:, 0, 0])
    assert found.mean() > 0.4 and (conf[~found] == 0).all() and (conf[found] > 0).any()
    size = (true.max(1) - true.min(1)).max(-1)[found]
    upper = slice(5, 13)                                               # shoulders, elbows, wrists, hips
    off = np.linalg.norm(est[found, upper].mean(1) - true[found, upper].mean(1), axis=-1) / size
    assert np.median(off) < 0.15, np.median(off)
    mirrored = est[found][:, :, ::-1]                                  # x and y swapped: a pipeline bug would look like this
    assert np.median(np.linalg.norm(mirrored[:, upper].mean(1) - true[found, upper].mean(1), axis=-1) / size) > np.median(off)
    assert 0 <= pck(est[:, 5:], true[:, 5:]).mean() <= 1

@needs_pose
def test_cli_writes_sidecars_the_loader_reads(tmp_path, capsys):
    video, clip, true = rendered_pop(tmp_path, "waltz.mp4")
    (tmp_path / "broken.mp4").write_bytes(b"\x00" * 500)
    assert main(["pose", str(tmp_path)]) == 1                         # one video failed, the other has keypoints
    out = capsys.readouterr().out
    assert "broken.mp4: failed" in out and "1 of 2 videos have keypoints" in out
    side = read_pose(tmp_path / "waltz.pose.npz")
    assert side["keypoints"].shape == (len(true), 33, 2) and side["estimator_version"] == "0.10.21"
    (tmp_path / "broken.mp4").unlink()
    clips, _ = load_quiet(tmp_path)
    assert clips[0].keypoints2d.shape == (len(true), 17, 2) and np.isfinite(clips[0].keypoints2d).all()
    assert main(["pose", str(tmp_path)]) == 0 and "kept waltz.pose.npz" in capsys.readouterr().out
