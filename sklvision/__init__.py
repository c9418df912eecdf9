"""Classical image classification and object detection for scikit-learn."""

from sklvision._show_versions import show_versions

__version__ = "0.1.0.dev0"

__all__ = ["__version__", "show_versions"]
