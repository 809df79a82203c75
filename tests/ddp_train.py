"""Launched by tests/test_train.py under `torchrun --nproc_per_node=2`: trains the toy model with DDP
(gloo on CPU) and saves each rank's final parameters to <out>/rank<r>.pt."""
import sys
from pathlib import Path
import torch, torch.distributed as dist
from dancebook.train import toy_learner, CheckpointCB

out = Path(sys.argv[1])
learn = toy_learner([CheckpointCB(out / "ckpt.pt")], p_drop=float(sys.argv[2]), batch_size=4).fit(epochs=2)
torch.save({k: v.detach().clone() for k, v in learn.model.state_dict().items()}, out / f"rank{learn.rank}.pt")
dist.destroy_process_group()
