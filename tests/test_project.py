"""Project invariants: requirements agree, notebooks keep papermill's parameters tag, experiment notebooks follow the convention."""
import ast, configparser, json, re, shutil, subprocess, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]

def _name(spec):
    "Normalised package name of a requirement spec."
    return re.split(r"[<>=!~ ;\[]", spec, 1)[0].strip().lower().replace("_", "-")

def _settings():
    cfg = configparser.ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    return cfg["DEFAULT"]

def test_environment_yml_lists_the_settings_requirements():
    s = _settings()
    want = {_name(r): r for r in (s["requirements"] + " " + s["dev_requirements"]).split()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    got = {_name(r): r for r in pip if not r.startswith("-e")}
    assert got == want
    assert "python=3.11" in env["dependencies"]
    assert any(r.startswith("-e .[dev]") for r in pip)

def test_nbdev_pins():
    s = _settings()
    dev = s["dev_requirements"].split()
    assert "nbdev>=2.4.14,<3" in dev and "execnb<0.2" in dev and "fastgit<0.1.2" in dev
    assert any(r.startswith("fastcore") and r.endswith("<2") for r in s["requirements"].split())
    assert s["allowed_cell_metadata_keys"].strip() == "tags"
    assert s["tst_flags"].split() == ["slow", "gpu"]
    assert "import pkg_resources" not in (ROOT / "setup.py").read_text()

def _experiments():
    return sorted((ROOT / "nbs" / "experiments").glob("*.ipynb"))

def test_experiment_notebooks_have_one_literal_parameters_cell():
    assert _experiments(), "no experiment notebooks"
    for p in _experiments():
        nb = json.loads(p.read_text())
        cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(cells) == 1, f"{p.name}: {len(cells)} parameters cells"
        tree = ast.parse("".join(cells[0]["source"]))
        for node in tree.body:
            assert isinstance(node, ast.Assign), f"{p.name}: parameters cell holds more than assignments"
            ast.literal_eval(node.value)  # literals only
        names = {t.id for n in tree.body for t in n.targets}
        assert {"preset", "device", "seed"} <= names, f"{p.name}: parameters lack preset/device/seed"
        assert not any("default_exp" in "".join(c["source"]) for c in nb["cells"]), f"{p.name} exports code"

def test_nbdev_clean_keeps_the_parameters_tag(tmp_path):
    src = _experiments()[0]
    nb = json.loads(src.read_text())
    nb["cells"][0]["execution_count"] = 7
    nb["cells"][0].setdefault("metadata", {})["collapsed"] = True
    dst = ROOT / "nbs" / "experiments" / f"_tmp_clean_{tmp_path.name}.ipynb"
    try:
        dst.write_text(json.dumps(nb))
        subprocess.run([str(Path(sys.executable).with_name("nbdev_clean")), "--fname", str(dst)], cwd=ROOT, check=True)
        cleaned = json.loads(dst.read_text())
    finally:
        dst.unlink(missing_ok=True)
    tags = [c.get("metadata", {}).get("tags") for c in cleaned["cells"]]
    assert ["parameters"] in tags
    assert all("collapsed" not in c.get("metadata", {}) for c in cleaned["cells"])

def test_notebooks_are_clean():
    "Committed notebooks carry no outputs or execution counts (nbdev_clean was run)."
    for p in (ROOT / "nbs").rglob("*.ipynb"):
        if ".ipynb_checkpoints" in p.parts: continue
        for c in json.loads(p.read_text())["cells"]:
            if c["cell_type"] == "code":
                assert not c.get("outputs") and c.get("execution_count") is None, f"{p} has outputs"
