"""Launched by tests/test_train.py under `torchrun --nproc_per_node=2`: trains a toy model with DDP
(gloo on CPU) and saves each rank's final parameters to <out>/rank<r>.pt, and what was left running after
`fit` (process group, Python threads, child processes, OS thread names) to <out>/rank<r>.json.
Usage: ddp_train.py OUT P_DROP [gan|fail]; `fail` raises a TrainingError in `fit` at step 3 on every rank, which the
script catches and records (as `failed`) beside what was left, so torchrun sees both ranks end normally."""
import json, multiprocessing, os, sys, threading
from pathlib import Path
import torch, torch.distributed as dist
from dancebook.core import TrainingError
from dancebook.train import toy_learner, toy_gan_learner, Callback, CheckpointCB

class FailAt(Callback):
    "Raise a TrainingError after step `n` (a failing run, as a NaN loss would be)."
    def __init__(self, n): self.n = n
    def after_step(self, learn):
        if learn.step == self.n: raise TrainingError(f"deliberate failure at step {self.n}")

out, mode = Path(sys.argv[1]), sys.argv[3:]
cbs = [CheckpointCB(out / "ckpt.pt")] + ([FailAt(3)] if mode == ["fail"] else [])
if mode == ["gan"]: learn = toy_gan_learner(cbs)
else: learn = toy_learner(cbs, p_drop=float(sys.argv[2]), batch_size=4)
try: learn.fit(epochs=2); failed = False
except TrainingError: failed = True
torch.save({k: v.detach().clone() for k, v in learn.model.state_dict().items()}, out / f"rank{learn.rank}.pt")
left = {"failed": failed, "world": learn.world, "pg_initialized": dist.is_initialized(), "ddp_wrappers": len(learn._ddp),
        "py_threads": [t.name for t in threading.enumerate()], "children": len(multiprocessing.active_children()),
        "os_threads": sorted(Path(f"/proc/self/task/{t}/comm").read_text().strip() for t in os.listdir("/proc/self/task"))}
(out / f"rank{learn.rank}.json").write_text(json.dumps(left))
