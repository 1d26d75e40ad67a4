"""Load a SavedModel with TensorFlow's C API and run one fetch (used by test_saved_model.py).

``TF_LoadSessionFromSavedModel`` is the C++ ``tensorflow::LoadSavedModel`` that
TF Serving uses (formats.md §3.3).  Run as a subprocess, so a crash cannot take
pytest down:  ``python saved_model_capi.py <tf_pkg_dir> <saved_model_dir>
<input_node> <output_node> <in.npy> <out.npy>`` (one float32 input, one output).
"""
from __future__ import annotations

import ctypes
import hmac  # noqa: F401  formats.md §3.3: import before CDLL(RTLD_GLOBAL) or OpenSSL symbols clash
import secrets  # noqa: F401
import sys

import numpy as np

VP = ctypes.c_void_p


class TFOutput(ctypes.Structure):
    """``TF_Output``: an operation and an output index."""

    _fields_ = [("oper", VP), ("index", ctypes.c_int)]


def _lib(tf_dir: str) -> ctypes.CDLL:
    ctypes.CDLL(f"{tf_dir}/libtensorflow_framework.so.2", mode=ctypes.RTLD_GLOBAL)
    lib = ctypes.CDLL(f"{tf_dir}/libtensorflow_cc.so.2", mode=ctypes.RTLD_GLOBAL)
    lib.TF_NewStatus.restype = VP
    lib.TF_GetCode.argtypes = [VP]
    lib.TF_Message.argtypes = [VP]
    lib.TF_Message.restype = ctypes.c_char_p
    lib.TF_NewGraph.restype = VP
    lib.TF_NewSessionOptions.restype = VP
    lib.TF_LoadSessionFromSavedModel.restype = VP
    lib.TF_LoadSessionFromSavedModel.argtypes = [VP, VP, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p),
                                                 ctypes.c_int, VP, VP, VP]
    lib.TF_GraphOperationByName.restype = VP
    lib.TF_GraphOperationByName.argtypes = [VP, ctypes.c_char_p]
    lib.TF_AllocateTensor.restype = VP
    lib.TF_AllocateTensor.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_int64), ctypes.c_int, ctypes.c_size_t]
    lib.TF_TensorData.restype = VP
    lib.TF_TensorData.argtypes = [VP]
    lib.TF_TensorByteSize.restype = ctypes.c_size_t
    lib.TF_TensorByteSize.argtypes = [VP]
    lib.TF_NumDims.argtypes = [VP]
    lib.TF_Dim.restype = ctypes.c_int64
    lib.TF_Dim.argtypes = [VP, ctypes.c_int]
    lib.TF_SessionRun.argtypes = [VP, VP, ctypes.POINTER(TFOutput), ctypes.POINTER(VP), ctypes.c_int,
                                  ctypes.POINTER(TFOutput), ctypes.POINTER(VP), ctypes.c_int, VP, ctypes.c_int,
                                  VP, VP]
    return lib


def main() -> int:
    tf_dir, sm_dir, in_name, out_name, src, dst = sys.argv[1:7]
    lib = _lib(tf_dir)
    status, graph, opts = lib.TF_NewStatus(), lib.TF_NewGraph(), lib.TF_NewSessionOptions()
    tags = (ctypes.c_char_p * 1)(b"serve")
    sess = lib.TF_LoadSessionFromSavedModel(opts, None, sm_dir.encode(), tags, 1, graph, None, status)
    if lib.TF_GetCode(status) != 0:
        print("LOAD FAILED:", lib.TF_Message(status).decode())
        return 2
    x = np.ascontiguousarray(np.load(src).astype(np.float32))
    dims = (ctypes.c_int64 * x.ndim)(*x.shape)
    t = lib.TF_AllocateTensor(1, dims, x.ndim, x.nbytes)  # 1 = TF_FLOAT
    ctypes.memmove(lib.TF_TensorData(t), x.ctypes.data, x.nbytes)
    feed = TFOutput(lib.TF_GraphOperationByName(graph, in_name.encode()), 0)
    fetch = TFOutput(lib.TF_GraphOperationByName(graph, out_name.encode()), 0)
    if not feed.oper or not fetch.oper:
        print("NODE NOT FOUND")
        return 4
    values = (VP * 1)(t)
    result = (VP * 1)()
    lib.TF_SessionRun(sess, None, ctypes.byref(feed), values, 1, ctypes.byref(fetch), result, 1, None, 0, None,
                      status)
    if lib.TF_GetCode(status) != 0:
        print("RUN FAILED:", lib.TF_Message(status).decode())
        return 3
    out = result[0]
    shape = [lib.TF_Dim(out, i) for i in range(lib.TF_NumDims(out))]
    y = np.frombuffer(ctypes.string_at(lib.TF_TensorData(out), lib.TF_TensorByteSize(out)), dtype=np.float32)
    np.save(dst, y.reshape(shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
