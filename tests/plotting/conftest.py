"""Shared set-up of the plotting tests: the Agg backend, rendering, clean-up."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def _render(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


@pytest.fixture
def render():
    """Draw a figure and return its pixels as an (h, w, 3) uint8 array."""
    return _render


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
