"""Pooling layers (Keras 3 ``layers/pooling``): max/average pooling in 1-3 dims and their global forms."""
