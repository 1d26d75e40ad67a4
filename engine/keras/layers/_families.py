"""Imports every layer family module so each registers its classes."""
import importlib
import pkgutil

_FAMILIES = ("core", "activations", "convolutional", "pooling", "normalization", "regularization",
             "reshaping", "merging", "rnn", "preprocessing")
for _fam in _FAMILIES:
    try:
        _pkg = importlib.import_module(f"{__package__}.{_fam}")
    except ModuleNotFoundError as _e:
        if _e.name != f"{__package__}.{_fam}":
            raise
        continue
    for _info in pkgutil.iter_modules(_pkg.__path__):
        importlib.import_module(f"{_pkg.__name__}.{_info.name}")
__all__: list = []
