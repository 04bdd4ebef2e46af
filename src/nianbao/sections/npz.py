"""Read the float arrays of a numpy ``.npz`` file without numpy (and without pickle).

The paragraph model's arrays are written by ``numpy.savez_compressed`` at training time; a
check only needs to read them, and importing numpy costs more than the whole read.  An ``.npz``
is a zip of ``.npy`` files, each a short header (a Python literal: dtype, order, shape) and the
raw values.  Only little-endian float64 arrays of one or two dimensions are accepted (in C or
Fortran order: scikit-learn's coefficients are often the latter), which is what the exporter
writes; anything else (an object array, which numpy could only
unpickle) is a ValueError.
"""

from __future__ import annotations

import ast
import struct
import sys
import zipfile
from array import array
from typing import BinaryIO, Union

_MAGIC = b"\x93NUMPY"

# A 1-D array, or a 2-D one as its rows.
FloatArray = Union[array, list]


def read_npz(fh: BinaryIO) -> dict[str, FloatArray]:
    """{name: values} of every array in the open ``.npz`` file ``fh``."""
    try:
        with zipfile.ZipFile(fh) as archive:
            return {
                info.filename.removesuffix(".npy"): _read_npy(archive.read(info), info.filename)
                for info in archive.infolist()
            }
    except (zipfile.BadZipFile, EOFError, struct.error) as exc:
        raise ValueError(f"not a readable .npz file ({exc})") from exc


def _read_npy(data: bytes, name: str) -> FloatArray:
    if not data.startswith(_MAGIC) or len(data) < 10:
        raise ValueError(f"{name} is not an .npy array")
    major = data[6]
    if major == 1:
        (header_length,), start = struct.unpack_from("<H", data, 8), 10
    elif major in (2, 3):
        (header_length,), start = struct.unpack_from("<I", data, 8), 12
    else:
        raise ValueError(f"{name}: .npy format version {major} is not supported")
    try:
        header = ast.literal_eval(data[start : start + header_length].decode("latin1"))
    except (ValueError, SyntaxError) as exc:
        raise ValueError(f"{name}: unreadable .npy header") from exc
    if not isinstance(header, dict) or header.get("descr") != "<f8" or header.get("fortran_order") not in (False, True):
        raise ValueError(f"{name} holds {header.get('descr') if isinstance(header, dict) else header!r}, "
                         "not the little-endian float64 array the model format has")
    shape = header.get("shape")
    if not isinstance(shape, tuple) or not 1 <= len(shape) <= 2 or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ValueError(f"{name}: shape {shape!r} is not one of a 1-D or 2-D array")
    values = array("d")
    values.frombytes(data[start + header_length :])
    if sys.byteorder != "little":
        values.byteswap()
    size = shape[0] * (shape[1] if len(shape) == 2 else 1)
    if len(values) != size:
        raise ValueError(f"{name}: {len(values)} values for shape {shape}")
    if len(shape) == 1:
        return values
    rows, width = shape
    if header["fortran_order"]:  # column after column
        return [values[i::rows] for i in range(rows)]
    return [values[i * width : (i + 1) * width] for i in range(rows)]
