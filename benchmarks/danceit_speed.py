"""DanceIt time efficiency on this machine (DanceIt §V-E): pose frames/s, video frames/s and GFLOPs per module.

Usage: .venv/bin/python benchmarks/danceit_speed.py [--preset small] [--seconds 30] [--threads 1]
Networks are freshly initialised (speed does not depend on the weights); the fragment database is built from
Dance with Melody when it is found, else from SynthDance. Prints figures; asserts nothing.
"""
import argparse, time

import numpy as np
import torch

from dancebook.core import find_dataset, seed_everything
from dancebook.models.danceit import (PAPER_EFFICIENCY, danceit_config, danceit_clips, clip_track, fragment_db, MatchNet,
                                      PoseGAN, FaceGAN, embed_db, generate_poses, imagine, gflops, music_windows, pose_input,
                                      fragment_size, target_person)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small"); ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads); seed_everything(0)
    cfg = danceit_config(a.preset)
    dataset = "dwm" if find_dataset("dance_with_melody") else "synth"
    train, test = danceit_clips(dataset, a.preset)
    t0 = time.time(); tracks = [clip_track(c) for c in train]; db = fragment_db(tracks, cfg.seconds); t_db = time.time() - t0
    net, gan, face = MatchNet(db.skeleton, cfg).eval(), PoseGAN(cfg).eval(), FaceGAN(cfg).eval()
    frames, kp = target_person(train[0], cfg.resolution, seconds=4.0)
    size, center = fragment_size(kp, db.skeleton), kp.reshape(-1, 2).mean(0)
    t0 = time.time(); feats = embed_db(net, db); t_embed = time.time() - t0
    c = max(test, key=lambda c: c.duration)
    y = np.tile(c.audio, int(np.ceil(a.seconds * c.sr / len(c.audio))))[: int(a.seconds * c.sr)]
    generate_poses(net, db, y[: int(5 * c.sr)], c.sr, size, center, feats)      # warm-up: librosa compiles on first use
    t0 = time.time(); g = generate_poses(net, db, y, c.sr, size, center, feats); t_pose = time.time() - t0
    t0 = time.time(); imagine(gan, g["final"], db.skeleton, face); t_video = time.time() - t0
    T = len(g["final"])
    aw, _ = music_windows(y[: int(cfg.seconds * c.sr)], c.sr, db)
    box = torch.zeros(1, 6, cfg.face_box, cfg.face_box)
    print(f"DanceIt speed: preset={a.preset} dataset={dataset} threads={a.threads} resolution={cfg.resolution}")
    print(f"  database: {len(db)} fragments of {cfg.seconds:g}s built in {t_db:.1f} s, embedded in {t_embed:.2f} s")
    print(f"  pose frames/s (MFCC, retrieval, spatial + temporal alignment): {T / t_pose:9.1f}   paper {PAPER_EFFICIENCY['pose_fps']}")
    print(f"  video frames/s (PoseGAN + FaceGAN):                           {T / t_video:9.1f}   paper {PAPER_EFFICIENCY['video_fps']}")
    print(f"  GFLOPs audio encoder / {cfg.seconds:g}-s window:  {gflops(net.audio, aw[:1]):.2e}")
    print(f"  GFLOPs pose encoder / fragment:       {gflops(net.pose, pose_input(db.poses[:1], db.fps)):.2e}")
    print(f"  GFLOPs PoseGAN generator / frame:     {gflops(gan.G, torch.zeros(1, 3, cfg.resolution, cfg.resolution)):.2e}")
    print(f"  GFLOPs FaceGAN generator / head box:  {gflops(face.G, box):.2e}")
    print(f"  paper (512x512, RTX 2070): alignment modules {PAPER_EFFICIENCY['alignment_gflops']} GFLOPs, "
          f"imagination {PAPER_EFFICIENCY['imagination_gflops']} GFLOPs")


if __name__ == "__main__":
    main()
