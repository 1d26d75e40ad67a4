"""``DropoutRNNCell``: the per-call cached dropout masks of RNN cells (Keras 3 mixin)."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ..regularization.dropout import dropout


class DropoutRNNCell:
    """Creates the input / recurrent dropout masks once per layer call, reused at every step.

    Cells mixing this in have ``dropout``, ``recurrent_dropout``, ``seed`` and,
    with Keras's ``implementation=1``, ``dropout_mask_count`` (one mask per gate).
    A mask is ``dropout(ones_like(step_input))``: entries are 0 or ``1 / (1 - rate)``.
    """

    def _create_dropout_mask(self, step_input: Any, dropout_rate: float) -> Any:
        count = getattr(self, "dropout_mask_count", None)
        ones = tf.ones_like(step_input)
        if count is None:
            return dropout(ones, dropout_rate, None, self.seed)
        return [dropout(ones, dropout_rate, None, self.seed) for _ in range(count)]

    def get_dropout_mask(self, step_input: Any) -> Any:
        """The input mask(s) of the current call (created on first use)."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input: Any) -> Any:
        """The recurrent-state mask(s) of the current call (created on first use)."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None
