"""``format="keras"``: the Keras 3 ``.keras`` zip (``model.keras`` inside the export directory)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

RUNTIME = "keras"
FILENAME = "model.keras"


def write(model: Any, out_dir: Path, **options: Any) -> None:
    from ..keras.saving.keras_file import save_model
    save_model(model, str(Path(out_dir) / FILENAME))


def reference_predict(out_dir: Path, inputs: list) -> Any:
    """Real Keras 3 loads the file and predicts (None when keras/tensorflow is not installed)."""
    try:
        import keras
    except ImportError:
        return None
    m = keras.models.load_model(str(Path(out_dir) / FILENAME))
    y = m(inputs if len(inputs) > 1 else inputs[0], training=False)
    ys = y if isinstance(y, (list, tuple)) else [y]
    return f"keras {keras.__version__}", [__import__("numpy").asarray(v) for v in ys]
