"""dancebook.nn: the generic blocks give bit-identical numbers to the per-model definitions they replace.

DanceIt's AudioEncoder/PoseEncoder/gflops are still defined in its model module; when it switches to the generic
block and drops its own, the matching test here goes with it (HarmoGAN's BCE losses already went: it uses nn.gan's)."""
import torch
import pytest

from dancebook.nn.blocks import BiLSTMEncoder, gflops
from dancebook.nn.graph import STGCNEncoder
from dancebook.models import danceit


@pytest.mark.parametrize("mode", ["eval", "train"])
def test_bilstm_encoder_is_danceit_audio_encoder(mode):
    x = torch.randn(4, 30, 13)
    torch.manual_seed(0); old = getattr(danceit.AudioEncoder(13, 20, 16, 0.1), mode)()
    torch.manual_seed(0); new = getattr(BiLSTMEncoder(13, 20, 16, 0.1), mode)()
    assert list(new.state_dict()) == list(old.state_dict())            # checkpoints load either way
    torch.manual_seed(1); a = old(x)
    torch.manual_seed(1); b = new(x)
    assert torch.equal(a, b)
    assert gflops(new.eval(), x[:1]) == danceit.gflops(old.eval(), x[:1])


@pytest.mark.parametrize("mode", ["eval", "train"])
def test_stgcn_encoder_is_danceit_pose_encoder(mode):
    p = torch.randn(4, 24, 23, 4)
    torch.manual_seed(0); old = getattr(danceit.PoseEncoder("dwm23", 4, (8, 16, 16), 16, 5, 0.1), mode)()
    torch.manual_seed(0); new = getattr(STGCNEncoder("dwm23", 4, (8, 16, 16), 16, 5, 0.1), mode)()
    assert list(new.state_dict()) == list(old.state_dict())
    torch.manual_seed(1); a = old(p)
    torch.manual_seed(1); b = new(p)
    assert torch.equal(a, b)

