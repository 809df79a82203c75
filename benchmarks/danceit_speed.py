"""DanceIt time efficiency on this machine (DanceIt §V-E): pose frames/s, video frames/s and GFLOPs per module.

Usage: .venv/bin/python benchmarks/danceit_speed.py [--preset small] [--seconds 30] [--threads 1]
Networks are freshly initialised (speed does not depend on the weights); the fragment database is built from
the corpus `'auto'` resolves to (Dance with Melody when it is found, else SynthDance). Prints figures; asserts nothing.
"""
import argparse, time

import numpy as np
import torch

from dancebook.core import seed_everything
from dancebook.nn.blocks import gflops
from dancebook.data.corpus import guidance_video
from dancebook.models.danceit import (PAPER_TABLES, config, load_tracks, fragment_db, MatchNet, PoseGAN, FaceGAN, DanceIt,
                                      embed_db, generate, imagine, music_windows, pose_input)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small"); ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads); seed_everything(0)
    cfg = config(a.preset)
    t0 = time.time(); corpus, tracks = load_tracks(cfg, "train"); db = fragment_db(tracks, cfg.seconds); t_db = time.time() - t0
    test = load_tracks(cfg, "test")[0]
    net, gan, face = MatchNet(db.skeleton, cfg).eval(), PoseGAN(cfg).eval(), FaceGAN(cfg).eval()
    clip = corpus[0]
    guidance = guidance_video(clip, cfg.resolution, seconds=4.0)
    t0 = time.time(); feats = embed_db(net, db); t_embed = time.time() - t0
    model = DanceIt(cfg, corpus.name, tracks, db, net, feats, gan, face, guidance)
    c = max(test, key=lambda c: c.duration)
    y = np.tile(c.audio, int(np.ceil(a.seconds * c.sr / len(c.audio))))[: int(a.seconds * c.sr)]
    generate(model, y[: int(5 * c.sr)], c.sr)                                    # warm-up: librosa compiles on first use
    t0 = time.time(); kp, _ = generate(model, y, c.sr); t_pose = time.time() - t0
    t0 = time.time(); imagine(gan, kp, db.skeleton, face); t_video = time.time() - t0
    T = len(kp)
    aw, _ = music_windows(y[: int(cfg.seconds * c.sr)], c.sr, db)
    box = torch.zeros(1, 6, cfg.face_box, cfg.face_box)
    paper = {k: v[0] for k, v in PAPER_TABLES["§V-E"].rows.items()}
    print(f"DanceIt speed: preset={a.preset} dataset={corpus.name} threads={a.threads} resolution={cfg.resolution}")
    print(f"  database: {len(db)} fragments of {cfg.seconds:g}s built in {t_db:.1f} s, embedded in {t_embed:.2f} s")
    print(f"  pose frames/s (MFCC, retrieval, spatial + temporal alignment): {T / t_pose:9.1f}   paper {paper['pose frames / s (generation phase)']}")
    print(f"  video frames/s (PoseGAN + FaceGAN):                           {T / t_video:9.1f}   paper {paper['video frames / s (imagination)']}")
    print(f"  GFLOPs audio encoder / {cfg.seconds:g}-s window:  {gflops(net.audio, aw[:1]):.2e}")
    print(f"  GFLOPs pose encoder / fragment:       {gflops(net.pose, pose_input(db.poses[:1], db.fps)):.2e}")
    print(f"  GFLOPs PoseGAN generator / frame:     {gflops(gan.G, torch.zeros(1, 3, cfg.resolution, cfg.resolution)):.2e}")
    print(f"  GFLOPs FaceGAN generator / head box:  {gflops(face.G, box):.2e}")
    print(f"  paper (512x512, RTX 2070): alignment modules {paper['GFLOPs: cross-modal alignment']} GFLOPs, "
          f"imagination {paper['GFLOPs: imagination, one frame']} GFLOPs")


if __name__ == "__main__":
    main()
