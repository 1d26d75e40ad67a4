import numpy as np
from engine_oracle import check_against_tf, check_finite_differences


def test_matmul_broadcast_add(tf_oracle, rng):
    a = rng.standard_normal((2, 3, 4)).astype("float32")
    b = rng.standard_normal((4, 5)).astype("float32")
    c = rng.standard_normal((5,)).astype("float32")
    check_against_tf(lambda t, a, b, c: t.matmul(a, t.broadcast_to(b, [2, 4, 5])) + c, [a, b, c], tf_oracle)
    check_finite_differences(lambda t, a, b, c: t.matmul(a, t.broadcast_to(b, [2, 4, 5])) * c,
                             [a.astype("float64"), b.astype("float64"), c.astype("float64")])
