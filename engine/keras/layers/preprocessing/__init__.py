"""Preprocessing layers (Keras 3 ``layers/preprocessing``): Rescaling, Normalization, CategoryEncoding."""
