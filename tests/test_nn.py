"""dancebook.nn: the generic blocks give bit-identical numbers to the per-model definitions they replace.

HarmoGAN's d_loss/g_adv_loss are still defined in its model module (DanceIt's encoders and gflops are gone from it);
when a model module switches to the generic block and drops its own, the matching test here goes with it."""
import torch
import pytest

from dancebook.nn.gan import discriminator_loss, generator_loss
from dancebook.models import harmogan


def test_bce_losses_are_harmogans():
    real, fake, fake2 = torch.randn(8, 1), torch.randn(8, 1), torch.randn(8, 1)
    assert torch.equal(discriminator_loss(real, fake), harmogan.d_loss(real, fake))
    assert torch.equal(generator_loss(fake) + generator_loss(fake2), harmogan.g_adv_loss(fake, fake2))
