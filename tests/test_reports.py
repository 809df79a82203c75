"""The report runner from the command line: a failing notebook does not stop the others, and the exit code says so."""
import json, re, subprocess, sys
from pathlib import Path
import nbformat

def _nb(path, code):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("preset = 'small'\nseed = 0", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, str(path))

def _run(*args):
    return subprocess.run([sys.executable, "-m", "dancebook.reports", *args], capture_output=True, text=True, timeout=600)

def test_failing_notebook_still_writes_the_others_and_exits_nonzero(tmp_path):
    ex = tmp_path / "nbs" / "experiments"; ex.mkdir(parents=True)
    _nb(ex / "10_train.ipynb", "import json; open('trained.json', 'w').write(json.dumps({'preset': preset}))")
    _nb(ex / "20_broken.ipynb", "raise RuntimeError('deliberately broken notebook')")
    _nb(ex / "30_results.ipynb", "import matplotlib.pyplot as plt; plt.plot([1, 2]); plt.show(); print('seed', seed)")
    out = tmp_path / "reports"
    r = _run("--preset", "smoke", "--seed", "3", "--nbs", str(tmp_path / "nbs"), "--out", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    lines = [l for l in r.stdout.splitlines() if re.match(r"\[\d+/\d+\] ", l)]   # one line per finished notebook
    assert [l.split()[1] for l in lines] == ["10_train:", "20_broken:", "30_results:"]
    idx = json.loads((out / "index.json").read_text())
    assert [(x["name"], x["status"]) for x in idx["reports"]] == [("10_train", "ok"), ("20_broken", "failed"), ("30_results", "ok")]
    assert idx["meta"]["preset"] == "smoke" and idx["meta"]["seed"] == 3
    assert "deliberately broken notebook" in (out / "20_broken.html").read_text()
    html = (out / "30_results.html").read_text()
    assert "seed 3" in html and "data:image/png;base64" in html  # parameters injected, figure embedded
    assert json.loads((tmp_path / "nbs" / "trained.json").read_text()) == {"preset": "smoke"}  # cwd is nbs/
    assert "20_broken" in (out / "index.html").read_text()

def test_all_ok_exits_zero_and_only_selects(tmp_path):
    ex = tmp_path / "nbs" / "experiments"; ex.mkdir(parents=True)
    _nb(ex / "10_a.ipynb", "print(1)"); _nb(ex / "20_b.ipynb", "raise SystemExit(3)")
    r = _run("--nbs", str(tmp_path / "nbs"), "--out", str(tmp_path / "r"), "--only", "10_*")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (tmp_path / "r" / "20_b.html").exists()

def test_unknown_preset_is_a_clear_error(tmp_path):
    r = _run("--preset", "huge", "--out", str(tmp_path))
    assert r.returncode == 2 and "unknown preset" in r.stderr

def test_progress_lines_and_limits_from_the_command_line(tmp_path):
    ex = tmp_path / "nbs" / "experiments"; ex.mkdir(parents=True)
    _nb(ex / "10_slow.ipynb", "import os, time\nos.write(2, b'Illegal Audio-MPEG-Header (C-level noise)\\n')\n"
                              "for i in range(40): print('step', i, flush=True); time.sleep(0.5)")
    r = _run("--nbs", str(tmp_path / "nbs"), "--out", str(tmp_path / "r"), "--every", "1", "--timeout", "4")
    assert r.returncode == 1, r.stdout + r.stderr
    progress = [l for l in r.stdout.splitlines() if l.startswith("[1/1 ")]
    assert any("10_slow" in l and "cell 3/3" in l and "step" in l for l in progress), r.stdout     # running cell and its newest output
    idx = json.loads((tmp_path / "r" / "index.json").read_text())
    assert idx["reports"][0]["status"] == "timed out"
    assert idx["reports"][0]["error"] == "timed out after 4 s in cell 3 (the per-cell limit)"
    assert "timed out after 4 s in cell 3" in (tmp_path / "r" / "10_slow.html").read_text()
    assert "Kernel is running over TCP" not in r.stderr and "KeyboardInterrupt caught" not in r.stderr
    assert "Illegal Audio-MPEG-Header" not in r.stdout + r.stderr                 # the kernel's C-level stderr goes to its log
    assert "Illegal Audio-MPEG-Header" in (tmp_path / "r" / "_executed" / "10_slow.kernel.log").read_text()
    bad = _run("--nbs", str(tmp_path / "nbs"), "--notebook-timeout", "0")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "notebook_timeout" in bad.stderr
