"""Training-loop guarantees: exact resume, DDP agreement across ranks, NaN stops with the checkpoint intact."""
import json, os, subprocess, sys
from pathlib import Path
import pytest, torch
from dancebook.core import TrainingError
from dancebook.train import toy_learner, CheckpointCB, MetricLogCB, ProgressCB, StopAfter, Callback

def same(a, b):
    "True when two state dicts are bit-identical."
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)

@pytest.mark.parametrize("k", [1, 7, 8, 15])
def test_resume_is_bit_identical(tmp_path, k):
    full = toy_learner().fit(epochs=3)
    ck = tmp_path / "ckpt.pt"
    toy_learner([CheckpointCB(ck, every=1), StopAfter(k)]).fit(epochs=3)
    assert torch.load(ck, weights_only=True)["step"] == k
    resumed = toy_learner([CheckpointCB(ck, every=1), ProgressCB()]).fit(epochs=3, resume=True)
    assert resumed.step == full.step == 24
    assert same(full.model.state_dict(), resumed.model.state_dict())

def test_resume_differs_without_checkpoint_state(tmp_path):
    "Guard against a vacuous test: a different seed does give different weights."
    assert not same(toy_learner(seed=0).fit(epochs=1).model.state_dict(), toy_learner(seed=1).fit(epochs=1).model.state_dict())

def test_metric_log_has_no_duplicates_after_resume(tmp_path):
    ck, log = tmp_path / "ckpt.pt", tmp_path / "log"
    toy_learner([CheckpointCB(ck, every=3), MetricLogCB(log), StopAfter(5)]).fit(epochs=2)
    toy_learner([CheckpointCB(ck, every=3), MetricLogCB(log)]).fit(epochs=2, resume=True)
    steps = [int(l.split(",")[0]) for l in (tmp_path / "log.csv").read_text().splitlines()[1:]]
    assert steps == list(range(1, 17))
    toy_learner([MetricLogCB(tmp_path / "full")]).fit(epochs=2)
    assert (tmp_path / "log.csv").read_text() == (tmp_path / "full.csv").read_text()

def test_metric_log_keeps_epochs_finished_before_resume(tmp_path):
    "The JSON summary of a resumed run still holds the epochs finished before the interruption."
    ck, log = tmp_path / "ckpt.pt", tmp_path / "log"
    toy_learner([CheckpointCB(ck, every=1), MetricLogCB(log), StopAfter(12)]).fit(epochs=3)
    toy_learner([CheckpointCB(ck, every=1), MetricLogCB(log)]).fit(epochs=3, resume=True)
    epochs = json.loads((tmp_path / "log.json").read_text())["epochs"]
    assert [(e["epoch"], e["step"]) for e in epochs] == [(1, 8), (2, 16), (3, 24)]

class Poison(Callback):
    def after_step(self, learn):
        if learn.step == 4: learn.data.x[:] = float("nan")

def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path):
    ck = tmp_path / "ckpt.pt"
    learn = toy_learner([CheckpointCB(ck, every=2), Poison()])
    with pytest.raises(TrainingError, match="at step 5"):
        learn.fit(epochs=2)
    good = torch.load(ck, weights_only=True)
    assert good["step"] == 4
    assert all(torch.isfinite(v).all() for v in good["model"].values())

def test_checkpoint_from_other_model_is_refused(tmp_path):
    ck = tmp_path / "ckpt.pt"
    toy_learner([CheckpointCB(ck)]).fit(epochs=1)
    learn = toy_learner([CheckpointCB(ck)])
    learn.model[0] = torch.nn.Linear(4, 8)
    with pytest.raises(TrainingError, match="does not fit the model"):
        learn.fit(epochs=2, resume=True)

def test_empty_data_is_refused():
    from dancebook.train import Learner
    with pytest.raises(ValueError, match="empty"):
        Learner(torch.nn.Linear(1, 1), [], lambda l, b: {}, [])

def _torchrun(out, p_drop, *extra):
    env = {**os.environ, "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           str(Path(__file__).with_name("ddp_train.py")), str(out), str(p_drop), *extra]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "terminate called" not in r.stderr, r.stderr[-3000:]
    for i in (0, 1): assert_clean_shutdown(json.loads((out / f"rank{i}.json").read_text()), failed=extra == ("fail",))
    return [torch.load(out / f"rank{i}.pt", weights_only=True) for i in (0, 1)]

def assert_clean_shutdown(left: dict, failed: bool = False):
    "Issue 21: after `fit` under torchrun (ended by an error when `failed`) the learner destroyed the group it started; no thread, wrapper or worker is left."
    assert left["failed"] == failed and left["world"] == 2 and not left["pg_initialized"] and left["ddp_wrappers"] == 0, left
    assert left["py_threads"] == ["MainThread"] and left["children"] == 0, left
    assert left["os_threads"] == ["python"], left  # gloo's C++ threads joined before exit, not torn down by it

def test_ddp_two_ranks_end_identical(tmp_path):
    r0, r1 = _torchrun(tmp_path, p_drop=0.1)
    assert same(r0, r1)
    assert (tmp_path / "ckpt.pt").exists()  # rank 0 wrote the checkpoint

def test_ddp_matches_single_process_with_double_batch(tmp_path):
    "Two ranks with batch 4 see the same samples per step as one process with batch 8 (no dropout)."
    r0, _ = _torchrun(tmp_path, p_drop=0.0)
    single = toy_learner(p_drop=0.0, batch_size=8).fit(epochs=2).model.state_dict()
    init = toy_learner(p_drop=0.0).model.state_dict()
    assert all(torch.allclose(r0[k], single[k], atol=1e-5) for k in single)
    assert not same(r0, init)

def test_ddp_failed_fit_still_closes_the_process_group(tmp_path):
    "A fit that raises (here at step 3 on both ranks) leaves no gloo thread to be torn down at exit (issue 21)."
    r0, r1 = _torchrun(tmp_path, 0.0, "fail")
    assert same(r0, r1)

def test_ddp_gan_with_two_optimisers_keeps_ranks_identical(tmp_path):
    "Generator and discriminator are wrapped separately (ddp_modules) and stay in step across ranks."
    r0, r1 = _torchrun(tmp_path, 0.0, "gan")
    assert same(r0, r1)
    assert any(k.startswith("gen.") for k in r0) and any(k.startswith("disc.") for k in r0)

def test_scheduler_steps_only_with_its_optimiser():
    "A discriminator updated every other step advances its scheduler half as often, without warnings."
    import warnings
    from dancebook.train import Learner, toy_gan_step, ToyGAN, GaussData
    m = ToyGAN()
    opts = [torch.optim.Adam(m.gen.parameters(), 1e-3), torch.optim.Adam(m.disc.parameters(), 1e-3)]
    scheds = [torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.9) for o in opts]
    def step(learn, batch):
        if learn.step % 2: return toy_gan_step(learn, batch)
        real = batch[1][:, None]
        g = learn.net("gen")(torch.randn(len(real), 4))
        loss = -learn.net("disc")(g).mean()
        learn.backward_step(loss, 0)
        return {"g_loss": loss}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Learner(m, GaussData(n=64), step, opts, scheds, batch_size=8, device="cpu").fit(epochs=1)
    assert [s.last_epoch for s in scheds] == [8, 4]
