"""Constructor-argument filtering: configs from other writers (Keras 3.x, TF.js) carry keys we do not use."""
from __future__ import annotations

import inspect
from typing import Any, Iterable


def known_kwargs(cls: type, config: dict, extra: Iterable[str] = ()) -> dict:
    """The entries of ``config`` that ``cls.__init__`` (through its ``**kwargs`` chain) accepts."""
    accepted = set(extra)
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        accepted.update(n for n, p in params.items()
                        if n != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            break
    return {k: v for k, v in config.items() if k in accepted}
