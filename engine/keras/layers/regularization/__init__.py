"""Regularization layers (Keras 3 ``layers/regularization``): dropout variants, noise, activity penalties."""
