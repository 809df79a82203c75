"""Faithful transcriptions of the reference metric code that dancebook's compat settings reproduce.

Used by tests/test_metrics_conformance.py and benchmarks/conformance_speed.py. Each function is the
reference's code with only its file and model I/O removed; every deviation is marked `# dancebook:`.
"""
import numpy as np
import scipy.signal as scisignal
from scipy.ndimage import gaussian_filter as G
from scipy.signal import argrelextrema


# --- google-research/mint, tools/calculate_beat_scores.py (AIST++ / FACT Beat Align Score) ----------

def mint_motion_peak_onehot(joints):
    """Calculate motion beats.
    Kwargs:
        joints: [nframes, njoints, 3]
    Returns:
        - peak_onhot: motion beats.
    """
    # Calculate velocity.
    velocity = np.zeros_like(joints, dtype=np.float32)
    velocity[1:] = joints[1:] - joints[:-1]
    velocity_norms = np.linalg.norm(velocity, axis=2)
    envelope = np.sum(velocity_norms, axis=1)  # (seq_len,)

    # Find local minima in velocity -- beats
    peak_idxs = scisignal.argrelextrema(envelope, np.less, axis=0, order=10) # 10 for 60FPS
    peak_onehot = np.zeros_like(envelope, dtype=bool)
    peak_onehot[peak_idxs] = 1
    return peak_onehot


def mint_alignment_score(music_beats, motion_beats, sigma=3):
    """Calculate alignment score between music and motion."""
    if motion_beats.sum() == 0:
        return 0.0
    music_beat_idxs = np.where(music_beats)[0]
    motion_beat_idxs = np.where(motion_beats)[0]
    score_all = []
    for motion_beat_idx in motion_beat_idxs:
        dists = np.abs(music_beat_idxs - motion_beat_idx).astype(np.float32)
        ind = np.argmin(dists)
        score = np.exp(- dists[ind]**2 / 2 / sigma**2)
        score_all.append(score)
    return sum(score_all) / len(score_all)


def mint_bas(keypoints3d, music_onehot):
    "main()'s real-data branch: music beats (one-hot 60 fps frames) cropped to the motion's length."
    motion_beats = mint_motion_peak_onehot(keypoints3d)
    audio_beats = music_onehot[:keypoints3d.shape[0]]
    return mint_alignment_score(audio_beats, motion_beats, sigma=3)


# --- lisiyao21/Bailando, utils/beat_align_score.py (Bailando Beat Align Score) ------------------------

def bailando_get_mb(music_onehot, length=None):
    "get_mb with the JSON file replaced by its `music_array[:, 53]` column (one-hot beat frames)."
    if length is not None:
        beats = np.array(music_onehot)[:][:length]
    else:
        beats = np.array(music_onehot)
    beats = beats.astype(bool)
    beat_axis = np.arange(len(beats))
    beat_axis = beat_axis[beats]
    return beat_axis


def bailando_calc_db(keypoints, name=''):
    keypoints = np.array(keypoints).reshape(len(keypoints), -1, 3)   # dancebook: reshape(-1, 24, 3), any joint count
    kinetic_vel = np.mean(np.sqrt(np.sum((keypoints[1:] - keypoints[:-1]) ** 2, axis=2)), axis=1)
    kinetic_vel = G(kinetic_vel, 5)
    motion_beats = argrelextrema(kinetic_vel, np.less)
    return motion_beats, len(kinetic_vel)


def bailando_BA(music_beats, motion_beats):
    ba = 0
    for bb in music_beats:
        ba +=  np.exp(-np.min((motion_beats[0] - bb)**2) / 2 / 9)
    return (ba / len(music_beats))


def bailando_bas(keypoints, music_onehot):
    "calc_ba_score's body for one clip: music beats cropped to the envelope's length T-1."
    dance_beats, length = bailando_calc_db(keypoints)
    music_beats = bailando_get_mb(music_onehot, length)
    return bailando_BA(music_beats, dance_beats)


# --- google/aistplusplus_api, aist_plusplus/features/kinetic.py and features/utils.py ----------------
# utils.py at commit 74fac6d38fe446237b4d7fbbb2c120cc47f07b2e (the misplaced division in v1; fixed later,
# `fixed=True` below reproduces the later version). KineticFeatures defaults: frame_time 1/60, up_vec "y".

def aist_calc_average_velocity_horizontal(positions, i, joint_idx, sliding_window, frame_time, up_vec="z"):
    current_window = 0
    average_velocity = np.zeros(len(positions[0][joint_idx]))
    for j in range(-sliding_window, sliding_window + 1):
        if i + j - 1 < 0 or i + j >= len(positions):
            continue
        average_velocity += (positions[i + j][joint_idx] - positions[i + j - 1][joint_idx])
        current_window += 1
    if up_vec == "y":
        average_velocity = np.array([average_velocity[0], average_velocity[2]]) / (current_window * frame_time)
    elif up_vec == "z":
        average_velocity = np.array([average_velocity[0], average_velocity[1]]) / (current_window * frame_time)
    else:
        raise NotImplementedError
    return np.linalg.norm(average_velocity)


def aist_calc_average_velocity_vertical(positions, i, joint_idx, sliding_window, frame_time, up_vec):
    current_window = 0
    average_velocity = np.zeros(len(positions[0][joint_idx]))
    for j in range(-sliding_window, sliding_window + 1):
        if i + j - 1 < 0 or i + j >= len(positions):
            continue
        average_velocity += (positions[i + j][joint_idx] - positions[i + j - 1][joint_idx])
        current_window += 1
    if up_vec == "y":
        average_velocity = np.array([average_velocity[1]]) / (current_window * frame_time)
    elif up_vec == "z":
        average_velocity = np.array([average_velocity[2]]) / (current_window * frame_time)
    else:
        raise NotImplementedError
    return np.linalg.norm(average_velocity)


def aist_calc_average_acceleration(positions, i, joint_idx, sliding_window, frame_time, fixed=False):
    current_window = 0
    average_acceleration = np.zeros(len(positions[0][joint_idx]))
    for j in range(-sliding_window, sliding_window + 1):
        if i + j - 1 < 0 or i + j + 1 >= len(positions):
            continue
        v2 = (positions[i + j + 1][joint_idx] - positions[i + j][joint_idx]) / frame_time
        if fixed:   # dancebook: the later, corrected version of utils.py
            v1 = (positions[i + j][joint_idx] - positions[i + j - 1][joint_idx]) / frame_time
        else:
            v1 = (positions[i + j][joint_idx] - positions[i + j - 1][joint_idx] / frame_time)
        average_acceleration += (v2 - v1) / frame_time
        current_window += 1
    return np.linalg.norm(average_acceleration / current_window)


class AistKineticFeatures:
    def __init__(self, positions, frame_time=1./60, up_vec="y", sliding_window=2, fixed=False):
        self.positions = positions
        self.frame_time = frame_time
        self.up_vec = up_vec
        self.sliding_window = sliding_window
        self.fixed = fixed

    def average_kinetic_energy_horizontal(self, joint):
        val = 0
        for i in range(1, len(self.positions)):
            average_velocity = aist_calc_average_velocity_horizontal(
                self.positions, i, joint, self.sliding_window, self.frame_time, self.up_vec)
            val += average_velocity ** 2
        val = val / (len(self.positions) - 1.0)
        return val

    def average_kinetic_energy_vertical(self, joint):
        val = 0
        for i in range(1, len(self.positions)):
            average_velocity = aist_calc_average_velocity_vertical(
                self.positions, i, joint, self.sliding_window, self.frame_time, self.up_vec)
            val += average_velocity ** 2
        val = val / (len(self.positions) - 1.0)
        return val

    def average_energy_expenditure(self, joint):
        val = 0.0
        for i in range(1, len(self.positions)):
            val += aist_calc_average_acceleration(self.positions, i, joint, self.sliding_window, self.frame_time,
                                                  fixed=self.fixed)
        val = val / (len(self.positions) - 1.0)
        return val


def aist_extract_kinetic_features(positions, fixed=False):
    assert len(positions.shape) == 3  # (seq_len, n_joints, 3)
    features = AistKineticFeatures(positions, fixed=fixed)
    kinetic_feature_vector = []
    for i in range(positions.shape[1]):
        feature_vector = np.hstack([
            features.average_kinetic_energy_horizontal(i),
            features.average_kinetic_energy_vertical(i),
            features.average_energy_expenditure(i),
        ])
        kinetic_feature_vector.extend(feature_vector)
    kinetic_feature_vector = np.array(kinetic_feature_vector, dtype=np.float32)
    return kinetic_feature_vector


def bailando_centre(joint3d):
    "lisiyao21/Bailando utils/metrics_new.py calc_and_save_feats: the root of frame 0 subtracted (T, 24*3 layout)."
    T, J, _ = joint3d.shape
    joint3d = joint3d.reshape(T, J * 3)
    roott = joint3d[:1, :3]  # the root Tx72 (Tx(24x3))
    joint3d = joint3d - np.tile(roott, (1, J))   # dancebook: 24 -> J
    return joint3d.reshape(T, J, 3)


# --- google/aistplusplus_api, aist_plusplus/features/manual.py (geometric "manual" features) ----------
# with its helpers from features/utils.py (time_per_frame 1/120 by default).

def aist_distance_between_points(a, b):
    return np.linalg.norm(np.array(a) - np.array(b))

def aist_distance_from_plane(a, b, c, p, threshold):
    ba = np.array(b) - np.array(a)
    ca = np.array(c) - np.array(a)
    cross = np.cross(ca, ba)
    pa = np.array(p) - np.array(a)
    return np.dot(cross, pa) / np.linalg.norm(cross) > threshold

def aist_distance_from_plane_normal(n1, n2, a, p, threshold):
    normal = np.array(n2) - np.array(n1)
    pa = np.array(p) - np.array(a)
    return np.dot(normal, pa) / np.linalg.norm(normal) > threshold

def aist_angle_within_range(j1, j2, k1, k2, range):
    j = np.array(j2) - np.array(j1)
    k = np.array(k2) - np.array(k1)
    angle = np.arccos(np.dot(j, k) / (np.linalg.norm(j) * np.linalg.norm(k)))
    angle = np.degrees(angle)
    if angle > range[0] and angle < range[1]:
        return True
    else:
        return False

def aist_velocity_direction_above_threshold(j1, j1_prev, j2, j2_prev, p, p_prev, threshold, time_per_frame=1 / 120):
    velocity = (np.array(p) - np.array(j1) - (np.array(p_prev) - np.array(j1_prev)))
    direction = np.array(j2) - np.array(j1)
    velocity_along_direction = np.dot(velocity, direction) / np.linalg.norm(direction)
    velocity_along_direction = velocity_along_direction / time_per_frame
    return velocity_along_direction > threshold

def aist_velocity_direction_above_threshold_normal(j1, j1_prev, j2, j3, p, p_prev, threshold, time_per_frame=1 / 120):
    velocity = (np.array(p) - np.array(j1) - (np.array(p_prev) - np.array(j1_prev)))
    j31 = np.array(j3) - np.array(j1)
    j21 = np.array(j2) - np.array(j1)
    direction = np.cross(j31, j21)
    velocity_along_direction = np.dot(velocity, direction) / np.linalg.norm(direction)
    velocity_along_direction = velocity_along_direction / time_per_frame
    return velocity_along_direction > threshold

def aist_velocity_above_threshold(p, p_prev, threshold, time_per_frame=1 / 120):
    velocity = np.linalg.norm(np.array(p) - np.array(p_prev)) / time_per_frame
    return velocity > threshold


SMPL_JOINT_NAMES = ["root", "lhip", "rhip", "belly", "lknee", "rknee", "spine", "lankle", "rankle", "chest", "ltoes",
                    "rtoes", "neck", "linshoulder", "rinshoulder", "head", "lshoulder", "rshoulder", "lelbow", "relbow",
                    "lwrist", "rwrist", "lhand", "rhand"]


def aist_extract_manual_features(positions):
    assert len(positions.shape) == 3  # (seq_len, n_joints, 3)
    features = []
    f = AistManualFeatures(positions)
    for _ in range(1, positions.shape[0]):
        pose_features = []
        pose_features.append(f.f_nmove("neck", "rhip", "lhip", "rwrist", 1.8 * f.hl))
        pose_features.append(f.f_nmove("neck", "lhip", "rhip", "lwrist", 1.8 * f.hl))
        pose_features.append(f.f_nplane("chest", "neck", "neck", "rwrist", 0.2 * f.hl))
        pose_features.append(f.f_nplane("chest", "neck", "neck", "lwrist", 0.2 * f.hl))
        pose_features.append(f.f_move("belly", "chest", "chest", "rwrist", 1.8 * f.hl))
        pose_features.append(f.f_move("belly", "chest", "chest", "lwrist", 1.8 * f.hl))
        pose_features.append(f.f_angle("relbow", "rshoulder", "relbow", "rwrist", [0, 110]))
        pose_features.append(f.f_angle("lelbow", "lshoulder", "lelbow", "lwrist", [0, 110]))
        pose_features.append(f.f_nplane("lshoulder", "rshoulder", "lwrist", "rwrist", 2.5 * f.sw))
        pose_features.append(f.f_move("lwrist", "rwrist", "rwrist", "lwrist", 1.4 * f.hl))
        pose_features.append(f.f_move("rwrist", "root", "lwrist", "root", 1.4 * f.hl))
        pose_features.append(f.f_move("lwrist", "root", "rwrist", "root", 1.4 * f.hl))
        pose_features.append(f.f_fast("rwrist", 2.5 * f.hl))
        pose_features.append(f.f_fast("lwrist", 2.5 * f.hl))
        pose_features.append(f.f_plane("root", "lhip", "ltoes", "rankle", 0.38 * f.hl))
        pose_features.append(f.f_plane("root", "rhip", "rtoes", "lankle", 0.38 * f.hl))
        pose_features.append(f.f_nplane("zero", "y_unit", "y_min", "rankle", 1.2 * f.hl))
        pose_features.append(f.f_nplane("zero", "y_unit", "y_min", "lankle", 1.2 * f.hl))
        pose_features.append(f.f_nplane("lhip", "rhip", "lankle", "rankle", 2.1 * f.hw))
        pose_features.append(f.f_angle("rknee", "rhip", "rknee", "rankle", [0, 110]))
        pose_features.append(f.f_angle("lknee", "lhip", "lknee", "lankle", [0, 110]))
        pose_features.append(f.f_fast("rankle", 2.5 * f.hl))
        pose_features.append(f.f_fast("lankle", 2.5 * f.hl))
        pose_features.append(f.f_angle("neck", "root", "rshoulder", "relbow", [25, 180]))
        pose_features.append(f.f_angle("neck", "root", "lshoulder", "lelbow", [25, 180]))
        pose_features.append(f.f_angle("neck", "root", "rhip", "rknee", [50, 180]))
        pose_features.append(f.f_angle("neck", "root", "lhip", "lknee", [50, 180]))
        pose_features.append(f.f_plane("rankle", "neck", "lankle", "root", 0.5 * f.hl))
        pose_features.append(f.f_angle("neck", "root", "zero", "y_unit", [70, 110]))
        pose_features.append(f.f_nplane("zero", "minus_y_unit", "y_min", "rwrist", -1.2 * f.hl))
        pose_features.append(f.f_nplane("zero", "minus_y_unit", "y_min", "lwrist", -1.2 * f.hl))
        pose_features.append(f.f_fast("root", 2.3 * f.hl))
        features.append(pose_features)
        f.next_frame()
    features = np.array(features, dtype=np.float32).mean(axis=0)
    return features


class AistManualFeatures:
    def __init__(self, positions, joint_names=SMPL_JOINT_NAMES):
        self.positions = positions
        self.joint_names = joint_names
        self.frame_num = 1
        # humerus length
        self.hl = aist_distance_between_points([1.99113488e-01, 2.36807942e-01, -1.80702247e-02],   # "lshoulder",
                                               [4.54445392e-01, 2.21158922e-01, -4.10167128e-02])   # "lelbow"
        # shoulder width
        self.sw = aist_distance_between_points([1.99113488e-01, 2.36807942e-01, -1.80702247e-02],   # "lshoulder"
                                               [-1.91692337e-01, 2.36928746e-01, -1.23055102e-02])  # "rshoulder"
        # hip width
        self.hw = aist_distance_between_points([5.64076714e-02, -3.23069185e-01, 1.09197125e-02],   # "lhip"
                                               [-6.24834076e-02, -3.31302464e-01, 1.50412619e-02])  # "rhip"

    def next_frame(self):
        self.frame_num += 1

    def transform_and_fetch_position(self, j):
        if j == "y_unit":
            return [0, 1, 0]
        elif j == "minus_y_unit":
            return [0, -1, 0]
        elif j == "zero":
            return [0, 0, 0]
        elif j == "y_min":
            return [0, min([y for (_, y, _) in self.positions[self.frame_num]]), 0]
        return self.positions[self.frame_num][self.joint_names.index(j)]

    def transform_and_fetch_prev_position(self, j):
        return self.positions[self.frame_num - 1][self.joint_names.index(j)]

    def f_move(self, j1, j2, j3, j4, range):
        j1_prev, j2_prev, j3_prev, j4_prev = [self.transform_and_fetch_prev_position(j) for j in [j1, j2, j3, j4]]
        j1, j2, j3, j4 = [self.transform_and_fetch_position(j) for j in [j1, j2, j3, j4]]
        return aist_velocity_direction_above_threshold(j1, j1_prev, j2, j2_prev, j3, j3_prev, range)

    def f_nmove(self, j1, j2, j3, j4, range):
        j1_prev, j2_prev, j3_prev, j4_prev = [self.transform_and_fetch_prev_position(j) for j in [j1, j2, j3, j4]]
        j1, j2, j3, j4 = [self.transform_and_fetch_position(j) for j in [j1, j2, j3, j4]]
        return aist_velocity_direction_above_threshold_normal(j1, j1_prev, j2, j3, j4, j4_prev, range)

    def f_plane(self, j1, j2, j3, j4, threshold):
        j1, j2, j3, j4 = [self.transform_and_fetch_position(j) for j in [j1, j2, j3, j4]]
        return aist_distance_from_plane(j1, j2, j3, j4, threshold)

    def f_nplane(self, j1, j2, j3, j4, threshold):
        j1, j2, j3, j4 = [self.transform_and_fetch_position(j) for j in [j1, j2, j3, j4]]
        return aist_distance_from_plane_normal(j1, j2, j3, j4, threshold)

    def f_angle(self, j1, j2, j3, j4, range):
        j1, j2, j3, j4 = [self.transform_and_fetch_position(j) for j in [j1, j2, j3, j4]]
        return aist_angle_within_range(j1, j2, j3, j4, range)

    def f_fast(self, j1, threshold):
        j1_prev = self.transform_and_fetch_prev_position(j1)
        j1 = self.transform_and_fetch_position(j1)
        return aist_velocity_above_threshold(j1, j1_prev, threshold)
