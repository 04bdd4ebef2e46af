"""The model's .npz arrays read without numpy give numpy's own values, and only float arrays."""

from __future__ import annotations

import io

import numpy as np
import pytest

from nianbao.sections.classifier import ARRAYS_FILENAME, packaged_model_dir
from nianbao.sections.npz import read_npz


def _npz(**arrays) -> io.BytesIO:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    buffer.seek(0)
    return buffer


def test_the_shipped_model_arrays_read_as_numpy_reads_them():
    with (packaged_model_dir() / ARRAYS_FILENAME).open("rb") as fh:
        ours = read_npz(fh)
    with (packaged_model_dir() / ARRAYS_FILENAME).open("rb") as fh, np.load(fh, allow_pickle=False) as theirs:
        assert sorted(ours) == sorted(theirs.files)
        for name in theirs.files:
            assert np.array_equal(np.asarray(ours[name]), theirs[name]), name


@pytest.mark.parametrize("order", ["C", "F"])
def test_two_dimensional_arrays_in_either_order(order):
    values = np.asarray(np.arange(12, dtype=np.float64).reshape(3, 4) / 7, order=order)
    read = read_npz(_npz(m=values))["m"]
    assert [list(row) for row in read] == values.tolist()


@pytest.mark.parametrize("array", [np.arange(3), np.array([1.0], dtype=">f8"), np.array([object()], dtype=object),
                                   np.zeros((2, 2, 2))])
def test_anything_but_a_float64_vector_or_matrix_is_refused(array):
    buffer = io.BytesIO()
    np.savez(buffer, a=array)  # an object array is pickled inside: never unpickled here
    buffer.seek(0)
    with pytest.raises(ValueError):
        read_npz(buffer)


def test_a_file_that_is_no_zip_is_a_value_error():
    with pytest.raises(ValueError, match="npz"):
        read_npz(io.BytesIO(b"not a zip"))
