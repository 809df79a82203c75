"""Launched by tests/test_train.py under `torchrun --nproc_per_node=2`: trains a toy model with DDP
(gloo on CPU) and saves each rank's final parameters to <out>/rank<r>.pt, and what was left running after
`fit` (process group, Python threads, child processes, OS thread names) to <out>/rank<r>.json.
Usage: ddp_train.py OUT P_DROP [gan]"""
import json, multiprocessing, os, sys, threading
from pathlib import Path
import torch, torch.distributed as dist
from dancebook.train import toy_learner, toy_gan_learner, CheckpointCB

out = Path(sys.argv[1])
cbs = [CheckpointCB(out / "ckpt.pt")]
if sys.argv[3:] == ["gan"]: learn = toy_gan_learner(cbs).fit(epochs=2)
else: learn = toy_learner(cbs, p_drop=float(sys.argv[2]), batch_size=4).fit(epochs=2)
torch.save({k: v.detach().clone() for k, v in learn.model.state_dict().items()}, out / f"rank{learn.rank}.pt")
left = {"world": learn.world, "pg_initialized": dist.is_initialized(), "ddp_wrappers": len(learn._ddp),
        "py_threads": [t.name for t in threading.enumerate()], "children": len(multiprocessing.active_children()),
        "os_threads": sorted(Path(f"/proc/self/task/{t}/comm").read_text().strip() for t in os.listdir("/proc/self/task"))}
(out / f"rank{learn.rank}.json").write_text(json.dumps(left))
