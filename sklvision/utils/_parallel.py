"""Chunks of per-image loops for joblib (one task = a chunk of images)."""

import contextlib
import threading

import numpy as np
from joblib import effective_n_jobs

from sklvision.utils._sklearn_compat import _get_threadpool_controller

# Tasks per job: images differ in cost (size, number of proposals), so a few
# chunks per worker keep all workers busy until the end.
_CHUNKS_PER_JOB = 4
# Chunks when progress is reported: joblib reports finished tasks (how often
# depends on its verbose), so a few large chunks report only near the end.
_MIN_CHUNKS_WITH_PROGRESS = 10


def _chunk_indices(n, n_jobs, *, progress=False):
    """Split ``range(n)`` into consecutive chunks of indices for joblib.

    The number of chunks follows :func:`joblib.effective_n_jobs`, so
    ``n_jobs=None`` means 1 unless inside a :func:`joblib.parallel_config`
    context (scikit-learn's rule): one chunk for one job, otherwise
    ``4 * n_jobs`` chunks; at least 10 when ``progress`` (so that joblib's
    progress messages come during the run); never more than ``n``.

    Parameters
    ----------
    n : int
        Number of items (images).
    n_jobs : int or None
        The ``n_jobs`` parameter of the caller.
    progress : bool, default=False
        Whether joblib reports progress over the chunks.

    Returns
    -------
    chunks : list of ndarray of int
        Non-empty index arrays covering ``range(n)`` in order (empty list
        for ``n=0``).
    """
    n_jobs = effective_n_jobs(n_jobs)
    n_chunks = 1 if n_jobs == 1 else _CHUNKS_PER_JOB * n_jobs
    if progress:
        n_chunks = max(n_chunks, _MIN_CHUNKS_WITH_PROGRESS)
    n_chunks = max(1, min(n, n_chunks))
    return [c for c in np.array_split(np.arange(n), n_chunks) if len(c)]


_BLAS_LOCK = threading.Lock()
_BLAS_STATE = {"users": 0, "limiter": None}


@contextlib.contextmanager
def _one_blas_thread():
    """Context: the enclosed code runs with one BLAS thread.

    The limit is scikit-learn's shared threadpoolctl controller, as
    ``KMeans`` uses it (threadpoolctl is a dependency of scikit-learn, not of
    sklvision). It is process-wide, so nested and concurrent users (threads
    of ``prefer="threads"``, the threading backend or a Dask cluster of
    threads) share one: the first sets it and the last restores the
    original, where separate ``limit`` contexts left in another order would
    leave BLAS on one thread for good.

    Used where many small matrix products would wake a multi-threaded BLAS
    each time (``ProposalCrops``' crops: 10 to 100x slower on a busy 2-core
    machine), and by :func:`_one_blas_thread_if_parallel`.
    """
    with _BLAS_LOCK:
        if _BLAS_STATE["users"] == 0:
            controller = _get_threadpool_controller()
            _BLAS_STATE["limiter"] = controller.limit(limits=1, user_api="blas")
        _BLAS_STATE["users"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_STATE["users"] -= 1
            if _BLAS_STATE["users"] == 0:
                _BLAS_STATE["limiter"].restore_original_limits()
                _BLAS_STATE["limiter"] = None


def _one_blas_thread_if_parallel(n_jobs):
    """:func:`_one_blas_thread` while several jobs may run in this process.

    Jobs run as threads call code that sets and restores the process-wide
    BLAS thread count themselves (scikit-learn's k-means ``predict``); from
    concurrent threads the restores interleave and could leave BLAS at one
    thread after the call. Under this outer limit they all restore 1, and the
    user's setting comes back at its end; it also avoids n_jobs x BLAS
    threads. Does nothing for one job.
    """
    if effective_n_jobs(n_jobs) == 1:
        return contextlib.nullcontext()
    return _one_blas_thread()
