"""Recurrent layers: ``RNN`` with ``SimpleRNNCell`` / ``LSTMCell`` / ``GRUCell``, the fused
``SimpleRNN`` / ``LSTM`` / ``GRU`` layers, ``StackedRNNCells``, ``Bidirectional`` and ``TimeDistributed``."""
