"""Shared set-up of the plotting tests: the Agg backend, rendering, clean-up.

Each test module skips itself when matplotlib is missing: a skip raised here,
in a conftest, would abort a run given this directory as its argument.
"""

import numpy as np
import pytest

try:
    import matplotlib
except ImportError:
    pass
else:
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
