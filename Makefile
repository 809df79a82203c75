# dancebook: `make reports` and `make test` do all set-up (they create .venv when it is missing).
# Limits: TIMEOUT= seconds per cell (default 1800), NOTEBOOK_TIMEOUT= seconds per notebook (default none).
# Override the torch build for a GPU, e.g.:  make reports TORCH="torch==2.13.0 --index-url <your CUDA wheel index>"
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH ?= torch==2.13.0
PRESET ?= small
DEVICE ?= auto
SEED ?= 0
DATA_DIR ?=
ONLY ?=
TIMEOUT ?= 1800
NOTEBOOK_TIMEOUT ?=
STAMP := $(VENV)/.dancebook-installed

.PHONY: reports test lab clean sync venv pose-env

venv: $(STAMP)

# The stamp is rebuilt whenever the requirements change (not on pyproject.toml: nbdev_export rewrites it).
$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

reports: $(STAMP)
	$(BIN)/dancebook reports --preset $(PRESET) --device $(DEVICE) --seed $(SEED) --timeout $(TIMEOUT) \
		$(if $(NOTEBOOK_TIMEOUT),--notebook-timeout $(NOTEBOOK_TIMEOUT)) $(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(if $(ONLY),--only '$(ONLY)')

# The package must be what the notebooks export: nbdev_export on a clean checkout changes nothing.
sync: $(STAMP)
	$(BIN)/nbdev_export
	@if git rev-parse --git-dir >/dev/null 2>&1 && [ -n "$$(git status --porcelain -- dancebook)" ]; then \
		echo "dancebook/ is out of sync with nbs/ (run nbdev_export and commit):"; git status --porcelain -- dancebook; exit 1; fi

# Notebooks run one at a time: librosa's numba functions are compiled into an on-disk cache on first
# use, and two processes compiling the same function at once can leave an index that segfaults later.
test: sync
	$(BIN)/nbdev_test --n_workers 1
	$(BIN)/python -m pytest -q -rs tests   # -rs: the summary names every skipped test and why

lab: $(STAMP)
	cd nbs && ../$(BIN)/jupyter lab --LabApp.default_url=/lab/tree/course/00_start_here.ipynb $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# 2-D pose (`dancebook pose`): MediaPipe 0.10.21 pins numpy<2, so it lives in its own venv, called as a subprocess.
# Only what mediapipe.solutions.pose imports is installed (not jax, jaxlib, sentencepiece, sounddevice,
# opencv-contrib); its full pose model ships inside the wheel, so it runs offline afterwards.
POSE_VENV ?= .pose-venv
POSE_REQS := mediapipe==0.10.21 numpy==1.26.4 opencv-python-headless==4.10.0.84 protobuf==4.25.8 \
	absl-py==2.1.0 attrs==24.3.0 flatbuffers==24.12.23 matplotlib==3.9.4
pose-env: $(POSE_VENV)/.pose-installed

$(POSE_VENV)/.pose-installed: Makefile
	test -x $(POSE_VENV)/bin/python || $(PYTHON) -m venv $(POSE_VENV)
	$(POSE_VENV)/bin/python -m pip install --quiet --no-deps $(POSE_REQS)
	$(POSE_VENV)/bin/python -m pip install --quiet --no-deps contourpy==1.3.1 cycler==0.12.1 fonttools==4.55.3 \
		kiwisolver==1.4.8 packaging==24.2 pillow==11.1.0 pyparsing==3.2.1 python-dateutil==2.9.0.post0 six==1.17.0
	$(POSE_VENV)/bin/python -c "import mediapipe as mp, numpy; mp.solutions.pose.Pose(model_complexity=1).close(); print('pose env ok: mediapipe', mp.__version__, 'numpy', numpy.__version__)"
	touch $@

clean:
	rm -rf $(VENV) $(POSE_VENV) reports/*.html reports/index.json reports/_executed reports/mathjax reports/thumbs artifacts .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
