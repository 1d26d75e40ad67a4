"""Tensor, conversion, creation ops, dtypes, errors and Variable: engine vs real TensorFlow.

Every expected value comes from TensorFlow itself (the ``tf_oracle`` fixture); one
lambda ``fn(module)`` describes both sides, and :func:`same` compares values,
dtypes, shapes — or, when TF raises, the exception class.
"""
from __future__ import annotations

import numpy as np
import pytest
from tf_compare import outcome, same

import engine


# ---------------------------------------------------------------------------
# Tensor basics
VALUES = [
    1.5, 3, True, [1.0, 2.0], [[1, 2], [3, 4]], [True, False], [], [[]],
    np.float64(2.5), np.int64(7), np.array([1.0, 2.0]), np.arange(6, dtype=np.int16).reshape(2, 3),
    np.array([1.0, 2.0], np.float16), np.zeros((2, 0), np.float32), 1 + 2j, 2 ** 40, [1, 2 ** 40],
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: repr(v)[:30])
def test_constant_value_dtype_shape(tf_oracle, value):
    same(lambda m: m.constant(value), tf_oracle)
    same(lambda m: (m.constant(value).dtype.name, m.constant(value).shape.as_list(),
                    m.constant(value).ndim, m.constant(value).shape.rank), tf_oracle)


@pytest.mark.parametrize("value", [
    0.1, 3.0, 1e-8, 7, True, [1.0, 2.0], np.array([1.0, 2.0]), [[1, 2], [3, 4]], np.arange(30.0),
    np.arange(24).reshape(2, 3, 4), np.zeros((2, 0), np.float32), np.zeros((0,)), [[True]],
    np.arange(12.0, dtype=np.float32).reshape(3, 4), np.float16(1.5), -2.5,
], ids=lambda v: repr(v)[:30])
def test_repr_and_str_match_tf(tf_oracle, value):
    for mod_fn in (repr, str):
        assert mod_fn(engine.constant(value)) == mod_fn(tf_oracle.constant(value))


def test_numpy_returns_copies_and_scalars(tf_oracle):
    same(lambda m: type(m.constant(2.0).numpy()).__name__, tf_oracle)
    same(lambda m: m.constant([[1.0]]).numpy().dtype.str, tf_oracle)
    t = engine.constant([1.0, 2.0])
    a = t.numpy()
    a[0] = 99.0
    assert t.numpy()[0] == 1.0


def test_tensor_shape_api(tf_oracle):
    same(lambda m: m.constant([[1.0, 2.0]]).shape == (1, 2), tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape == [1, 2], tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape == m.TensorShape([1, 2]), tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape != [2, 1], tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape[1], tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape[-1], tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape[0:1].as_list(), tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape.num_elements(), tf_oracle)
    same(lambda m: m.constant([[1.0, 2.0]]).shape.is_fully_defined(), tf_oracle)
    same(lambda m: m.TensorShape([None, 2]).is_compatible_with([5, 2]), tf_oracle)
    same(lambda m: m.TensorShape([None, 2]).is_compatible_with([5, 3]), tf_oracle)
    same(lambda m: (str(m.constant([[1.0]]).shape), repr(m.constant([[1.0]]).shape)), tf_oracle)
    same(lambda m: (str(m.constant([1.0]).shape), str(m.constant(1.0).shape)), tf_oracle)
    same(lambda m: m.constant([[1.0]]).get_shape().as_list(), tf_oracle)


def test_unhashable_and_ref(tf_oracle):
    same(lambda m: hash(m.constant(1.0)), tf_oracle)  # both raise TypeError
    same(lambda m: (lambda t: ({t.ref(): 5}[t.ref()], t.ref().deref() is t))(m.constant([1.0])), tf_oracle)
    same(lambda m: m.constant([1.0]).ref() == m.constant([1.0]).ref(), tf_oracle)
    same(lambda m: (lambda v: {v.ref(): 1}[v.ref()])(m.Variable(1.0)), tf_oracle)
    same(lambda m: hash(m.Variable(1.0)), tf_oracle)


# ---------------------------------------------------------------------------
# constant / convert_to_tensor / cast
@pytest.mark.parametrize("value,dtype,shape", [
    (2.0, "float32", [2, 3]), (2, "float64", [3]), ([1.0, 2.0, 3.0, 4.0], None, [2, 2]),
    ([1.0, 2.0, 3.0], None, [2, 2]), ([1.0, 2.0], None, [3]), (5.0, None, []), ([5.0], None, []),
    ([5.0], None, [1, 1, 1]), (5.0, None, [0]), (1, "float32", [2]), (True, None, [2]),
    (np.arange(6.0), "float32", [2, 3]), (7, "int64", (2, 1)),
], ids=str)
def test_constant_dtype_and_shape_args(tf_oracle, value, dtype, shape):
    same(lambda m: m.constant(value, dtype=dtype, shape=shape), tf_oracle)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy warns on overflow; TF is silent
@pytest.mark.parametrize("value,dtype", [
    (1.0, "int32"), ([1.0, 2.0], "int32"), (1.5, "int32"), ([1.5], "int32"), (1, "bool"),
    (True, "float32"), (True, "int32"), ([1, 2], "float64"), (300, "int8"), (300, "uint8"),
    (-1, "uint8"), (2 ** 40, "int32"), (1e40, "float32"), (np.array([1.5, -2.7]), "int32"),
    (np.float64(1.5), "int32"), (np.array([1, 300]), "uint8"), (np.array([0.0, 1.5]), "bool"),
    (np.array([True, False]), "float32"), (np.array([1], np.int64), "int32"), (1, "float16"),
], ids=str)
def test_convert_to_tensor_with_dtype(tf_oracle, value, dtype):
    same(lambda m: m.convert_to_tensor(value, dtype=dtype), tf_oracle)
    same(lambda m: m.constant(value, dtype=dtype), tf_oracle)


def test_convert_to_tensor_errors_and_hints(tf_oracle):
    same(lambda m: m.convert_to_tensor(m.constant([1.0]), dtype=m.float64), tf_oracle)   # ValueError
    same(lambda m: m.convert_to_tensor(m.constant([1]), dtype=m.float32), tf_oracle)     # ValueError
    same(lambda m: m.convert_to_tensor(None), tf_oracle)                                 # ValueError
    same(lambda m: m.convert_to_tensor(2 ** 63), tf_oracle)                              # ValueError
    same(lambda m: m.convert_to_tensor([[1, 2], [3]]), tf_oracle)                        # ValueError
    same(lambda m: m.convert_to_tensor([1, 2], dtype_hint=m.float32), tf_oracle)
    same(lambda m: m.convert_to_tensor([1.5], dtype_hint=m.int32), tf_oracle)
    same(lambda m: m.convert_to_tensor(1.0, dtype_hint=m.int32), tf_oracle)
    same(lambda m: m.convert_to_tensor([m.constant(1.0), 2.0]), tf_oracle)
    same(lambda m: m.convert_to_tensor([m.constant(1.0), m.constant(2.0)]), tf_oracle)
    same(lambda m: m.convert_to_tensor([1, 2.5]), tf_oracle)
    same(lambda m: m.convert_to_tensor(m.Variable([1.0, 2.0])), tf_oracle)
    same(lambda m: m.is_tensor(m.constant(1.0)), tf_oracle)
    same(lambda m: m.is_tensor(np.ones(2)), tf_oracle)
    t = engine.constant([1.0])
    assert engine.convert_to_tensor(t) is t


def test_constant_shape_mismatch_raises_type_error(tf_oracle):
    for mod in (engine, tf_oracle):
        with pytest.raises(TypeError, match="unsupported shape"):
            mod.constant([1.0, 2.0, 3.0], shape=[2, 2])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy warns on overflow; TF is silent
@pytest.mark.parametrize("value,src,dst", [
    ([1.7, -1.7, 2.5, -0.5], "float32", "int32"), ([1.5, -2.5], "float64", "int64"),
    ([0, 2, -1], "int32", "bool"), ([True, False], "bool", "float32"), ([1e10, -1e10], "float32", "int32"),
    ([1, 2], "int32", "float64"), ([1.25, 3.0], "float32", "float16"), ([300, -5], "int32", "uint8"),
    ([1.0, 2.0], "float32", "float32"),
], ids=str)
def test_cast(tf_oracle, value, src, dst):
    same(lambda m: m.cast(m.constant(value, dtype=src), dst), tf_oracle)


def test_cast_python_values_and_gradient(tf_oracle):
    same(lambda m: m.cast([1, 2], m.float64), tf_oracle)
    same(lambda m: m.cast(2.7, m.int32), tf_oracle)

    def grad(m):
        x = m.constant([1.5, -2.0], m.float64)
        with m.GradientTape() as t:
            t.watch(x)
            y = m.cast(x, m.float32) * m.constant([3.0, 4.0])
        return t.gradient(y, x)
    same(grad, tf_oracle)


# ---------------------------------------------------------------------------
# Creation ops
@pytest.mark.parametrize("call", [
    lambda m: m.zeros([2, 3]), lambda m: m.zeros(3), lambda m: m.zeros([2, 0]), lambda m: m.zeros((), m.int32),
    lambda m: m.zeros(m.constant([2, 1])), lambda m: m.ones([2], dtype=m.bool), lambda m: m.ones([1, 2], m.float64),
    lambda m: m.ones((3,), "int64"), lambda m: m.fill([2, 2], 3), lambda m: m.fill([2], 3.0),
    lambda m: m.fill([2, 2], m.constant(1.0, m.float64)), lambda m: m.fill([0, 3], 1.0),
    lambda m: m.fill(m.constant([2]), True),
    lambda m: m.eye(3), lambda m: m.eye(2, 3), lambda m: m.eye(3, 2, dtype=m.int32),
    lambda m: m.eye(2, batch_shape=[3]), lambda m: m.eye(2, 3, batch_shape=[2, 1]), lambda m: m.eye(0),
    lambda m: m.zeros_like([1, 2]), lambda m: m.zeros_like(m.constant([[1.0, 2.0]])),
    lambda m: m.zeros_like(np.array([1.0, 2.0])), lambda m: m.zeros_like(m.constant([1.0]), dtype=m.int32),
    lambda m: m.ones_like([[True]]), lambda m: m.ones_like(m.constant([1.0, 2.0]), dtype=m.int32),
    lambda m: m.ones_like(m.constant([[1, 2]], m.int64)), lambda m: m.ones_like(m.Variable([1.0, 2.0])),
], ids=lambda c: "")
def test_fill_like_creation(tf_oracle, call):
    same(call, tf_oracle)


@pytest.mark.parametrize("args,kwargs", [
    ((5,), {}), ((2, 7), {}), ((1, 10, 3), {}), ((10, 0, -3), {}), ((5, 0, -2), {}), ((0,), {}),
    ((3, 3), {}), ((1.0, 2.0, 0.3), {}), ((0.0, 1.0, 0.1), {}), ((2.5,), {}), ((1, 2.5, 0.5), {}),
    ((5.0, -3.0, -0.33), {}), ((0.1, 3.7, 0.13), {}), ((0, 5, 1), {"dtype": "float64"}),
    ((5,), {"dtype": "float32"}), ((0.0, 100.0, 0.1), {}), ((-2.0, 2.0, 0.37), {"dtype": "float64"}),
    ((0, 10, -3), {}), ((10, 0, 3), {}), ((0, 5, 0), {}), ((0.0, 1.0, 0.0), {}),
], ids=str)
def test_range(tf_oracle, args, kwargs):
    same(lambda m: m.range(*args, **kwargs), tf_oracle)


def test_range_tensor_arguments(tf_oracle):
    same(lambda m: m.range(m.constant(3, m.int64)), tf_oracle)
    same(lambda m: m.range(m.constant(1.0, m.float64), 2.5), tf_oracle)
    same(lambda m: m.range(np.float64(1.0), 2.5), tf_oracle)
    same(lambda m: m.range(m.constant(4)), tf_oracle)


@pytest.mark.parametrize("call", [
    lambda m: m.linspace(0.0, 1.0, 5), lambda m: m.linspace(0, 1, 5), lambda m: m.linspace(-3.0, 7.0, 1),
    lambda m: m.linspace(m.constant(0.0, m.float64), 1.0, 4), lambda m: m.linspace(2.0, -1.0, 7),
    lambda m: m.linspace(m.constant([0.0, 1.0]), m.constant([1.0, 3.0]), 3),
    lambda m: m.linspace(m.constant([0.0, 1.0]), m.constant([1.0, 3.0]), 3, axis=1),
    lambda m: m.linspace(m.constant([0.0, 1.0]), m.constant([1.0, 3.0]), 4, axis=-1),
], ids=lambda c: "")
def test_linspace(tf_oracle, call):
    e, t = call(engine), call(tf_oracle)
    assert e.dtype.name == t.dtype.name and e.shape == t.shape
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("call", [
    lambda m: m.one_hot([0, 2, 5, -1], 3), lambda m: m.one_hot([0, 2], 3, on_value=5, off_value=-1),
    lambda m: m.one_hot([[0, 2]], 3, axis=0), lambda m: m.one_hot([[0, 2]], 3, axis=1),
    lambda m: m.one_hot([[1, 0], [2, 2]], 3, axis=-1), lambda m: m.one_hot([0, 2], 3, dtype=m.int64),
    lambda m: m.one_hot([1], 3, on_value=1.0), lambda m: m.one_hot([1], 3, off_value=2),
    lambda m: m.one_hot(m.constant([1], m.int64), 3, axis=0), lambda m: m.one_hot(3, 4),
    lambda m: m.one_hot([1, 0], 3, on_value=1.0, off_value=0.0, dtype=m.float64),
    lambda m: m.one_hot([0, 1], 0), lambda m: m.one_hot(np.array([[1], [7]]), 2, on_value=True, off_value=False),
    lambda m: m.one_hot([0, 1], 3, on_value=2.0, off_value=-1.0, dtype=m.float16),
], ids=lambda c: "")
def test_one_hot(tf_oracle, call):
    same(call, tf_oracle)


# ---------------------------------------------------------------------------
# dtypes and errors
def test_dtype_objects(tf_oracle):
    same(lambda m: (m.float32 == np.float32, m.float32 == "float32", m.float32 != m.float64,
                    m.int32 == np.dtype("int32"), m.float64 == m.double), tf_oracle)
    same(lambda m: [m.as_dtype(x).name for x in (np.float64, "int32", "float", float, bool,
                                                  np.dtype("uint8"), m.half, "double")], tf_oracle)
    same(lambda m: repr(m.as_dtype("float32")), tf_oracle)
    names = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
             "uint32", "uint64", "bool", "complex64", "complex128"]
    same(lambda m: [(getattr(m, n if n != "bool" else "bool").name,
                     getattr(m, n).is_floating, getattr(m, n).is_integer, getattr(m, n).is_bool,
                     getattr(m, n).is_complex, getattr(m, n).is_unsigned, getattr(m, n).size,
                     getattr(m, n).as_numpy_dtype.__name__) for n in names], tf_oracle)
    for n in ["float16", "float32", "float64", "int8", "int32", "int64", "uint8", "uint32"]:
        same(lambda m: (getattr(m, n).max, getattr(m, n).min), tf_oracle)
    same(lambda m: m.as_dtype("no_such_type"), tf_oracle)   # TypeError


def test_errors_hierarchy(tf_oracle):
    names = ["OpError", "CancelledError", "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
             "NotFoundError", "AlreadyExistsError", "PermissionDeniedError", "ResourceExhaustedError",
             "FailedPreconditionError", "AbortedError", "OutOfRangeError", "UnimplementedError",
             "InternalError", "UnavailableError", "DataLossError", "UnauthenticatedError",
             "OperatorNotAllowedInGraphError"]
    for n in names:
        ec, tc = getattr(engine.errors, n), getattr(tf_oracle.errors, n)
        assert [b.__name__ for b in ec.__mro__[:3]] == [b.__name__ for b in tc.__mro__[:3]], n
        if n not in ("OpError", "OperatorNotAllowedInGraphError"):
            assert ec(None, None, "m").error_code == tc(None, None, "m").error_code, n
    err = engine.errors.InvalidArgumentError(None, None, "bad thing")
    assert isinstance(err, engine.errors.OpError) and err.message == "bad thing" and str(err) == "bad thing"


def test_op_errors_are_invalid_argument(tf_oracle):
    same(lambda m: m.matmul(m.ones([2, 3]), m.ones([2, 3])), tf_oracle)
    same(lambda m: m.add(m.constant([1, 2]), m.constant([1.0, 2.0])), tf_oracle)
    same(lambda m: m.constant([1.0, 2.0]) + m.constant([1.0, 2.0, 3.0]), tf_oracle)
    for mod in (engine, tf_oracle):
        r = outcome(lambda m: m.matmul(m.ones([2, 3]), m.ones([2, 3])), mod)
        assert isinstance(r.exc, mod.errors.OpError) and "[2,3]" in str(r.exc).replace(" ", "")


def test_python_scalar_operands_take_tensor_dtype(tf_oracle):
    same(lambda m: m.constant([1.0, 2.0]) * 2, tf_oracle)
    same(lambda m: 2 * m.constant([1.0, 2.0], m.float64), tf_oracle)
    same(lambda m: m.constant([1, 2]) + np.float64(2.0), tf_oracle)
    same(lambda m: m.constant([1.0, 2.0]) + np.array([1, 2]), tf_oracle)
    same(lambda m: np.array([1.0, 2.0]) + m.constant([1.0, 2.0]), tf_oracle)
    same(lambda m: m.add(1.0, 2), tf_oracle)
    same(lambda m: m.constant([1, 2]) * 3, tf_oracle)


# ---------------------------------------------------------------------------
# Variable
def test_variable_names_and_flags(tf_oracle):
    same(lambda m: m.Variable(1.0).name, tf_oracle)
    same(lambda m: m.Variable(1.0, name="w").name, tf_oracle)
    same(lambda m: m.Variable(1.0, name="dense/kernel").name, tf_oracle)
    same(lambda m: (m.Variable(1.0).trainable, m.Variable(1.0, trainable=False).trainable), tf_oracle)
    same(lambda m: (m.Variable([[1.0, 2.0]]).shape.as_list(), m.Variable([[1.0, 2.0]]).dtype.name), tf_oracle)
    same(lambda m: m.Variable(1.0, dtype=m.float64).dtype.name, tf_oracle)
    same(lambda m: m.Variable(3).dtype.name, tf_oracle)
    same(lambda m: m.Variable(lambda: m.ones([2])).numpy().tolist(), tf_oracle)
    same(lambda m: m.Variable(np.arange(3, dtype=np.int64)).dtype.name, tf_oracle)
    same(lambda m: m.Variable(None), tf_oracle)  # ValueError


@pytest.mark.parametrize("value", [[1.0, 2.0], 1.0, [[1, 2], [3, 4]], np.arange(30.0)], ids=str)
def test_variable_repr(tf_oracle, value):
    assert repr(engine.Variable(value)) == repr(tf_oracle.Variable(value))
    assert repr(engine.Variable(value, name="v")) == repr(tf_oracle.Variable(value, name="v"))


def test_assign_family(tf_oracle):
    def run(m):
        v = m.Variable([1.0, 2.0])
        r1 = v.assign([3.0, 4.0])
        r2 = v.assign_add([1.0, 1.0])
        r3 = v.assign_sub(m.constant([0.5, 0.5]))
        r4 = v.assign([7.0, 8.0], read_value=False)
        return [r1.numpy(), r2.numpy(), r3.numpy(), r4, v.numpy(), v.read_value(), v.value()]
    same(run, tf_oracle)
    same(lambda m: m.Variable([1.0, 2.0]).assign([1.0, 2.0, 3.0]), tf_oracle)      # ValueError
    same(lambda m: m.Variable([1.0, 2.0]).assign(5.0), tf_oracle)                  # ValueError
    same(lambda m: m.Variable([1.0, 2.0]).assign(m.constant([1, 2])), tf_oracle)   # ValueError
    same(lambda m: m.Variable([1.0, 2.0]).assign_add(m.constant([1, 1])), tf_oracle)
    same(lambda m: m.Variable([1.0, 2.0]).assign([1, 2]).numpy(), tf_oracle)


def test_assign_error_message_names_shapes():
    v = engine.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        v.assign([1.0, 2.0, 3.0])


def test_read_value_is_a_snapshot(tf_oracle):
    def run(m):
        v = m.Variable([1.0, 2.0])
        r = v.read_value()
        t = m.identity(v)
        v.assign([5.0, 6.0])
        return [r, t, v.read_value(), m.convert_to_tensor(v)]
    same(run, tf_oracle)


def test_variable_operators(tf_oracle):
    def run(m):
        v = m.Variable([1.0, 2.0])
        w = m.Variable([[1.0], [3.0]])
        return [v + 1.0, 1.0 - v, v * v, v / 2.0, 2.0 / v, -v, v ** 2, 2.0 ** v, v > 1.0, v <= 1.0,
                v == m.constant([1.0, 5.0]), v @ w if False else m.matmul(m.reshape(v, [1, 2]), w),
                abs(-v), v - w, v // 1.5, v % 1.5]
    same(run, tf_oracle)


def test_variables_in_ops(tf_oracle):
    def run(m):
        v = m.Variable([[1.0, 2.0]])
        return [m.matmul(v, m.transpose(v)), m.reduce_sum(v), m.exp(v), m.reshape(v, [2]),
                m.add(v, v), m.maximum(v, 1.5), m.cast(v, m.int32), m.zeros_like(v), m.identity(v)]
    same(run, tf_oracle)


def test_int_variables(tf_oracle):
    def run(m):
        v = m.Variable(3)
        v.assign_add(2)
        w = m.Variable([1, 2], dtype=m.int64)
        w.assign_sub([1, 1])
        return [v.numpy(), (v * 2), (v // 2), v.dtype.name, w, m.reduce_sum(w), w + 1]
    same(run, tf_oracle)


def test_variable_numpy_protocols(tf_oracle):
    same(lambda m: np.asarray(m.Variable([1.0, 2.0])).tolist(), tf_oracle)
    same(lambda m: (float(m.Variable(2.0)), int(m.Variable(3))), tf_oracle)
    same(lambda m: m.Variable([1.0, 2.0]).numpy().dtype.str, tf_oracle)
    v = engine.Variable([1.0, 2.0])
    a = v.numpy()
    a[0] = 9.0
    assert v.numpy()[0] == 1.0
    assert np.array(engine.Variable([[1, 2]]), dtype=np.float64).dtype == np.float64


def test_variable_from_variable_copies(tf_oracle):
    def run(m):
        v = m.Variable(1.0)
        v2 = m.Variable(v)
        v.assign(5.0)
        return [v.numpy(), v2.numpy()]
    same(run, tf_oracle)


def test_deepcopy_and_pickle_roundtrip():
    import copy
    import pickle
    v = engine.Variable([1.0, 2.0], name="w", trainable=False)
    for w in (copy.deepcopy(v), pickle.loads(pickle.dumps(v))):
        assert w is not v and w.name == "w:0" and not w.trainable
        np.testing.assert_array_equal(w.numpy(), v.numpy())
    t = engine.constant([[1.0, 2.0]])
    t2 = pickle.loads(pickle.dumps(t))
    np.testing.assert_array_equal(t2.numpy(), t.numpy())
    assert copy.deepcopy(t).dtype == t.dtype
