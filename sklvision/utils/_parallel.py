"""Chunks of per-image loops for joblib (one task = a chunk of images)."""

import numpy as np
from joblib import effective_n_jobs

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
