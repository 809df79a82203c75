"""AV-Align, flow peaks, PSNR, SSIM."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dancebook.core import DataError
from dancebook.metrics.video import av_iou, av_align, video_peaks, flow_magnitudes, psnr, ssim

def square(xs, size=32):
    f = np.zeros((len(xs), size, size, 3), np.uint8)
    for t, x in enumerate(xs): f[t, 12:20, x:x + 8] = 255
    return f

XS = [4, 4, 4, 10, 10, 10, 10, 16, 16, 16]

def test_flow_peaks():
    assert np.round(video_peaks(square(XS), 10), 3).tolist() == [0.3, 0.7]
    assert len(video_peaks(square(XS), 10, min_peak=1e6)) == 0
    assert len(flow_magnitudes(square(XS), duplicate_first=False)) == 9
    assert len(video_peaks(square([4] * 6), 10)) == 0                 # still video: no peaks

def test_av_iou_by_hand():
    assert av_iou([0.3, 0.7], [0.3, 0.7], 0.1) == 1.0
    assert av_iou([0.3, 0.7, 1.5], [0.32, 0.9], 0.1) == pytest.approx(0.25)
    assert av_iou([0.3], [0.4], 0.1) == 0.0                            # the window is strict
    assert av_iou([], [], 0.1) == 0.0 and av_iou([0.3], [], 0.1) == 0.0

@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 10), max_size=15), st.lists(st.floats(0, 10), max_size=15), st.floats(-5, 5))
def test_av_iou_range_and_shift(a, v, dt):
    s = av_iou(sorted(a), sorted(v), 0.04)
    assert 0.0 <= s <= 1.0
    a2, v2 = np.round(np.add(sorted(a), dt), 6), np.round(np.add(sorted(v), dt), 6)
    s2 = av_iou(a2, v2, 0.04)
    assert s2 == pytest.approx(av_iou(np.round(sorted(a), 6), np.round(sorted(v), 6), 0.04)) or abs(s2 - s) <= 1

def test_av_align_end_to_end():
    sr = 22050
    y = np.zeros(sr, np.float32); y[[int(0.3 * sr), int(0.7 * sr)]] = 1
    y = np.convolve(y, np.exp(-np.arange(300) / 30))[:sr].astype(np.float32)
    assert av_align(y, sr, square(XS), 10) == pytest.approx(1.0)
    assert av_align(np.zeros(sr, np.float32), sr, square([4] * 10), 10) == 0.0

def test_psnr_ssim():
    f = square(XS)
    assert psnr(np.ones_like(f), np.zeros_like(f)) == pytest.approx(20 * np.log10(255))
    assert psnr(f, f) == 100.0 and ssim(f, f) == pytest.approx(1.0)
    assert -1 <= ssim(f, square([x + 3 for x in XS])) < 0.95
    with pytest.raises(DataError, match="shape"): psnr(f, f[:3])
    with pytest.raises(DataError, match="uint8"): ssim(f.astype(float), f)
