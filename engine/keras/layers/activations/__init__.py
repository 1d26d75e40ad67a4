"""Activation layers (Keras 3 ``layers/activations``): ReLU, LeakyReLU, PReLU, ELU, Softmax."""
