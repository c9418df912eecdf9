"""Progress messages of estimators with ``verbose``."""

import time


def _log_stage(estimator, msg, t0):
    """Print ``[ClassName] msg (elapsed s)`` when ``estimator.verbose``.

    ``t0`` is the :func:`time.perf_counter` value at the start of the call.
    """
    if estimator.verbose:
        elapsed = time.perf_counter() - t0
        print(f"[{type(estimator).__name__}] {msg} ({elapsed:.1f} s)", flush=True)
