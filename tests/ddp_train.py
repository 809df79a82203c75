"""Launched by tests/test_train.py under `torchrun --nproc_per_node=2`: trains a toy model with DDP
(gloo on CPU) and saves each rank's final parameters to <out>/rank<r>.pt.
Usage: ddp_train.py OUT P_DROP [gan]"""
import sys
from pathlib import Path
import torch, torch.distributed as dist
from dancebook.train import toy_learner, toy_gan_learner, CheckpointCB

out = Path(sys.argv[1])
cbs = [CheckpointCB(out / "ckpt.pt")]
if sys.argv[3:] == ["gan"]: learn = toy_gan_learner(cbs).fit(epochs=2)
else: learn = toy_learner(cbs, p_drop=float(sys.argv[2]), batch_size=4).fit(epochs=2)
torch.save({k: v.detach().clone() for k, v in learn.model.state_dict().items()}, out / f"rank{learn.rank}.pt")
dist.destroy_process_group()
