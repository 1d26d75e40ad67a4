"""``tf.config``: runtime knobs; ``threading`` sets BLAS threads via threadpoolctl."""
from __future__ import annotations

from types import SimpleNamespace

_state = {"intra": 0, "inter": 0, "limiter": None}


def _set_intra(n: int) -> None:
    from threadpoolctl import threadpool_limits
    _state["intra"] = int(n)
    _state["limiter"] = threadpool_limits(limits=int(n) if n else None)


def _get_intra() -> int:
    return _state["intra"]


def _set_inter(n: int) -> None:
    _state["inter"] = int(n)


def _get_inter() -> int:
    return _state["inter"]


threading = SimpleNamespace(
    set_intra_op_parallelism_threads=_set_intra,
    get_intra_op_parallelism_threads=_get_intra,
    set_inter_op_parallelism_threads=_set_inter,
    get_inter_op_parallelism_threads=_get_inter,
)


def set_num_threads(n: int) -> None:
    """Number of BLAS threads (0 restores the library default)."""
    _set_intra(n)


def list_physical_devices(device_type: str | None = None) -> list:
    devs = [SimpleNamespace(name="/physical_device:CPU:0", device_type="CPU")]
    return [d for d in devs if device_type in (None, "CPU")]


def run_functions_eagerly(run_eagerly: bool) -> None:
    from .function import function as _f
    _f.RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    from .function import function as _f
    return _f.RUN_EAGERLY[0]
