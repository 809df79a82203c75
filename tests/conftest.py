"""Fixtures shared by the test modules."""
import pytest


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    "One artifact folder per test module, so what a module's tests train (smoke models, helpers) is trained once."
    mp = pytest.MonkeyPatch()
    mp.setenv("DANCEBOOK_ARTIFACTS", str(tmp_path_factory.mktemp("artifacts")))
    yield
    mp.undo()
