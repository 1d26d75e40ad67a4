"""``function`` (tf.function): results, tracing and graphs, engine vs real TensorFlow.

What is compared with TF: the values every call returns, how many times the
Python body is traced for a given call sequence (counted with a Python side
effect), the exception classes for bad calls, and the op types in a concrete
function's graph.  One documented difference: with an ``input_signature`` that
has ``None`` dims TF traces once, while the engine keeps one internal trace per
concrete shape (its graphs are replayed numpy kernels); there only results and
errors are compared.  Variables passed as *arguments* are likewise traced per
variable by the engine (TF: per shape/dtype).
"""
from __future__ import annotations

import numpy as np
import pytest
from tf_compare import same

import engine


def _count_traces(m, body, calls):
    """Decorate ``body(m)`` with ``m.function`` and run ``calls``; returns (n traces, results)."""
    traces = []
    fn = m.function(body(m, traces))
    results = [fn(*a, **k) for a, k in calls(m)]
    return len(traces), results


# ---------------------------------------------------------------------------
# Results and retracing
def test_results_match_eager_and_tf(tf_oracle, rng):
    xv = rng.standard_normal((4, 3)).astype("float32")
    wv = rng.standard_normal((3, 2)).astype("float32")

    def body(m, x, w):
        h = m.maximum(m.matmul(x, w), 0.0)
        return m.reduce_sum(m.tanh(h) * 2.0 + m.exp(-h), axis=1), h

    def run(m):
        x, w = m.constant(xv), m.constant(wv)
        f = m.function(lambda a, b: body(m, a, b))
        return [body(m, x, w), f(x, w), f(x * 2.0, w)]
    r = same(run, tf_oracle)
    np.testing.assert_allclose(r[0][0][3], r[1][0][3], rtol=1e-6)


def test_retracing_on_new_shapes_dtypes_and_python_values(tf_oracle):
    def body(m, traces):
        def f(x, k=1.0):
            traces.append(1)
            return x * k + 1.0
        return f

    def calls(m):
        c = m.constant
        return [((c([1.0, 2.0]),), {}), ((c([3.0, 4.0]),), {}),          # same shape: no retrace
                ((c([1.0, 2.0, 3.0]),), {}),                               # new shape
                ((c([1.0, 2.0], m.float64),), {}),                         # new dtype
                ((c([1.0, 2.0]), 2.0), {}), ((c([5.0, 6.0]), 2.0), {}),    # new Python value, then same
                ((c([1.0, 2.0]), 3.0), {}), ((c([1.0, 2.0]),), {"k": 3.0}),  # keyword == positional
                ((np.array([1.0, 2.0], np.float32),), {}),                 # numpy array == tensor spec
                ((2.0,), {}), ((3.0,), {}), ((3.0,), {})]                  # Python scalars: by value
    same(lambda m: _count_traces(m, body, calls), tf_oracle)


def test_defaults_keywords_and_literal_equality_share_traces(tf_oracle):
    def body(m, traces):
        def f(x, k=1.0, flag=True):
            traces.append(1)
            return x * k if flag else x
        return f

    def calls(m):
        x = m.constant(1.0)
        return [((x,), {}), ((x, 1.0), {}), ((x,), {"k": 1.0}), ((), {"k": 1.0, "x": x}),
                ((x, 1), {}), ((x, 1.0, True), {}), ((x, 1.0, 1), {}), ((x, 1.0, False), {}),
                ((x, 1.0, 0), {}), ((x, 2.0), {})]
    same(lambda m: _count_traces(m, body, calls), tf_oracle)


def test_python_structures_in_keys(tf_oracle):
    def body(m, traces):
        def f(x, k):
            traces.append(1)
            return x
        return f

    def calls(m):
        x = m.constant(1.0)
        return [((x, k), {}) for k in (1, 1.0, 2.0, 2, 0, False, None, "a", "a", (1, 2), (1, 2),
                                        [1, 2], [1, 2], {"a": 1}, {"a": 1})]
    same(lambda m: _count_traces(m, body, calls), tf_oracle)


def test_numpy_scalars_are_tensor_arguments(tf_oracle):
    def body(m, traces):
        def f(x):
            traces.append(1)
            return x * 2
        return f

    def calls(m):
        return [((1,), {}), ((2,), {}), ((1,), {}), ((m.constant(1),), {}), ((np.int32(3),), {}),
                ((np.float32(1.5),), {}), ((m.constant(2.5),), {})]
    same(lambda m: _count_traces(m, body, calls), tf_oracle)


def test_tracing_count_api(tf_oracle):
    def run(m):
        @m.function
        def f(x):
            return x + 1.0
        f(m.constant([[1.0]]))
        f(m.constant([[1.0, 2.0]]))
        f(m.constant([[3.0]]))
        return f.experimental_get_tracing_count()
    same(run, tf_oracle)


def test_varargs_and_structured_arguments(tf_oracle):
    def run(m):
        @m.function
        def total(*args):
            return m.add_n(list(args))

        @m.function
        def pick(d, xs):
            return d["a"] * xs[0] + xs[1]
        c = m.constant
        return [total(c(1.0), c(2.0)), total(c(1.0), c(2.0), c(3.0)),
                pick({"a": c(2.0)}, [c(3.0), c(4.0)]), pick({"a": c(1.0)}, (c(3.0), c(4.0)))]
    same(run, tf_oracle)


# ---------------------------------------------------------------------------
# input_signature
def test_input_signature_with_none_dims_results(tf_oracle):
    def run(m):
        @m.function(input_signature=[m.TensorSpec([None], m.float32)])
        def f(x):
            return x * 2.0
        return [f(m.constant([1.0, 2.0])), f(m.constant([1.0, 2.0, 3.0])), f([5.0]), f(np.ones(4, np.float32))]
    same(run, tf_oracle)


def test_input_signature_nested_specs(tf_oracle):
    def run(m):
        spec = m.TensorSpec([None, 2], m.float32)

        @m.function(input_signature=[[spec, spec], m.TensorSpec([], m.float32)])
        def f(pair, s):
            return (pair[0] + pair[1]) * s
        return f([m.ones([3, 2]), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]], 2.0)
    same(run, tf_oracle)


@pytest.mark.parametrize("make_arg", [
    lambda m: m.constant([1.0, 2.0], m.float64),   # wrong dtype
    lambda m: m.constant([[1.0]]),                 # wrong rank
    lambda m: m.constant([1, 2]),                  # int tensor
    lambda m: [1.5, "x"],                          # not convertible
], ids=["dtype", "rank", "int", "junk"])
def test_input_signature_incompatible_calls_raise(tf_oracle, make_arg):
    def run(m):
        @m.function(input_signature=[m.TensorSpec([None], m.float32)])
        def f(x):
            return x * 2.0
        return f(make_arg(m))
    r = same(run, tf_oracle)
    assert r[0] == "raises" and r[1] in ("TypeError", "ValueError")


def test_input_signature_wrong_arity_raises(tf_oracle):
    def run(m):
        @m.function(input_signature=[m.TensorSpec([2], m.float32)])
        def f(x):
            return x
        return f(m.constant([1.0, 2.0]), m.constant(1.0))
    assert same(run, tf_oracle) == ("raises", "TypeError")


def test_input_signature_concrete_function(tf_oracle):
    def run(m):
        @m.function(input_signature=[m.TensorSpec([None, 2], m.float32)])
        def f(x):
            return m.reduce_sum(x, axis=1)
        cf = f.get_concrete_function()
        return [cf(m.constant([[1.0, 2.0], [3.0, 4.0]])), f(np.ones((3, 2), np.float32))]
    same(run, tf_oracle)


# ---------------------------------------------------------------------------
# Concrete functions and graphs
def test_concrete_function_graph_has_matmul_and_add(tf_oracle):
    def run(m):
        @m.function
        def f(x, w, b):
            return m.matmul(x, w) + b
        cf = f.get_concrete_function(m.TensorSpec([None, 3], m.float32), m.TensorSpec([3, 2], m.float32),
                                     m.TensorSpec([2], m.float32))
        types = {op.type for op in cf.graph.get_operations()}
        x, w, b = np.ones((4, 3), np.float32), np.full((3, 2), 0.5, np.float32), np.arange(2, dtype=np.float32)
        return {"MatMul", "AddV2"} <= types, cf(m.constant(x), m.constant(w), m.constant(b))
    same(run, tf_oracle)
    cf = engine.function(lambda x, w, b: engine.matmul(x, w) + b).get_concrete_function(
        engine.constant(np.ones((2, 3), np.float32)), engine.constant(np.ones((3, 2), np.float32)),
        engine.constant(np.ones(2, np.float32)))
    assert [op.type for op in cf.graph.operations] == ["MatMul", "AddV2"]


def test_concrete_function_from_example_arguments_reuses_trace(tf_oracle):
    def run(m):
        traces = []

        @m.function
        def f(x):
            traces.append(1)
            return x * 2.0 + 1.0
        f(m.constant(1.0))
        f(m.constant(2.0))
        cf = f.get_concrete_function(m.constant(5.0))
        cf2 = f.get_concrete_function(m.TensorSpec([], m.float32))
        return len(traces), cf(m.constant(7.0)), cf2(m.constant(-1.0))
    same(run, tf_oracle)


def test_concrete_function_with_variables(tf_oracle):
    def run(m):
        w = m.Variable([[1.0], [2.0]], name="w")
        frozen = m.Variable(3.0, trainable=False, name="frozen")

        @m.function
        def f(x):
            return m.matmul(x, w) * frozen
        cf = f.get_concrete_function(m.TensorSpec([None, 2], m.float32))
        names = sorted(v.name for v in cf.variables)
        trainable = sorted(v.name for v in cf.trainable_variables)
        w.assign([[10.0], [20.0]])
        return names, trainable, cf(m.constant([[1.0, 1.0]]))
    same(run, tf_oracle)


def test_concrete_function_with_none_dims_handles_shape_dependent_graphs(tf_oracle):
    def run(m):
        @m.function
        def f(x):
            return m.broadcast_to(m.reduce_sum(x), m.shape(x)) + m.reshape(x, [-1])
        cf = f.get_concrete_function(m.TensorSpec([None], m.float32))
        return [cf(m.ones([2])), cf(m.constant([1.0, 2.0, 3.0])), cf(m.ones([1]))]
    same(run, tf_oracle)


def test_concrete_function_call_binding(tf_oracle):
    def run(m):
        @m.function
        def f(x, y, scale=2.0):
            return (x * y) * scale
        cf = f.get_concrete_function(m.TensorSpec([2], m.float32), m.TensorSpec([2], m.float32))
        cf_py = f.get_concrete_function(m.TensorSpec([2], m.float32), 3.0)
        g = m.function(lambda x: x * 2.0).get_concrete_function(m.TensorSpec([2], m.float32))
        return [cf(m.ones([2]), m.constant([1.0, 2.0])), cf(y=m.ones([2]), x=m.constant([3.0, 4.0])),
                cf_py(m.constant([1.0, 2.0])), g([1.0, 2.0])]
    same(run, tf_oracle)


def test_concrete_function_dtype_mismatch_raises(tf_oracle):
    def run(m):
        @m.function
        def f(x):
            return x * 2.0
        cf = f.get_concrete_function(m.TensorSpec([2], m.float32))
        return cf(m.ones([2], m.float64))
    assert same(run, tf_oracle) == ("raises", "InvalidArgumentError")


def test_concrete_function_under_a_tape_is_differentiable(tf_oracle):
    def run(m):
        @m.function
        def f(x):
            return m.sin(x) * x
        cf = f.get_concrete_function(m.TensorSpec([2], m.float32))
        x = m.constant([1.0, 2.0])
        with m.GradientTape() as t:
            t.watch(x)
            y = cf(x)
        return y, t.gradient(y, x)
    same(run, tf_oracle)


def test_structured_outputs(tf_oracle):
    def run(m):
        @m.function
        def f(x):
            return {"a": x, "b": [x * 2.0, 3, None], "c": (x.shape.as_list(), True)}
        first = f(m.constant([1.0]))
        second = f(m.constant([4.0]))
        return first, second
    same(run, tf_oracle)


def test_returning_a_variable_gives_its_current_value(tf_oracle):
    def run(m):
        v = m.Variable(1.0)

        @m.function
        def f():
            v.assign_add(1.0)
            return v
        return [f(), f(), v.numpy()]
    same(run, tf_oracle)


# ---------------------------------------------------------------------------
# Side effects, variables, training
def test_python_side_effects_only_at_trace_time(tf_oracle, capsys):
    def run(m):
        log = []

        @m.function
        def f(x):
            log.append("traced")
            print("tracing f")
            return x + 1.0
        f(m.constant(1.0))
        f(m.constant(2.0))
        f(m.constant(3.0))
        return log
    same(run, tf_oracle)
    out = capsys.readouterr().out
    assert out.count("tracing f") == 2   # once for the engine, once for TF


def test_variable_counter(tf_oracle):
    def run(m):
        v = m.Variable(0.0)

        @m.function
        def inc():
            v.assign_add(1.0)
            return v.read_value()
        outs = [inc() for _ in range(3)]
        return outs, v.numpy()
    r = same(run, tf_oracle)
    assert r[1] == 3.0


def test_variables_read_and_assigned_inside(tf_oracle):
    def run(m):
        v = m.Variable(1.0)
        acc = m.Variable([0.0, 0.0])

        @m.function
        def f(x):
            v.assign(x * 2.0)
            acc.assign_add(m.constant([1.0, 0.0]) * v + m.constant([0.0, 1.0]) * x)
            return v * 3.0
        return [f(m.constant(1.0)), f(m.constant(5.0)), v.numpy(), acc.numpy()]
    same(run, tf_oracle)


def test_variable_captured_by_reference(tf_oracle):
    def run(m):
        v = m.Variable(2.0)
        c = m.constant(3.0)

        @m.function
        def f(x):
            return x * v + c
        a = f(m.constant(1.0))
        v.assign(10.0)
        return [a, f(m.constant(1.0))]
    same(run, tf_oracle)


def test_training_step_in_function_matches_eager(tf_oracle):
    data = np.random.default_rng(0)
    X = data.standard_normal((16, 3)).astype(np.float32)
    Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)

    def run(m):
        out = []
        for compiled in (False, True):
            w = m.Variable(np.full((3, 1), 0.1, np.float32))
            b = m.Variable(np.zeros(1, np.float32))

            def step(x, y):
                with m.GradientTape() as t:
                    pred = m.matmul(x, w) + b
                    loss = m.reduce_mean(m.square(pred - y))
                gw, gb = t.gradient(loss, [w, b])
                w.assign_sub(0.1 * gw)
                b.assign_sub(0.1 * gb)
                return loss
            fn = m.function(step) if compiled else step
            losses = [fn(m.constant(X), m.constant(Y)) for _ in range(5)]
            out.append((losses, w.numpy(), b.numpy()))
        return out
    eager, compiled = same(run, tf_oracle)
    for a, b in zip(eager[0], compiled[0]):
        np.testing.assert_allclose(a[3], b[3], rtol=1e-6)


def test_higher_order_gradients_inside_function(tf_oracle):
    def run(m):
        x0 = m.Variable(0.5)

        @m.function
        def f():
            with m.GradientTape() as t2:
                with m.GradientTape() as t1:
                    y = m.tanh(x0) * x0
                g = t1.gradient(y, x0)
            return g, t2.gradient(g, x0)
        a = f()
        x0.assign(-1.5)
        return [a, f()]
    same(run, tf_oracle)


def test_persistent_tape_and_jacobian_inside_function(tf_oracle):
    def run(m):
        @m.function
        def f(x):
            with m.GradientTape(persistent=True) as t:
                t.watch(x)
                y = x * x
                z = m.reduce_sum(m.sin(y))
            return t.gradient(z, x), t.jacobian(y, x)
        return [f(m.constant([1.0, 2.0])), f(m.constant([0.5, -1.0]))]
    same(run, tf_oracle)


# ---------------------------------------------------------------------------
# Composition, methods, eager switch, tapes outside
def test_nested_functions(tf_oracle):
    def run(m):
        traces = []

        @m.function
        def inner(x):
            traces.append("inner")
            return x * x

        @m.function
        def outer(x):
            traces.append("outer")
            return inner(x) + inner(x * 2.0)
        return [outer(m.constant(3.0)), outer(m.constant(4.0)), inner(m.constant(2.0))]
    same(run, tf_oracle)


def test_methods_decorated_with_function(tf_oracle):
    def run(m):
        class Model:
            def __init__(self, scale):
                self.w = m.Variable(scale)
                self.traces = 0

            @m.function
            def __call__(self, x):
                self.traces += 1
                return x * self.w

            @m.function
            def double(self, x, times=2):
                return self(x) * times
        a, b = Model(2.0), Model(5.0)
        outs = [a(m.constant(1.0)), a(m.constant(2.0)), b(m.constant(1.0))]
        traces = (a.traces, b.traces)
        # A function called while another traces: TF reuses its trace, the engine
        # inlines the Python body (so only results are compared here).
        outs += [a.double(m.constant(1.0)), a.double(m.constant(1.0), times=3)]
        return outs, traces
    same(run, tf_oracle)


def test_run_functions_eagerly(tf_oracle):
    def run(m):
        traces = []
        m.config.run_functions_eagerly(True)
        try:
            @m.function
            def f(x):
                traces.append(1)
                return x + 1.0
            first = [f(m.constant(1.0)), f(m.constant(2.0)), m.config.functions_run_eagerly()]
        finally:
            m.config.run_functions_eagerly(False)
        second = [f(m.constant(1.0)), f(m.constant(2.0)), m.config.functions_run_eagerly()]
        return first, second, len(traces)
    same(run, tf_oracle)


def test_tensor_as_python_bool_raises(tf_oracle):
    def run(m):
        @m.function(autograph=False)   # the engine has no autograph; TF without it raises the same
        def f(x):
            if x > 0:
                return x
            return -x
        return f(m.constant(1.0))
    assert same(run, tf_oracle) == ("raises", "OperatorNotAllowedInGraphError")
    with pytest.raises(engine.errors.OperatorNotAllowedInGraphError, match="bool"):
        run(engine)


def test_python_bool_of_constants_is_fine(tf_oracle):
    def run(m):
        @m.function
        def f(x, flag):
            return x * 2.0 if flag else x
        return [f(m.constant(1.0), True), f(m.constant(1.0), False)]
    same(run, tf_oracle)


def test_tape_outside_function_gets_gradients(tf_oracle):
    def run(m):
        w = m.Variable([[1.0], [-2.0]])

        @m.function
        def f(x):
            return m.reduce_sum(m.sin(m.matmul(x, w)))
        x = m.constant([[0.5, 1.5]])
        with m.GradientTape() as t:
            t.watch(x)
            y = f(x) * 2.0
        return t.gradient(y, [x, w])
    same(run, tf_oracle)


def test_random_ops_inside_functions_change_per_call(tf_oracle):
    def run(m):
        @m.function
        def f():
            return m.random.uniform([4], seed=3)
        a, b = f().numpy(), f().numpy()
        return bool(np.all(a == b)), a.shape, a.dtype.str, bool(np.all((a >= 0) & (a < 1)))
    same(run, tf_oracle)
