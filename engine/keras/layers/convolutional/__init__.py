"""Convolution layers (Keras 3 ``layers/convolutional``): Conv1D/2D/3D, transposes, depthwise and separable."""
