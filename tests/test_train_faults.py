"""Training faults (issue 19): kill -9 at random points, flipped bits, a full disk, a read-only re-run, orphaned temp files."""
import json, os, random, signal, subprocess, sys, time
from collections import namedtuple
from pathlib import Path
import pytest, torch
from dancebook import core
from dancebook.core import StorageError, TrainingError
from dancebook.train import (toy_learner, CheckpointCB, MetricLogCB, StopAfter, load_or_train, read_checkpoint, digest_path,
                             supervised_step, Learner, ToyData)

CHILD = """
import sys, time
from dancebook.train import toy_learner, CheckpointCB, MetricLogCB, Callback
class Slow(Callback):
    def after_step(self, learn): time.sleep(0.01)
d = sys.argv[1]
learn = toy_learner([CheckpointCB(f"{d}/ck.pt", every=1), MetricLogCB(f"{d}/log"), Slow()])
print("ready", flush=True)
learn.fit(epochs=4, resume=True)
"""

def run_killed(d: Path, kills: int, seed: int) -> int:
    "Run the toy training in a child process, kill -9 it `kills` times at random moments, then let it finish; returns its exit code."
    rng = random.Random(seed)
    for i in range(kills + 1):
        p = subprocess.Popen([sys.executable, "-c", CHILD, str(d)], stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "ready"
        if i == kills: return p.wait(timeout=120)
        time.sleep(rng.uniform(0.0, 0.35)); p.send_signal(signal.SIGKILL); p.wait()

def logged(p: Path) -> list[dict]:
    "The epoch summary of a metric log, without wall times."
    return [{k: v for k, v in e.items() if k != "seconds"} for e in json.loads(p.read_text())["epochs"]]

@pytest.mark.parametrize("seed", [0, 1])
def test_kill9_at_random_points_resumes_bit_identical(tmp_path, seed):
    full = toy_learner([MetricLogCB(tmp_path / "full")]).fit(epochs=4)
    assert run_killed(tmp_path, kills=4, seed=seed) == 0
    st = read_checkpoint(tmp_path / "ck.pt")
    assert st["step"] == full.step == 32
    assert all(torch.equal(v, full.model.state_dict()[k]) for k, v in st["model"].items())
    assert logged(tmp_path / "log.json") == logged(tmp_path / "full.json")
    assert (tmp_path / "log.csv").read_text() == (tmp_path / "full.csv").read_text()
    assert not list(tmp_path.glob(".*.tmp"))

@pytest.mark.parametrize("stop", [3, 11, 13, 20])
def test_mid_epoch_resume_logs_the_same_epoch_means(tmp_path, stop):
    toy_learner([MetricLogCB(tmp_path / "full")]).fit(epochs=3)
    cbs = lambda: [CheckpointCB(tmp_path / "ck.pt", every=1), MetricLogCB(tmp_path / "log")]
    toy_learner([*cbs(), StopAfter(stop)]).fit(epochs=3)
    toy_learner(cbs()).fit(epochs=3, resume=True)
    assert logged(tmp_path / "log.json") == logged(tmp_path / "full.json")

def test_every_flipped_bit_is_caught(tmp_path):
    ck = tmp_path / "ck.pt"
    toy_learner([CheckpointCB(ck)]).fit(epochs=1)
    raw, rng = ck.read_bytes(), random.Random(0)
    for _ in range(60):
        b = bytearray(raw); b[rng.randrange(len(b))] ^= 1 << rng.randrange(8); ck.write_bytes(bytes(b))
        with pytest.raises(TrainingError, match=f"checkpoint {ck} is corrupt"): read_checkpoint(ck)
    ck.write_bytes(raw)
    assert read_checkpoint(ck)["epoch"] == 1

def test_checkpoint_without_its_hash_still_loads(tmp_path):
    ck = tmp_path / "ck.pt"
    toy_learner([CheckpointCB(ck)]).fit(epochs=1)
    digest_path(ck).unlink()
    assert read_checkpoint(ck)["step"] == 8

def test_orphaned_temp_files_are_removed_when_training_starts(tmp_path):
    ck = tmp_path / "ck.pt"
    orphans = [tmp_path / ".ck.pt.x1y2.tmp", tmp_path / ".ck.pt.sha256.a.tmp", tmp_path / ".log.csv.b.tmp"]
    for o in orphans: o.write_bytes(b"\0" * 1000)
    (tmp_path / ".other.pt.c.tmp").write_text("not ours")
    toy_learner([CheckpointCB(ck), MetricLogCB(tmp_path / "log")]).fit(epochs=1)
    assert not any(o.exists() for o in orphans) and (tmp_path / ".other.pt.c.tmp").exists()

def test_disk_full_names_the_checkpoint(tmp_path, monkeypatch):
    "torch reports a full disk as a bare RuntimeError; it becomes a StorageError that names the file."
    def full(*a, **k): raise RuntimeError("[enforce fail at inline_container.cc:778] . PytorchStreamWriter failed writing file data/0: file write failed")
    monkeypatch.setattr(torch, "save", full)
    monkeypatch.setattr(core.shutil, "disk_usage", lambda p: namedtuple("U", "total used free")(10, 10, 0))
    with pytest.raises(StorageError, match=f"cannot write {tmp_path / 'ck.pt'}: the disk is full"):
        toy_learner([CheckpointCB(tmp_path / "ck.pt")]).fit(epochs=1)
    assert not list(tmp_path.glob(".*.tmp"))

def test_read_only_folder_names_the_file(tmp_path, monkeypatch):
    def ro(*a, **k): raise OSError(30, "Read-only file system")
    monkeypatch.setattr(core.tempfile, "mkstemp", ro)
    with pytest.raises(StorageError, match="the folder is not writable"):
        toy_learner([CheckpointCB(tmp_path / "ck.pt")]).fit(epochs=1)

def test_finished_stage_reruns_without_writing(tmp_path, monkeypatch):
    ck = tmp_path / "ck.pt"
    make = lambda m, cbs: Learner(m, ToyData(), supervised_step(torch.nn.functional.mse_loss),
                                  [torch.optim.SGD(m.parameters(), 0.05)], cbs=cbs, batch_size=8, device="cpu")
    trained = load_or_train(toy_learner().model, ck, make, epochs=1, progress=False)
    def no_write(*a, **k): raise AssertionError("a finished stage wrote a file")
    monkeypatch.setattr(core, "atomic_write", no_write)
    monkeypatch.setattr("dancebook.train.atomic_write", no_write)
    again = load_or_train(toy_learner(seed=5).model, ck, make, epochs=1, progress=False)
    assert all(torch.equal(a, b) for a, b in zip(trained.state_dict().values(), again.state_dict().values()))

HARMOGAN = """
import sys
from dancebook.models import harmogan
cfg = harmogan.config("smoke")
print("ready", flush=True)
harmogan.load_or_train(cfg, dataset="synth", seed=0, device="cpu", progress=False)
"""

def run_harmogan(artifacts: Path, kills: int, rng: random.Random) -> int:
    "Train HarmoGAN smoke in child processes under `artifacts`, kill -9 `kills` times at random moments; the exit code of the last."
    env = {**os.environ, "DANCEBOOK_ARTIFACTS": str(artifacts), "DANCEBOOK_DATA": "none"}
    for i in range(kills + 1):
        p = subprocess.Popen([sys.executable, "-c", HARMOGAN], stdout=subprocess.PIPE, text=True, env=env)
        assert p.stdout.readline().strip() == "ready"
        if i == kills: return p.wait(timeout=900)
        time.sleep(rng.uniform(0.5, 8.0)); p.send_signal(signal.SIGKILL); p.wait()

def test_kill9_harmogan_smoke_resumes_bit_identical(tmp_path):
    "Both of HarmoGAN's stages resume after kill -9 to the weights and logs of a run that was never killed."
    assert run_harmogan(tmp_path / "full", 0, random.Random(0)) == 0
    assert run_harmogan(tmp_path / "killed", 3, random.Random(1)) == 0
    a, b = (next((tmp_path / r).rglob("seed0")) for r in ("full", "killed"))
    for stage in ("pretrain", "full"):
        sa, sb = read_checkpoint(a / f"{stage}.pt"), read_checkpoint(b / f"{stage}.pt")
        assert sa["step"] == sb["step"] and all(torch.equal(v, sb["model"][k]) for k, v in sa["model"].items())
        assert logged(a / f"{stage}_log.json") == logged(b / f"{stage}_log.json")
