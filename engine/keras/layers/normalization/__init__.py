"""Normalization layers (Keras 3 ``layers/normalization``): batch, layer, group, unit and RMS normalization."""
