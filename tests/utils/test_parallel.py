"""Tests for the joblib helpers of sklvision.utils._parallel."""

import numpy as np
import pytest
from joblib import parallel_config

from sklvision.utils._parallel import (
    _chunk_indices,
    _one_blas_thread,
    _one_blas_thread_if_parallel,
)
from sklvision.utils._sklearn_compat import _get_threadpool_controller


def _blas_threads():
    # the BLAS libraries of scikit-learn's shared controller, the one the
    # limit uses (it knows the libraries loaded when it was first created,
    # as for scikit-learn's own KMeans)
    info = _get_threadpool_controller().info()
    return [m["num_threads"] for m in info if m["user_api"] == "blas"]


def test_chunk_indices_follow_effective_n_jobs():
    assert [len(c) for c in _chunk_indices(10, None)] == [10]
    assert len(_chunk_indices(40, 2)) == 8
    assert len(_chunk_indices(40, None, progress=True)) == 10
    with parallel_config(n_jobs=2):
        assert len(_chunk_indices(40, None)) == 8
    assert _chunk_indices(0, 2) == []
    chunks = _chunk_indices(5, 4)
    np.testing.assert_array_equal(np.concatenate(chunks), np.arange(5))


def test_one_blas_thread_is_shared_and_the_last_user_restores():
    before = _blas_threads()
    if not before or max(before) == 1:
        pytest.skip("BLAS already runs on one thread here")
    # users leaving in another order than they came: the limit holds until
    # the last one leaves, then the original comes back
    a, b = _one_blas_thread(), _one_blas_thread()
    a.__enter__()
    b.__enter__()
    assert set(_blas_threads()) == {1}
    a.__exit__(None, None, None)
    assert set(_blas_threads()) == {1}
    b.__exit__(None, None, None)
    assert _blas_threads() == before


def test_one_blas_thread_if_parallel_only_for_several_jobs():
    before = _blas_threads()
    with _one_blas_thread_if_parallel(None):
        assert _blas_threads() == before
    if before and max(before) > 1:
        with _one_blas_thread_if_parallel(2):
            assert set(_blas_threads()) == {1}
        assert _blas_threads() == before
