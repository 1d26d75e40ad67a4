"""Reshaping layers (Keras 3 ``layers/reshaping``): Flatten, Reshape, Permute, RepeatVector, padding, cropping, up-sampling."""
