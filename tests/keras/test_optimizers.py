"""keras.optimizers vs real Keras 3: update maths, slots, clipping, weight decay, schedules,
learning-rate changes, state save/restore, traced steps and configs."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import engine as tf
from engine import keras as ek
from engine.keras.layers.layer import KerasVariable

SHAPES = [(3, 4), (5,)]



STEPS = 5


def _data(seed=0, steps=STEPS, zero_second=False):
    rng = np.random.default_rng(seed)
    init = [rng.normal(size=s).astype(np.float32) for s in SHAPES]
    grads = [[rng.normal(size=s).astype(np.float32) * (1.0 + i) for s in SHAPES] for i in range(steps)]
    if zero_second:
        for g in grads[:2]:
            g[1][...] = 0.0
    return init, grads


def _ours_vars(init, constraint=None):
    return [KerasVariable(init[0].copy(), name="w", path="w", constraint=constraint),
            KerasVariable(init[1].copy(), name="b", path="b")]


def _keras_vars(k, init, constraint=None):
    vs = [k.Variable(init[0].copy(), name="w"), k.Variable(init[1].copy(), name="b")]
    if constraint is not None:
        vs[0].constraint = constraint
    return vs


def _slots(opt):
    return {v.name: np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in opt.variables}


def _close(ours, theirs, init=None, what=""):
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=what)
    if init is not None:  # the displacement itself, so small updates are checked too
        np.testing.assert_allclose(ours - init, theirs - init, rtol=2e-4, atol=2e-7, err_msg=what + " (delta)")


def _schedule(mod, kind):
    S = mod.optimizers.schedules
    return {
        "exp": lambda: S.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5),
        "exp_stair": lambda: S.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True),
        "piecewise": lambda: S.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01]),
        "poly": lambda: S.PolynomialDecay(0.05, decay_steps=3, end_learning_rate=0.001, power=2.0),
        "poly_cycle": lambda: S.PolynomialDecay(0.05, decay_steps=3, end_learning_rate=0.001, cycle=True),
        "inverse": lambda: S.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5),
        "inverse_stair": lambda: S.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True),
        "cosine": lambda: S.CosineDecay(0.1, decay_steps=4, alpha=0.1),
        "cosine_warmup": lambda: S.CosineDecay(0.0, decay_steps=4, warmup_target=0.05, warmup_steps=2),
        "restarts": lambda: S.CosineDecayRestarts(0.1, first_decay_steps=2, t_mul=2.0, m_mul=0.5, alpha=0.05),
        "restarts_t1": lambda: S.CosineDecayRestarts(0.1, first_decay_steps=2, t_mul=1.0),
    }[kind]()


# (id, factory(mod) -> optimizer); mod is engine.keras or the real keras
CASES = [
    ("sgd", lambda k: k.optimizers.SGD(0.1)),
    ("sgd_default", lambda k: k.optimizers.SGD()),
    ("sgd_momentum", lambda k: k.optimizers.SGD(0.1, momentum=0.9)),
    ("sgd_nesterov", lambda k: k.optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
    ("sgd_clipnorm", lambda k: k.optimizers.SGD(0.1, clipnorm=1.0)),
    ("sgd_weight_decay", lambda k: k.optimizers.SGD(0.1, momentum=0.5, weight_decay=0.1)),
    ("adam", lambda k: k.optimizers.Adam()),
    ("adam_lr", lambda k: k.optimizers.Adam(0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-3)),
    ("adam_amsgrad", lambda k: k.optimizers.Adam(0.05, amsgrad=True)),
    ("adam_clipnorm", lambda k: k.optimizers.Adam(0.05, clipnorm=0.5)),
    ("adam_global_clipnorm", lambda k: k.optimizers.Adam(0.05, global_clipnorm=1.0)),
    ("adam_clipvalue", lambda k: k.optimizers.Adam(0.05, clipvalue=0.3)),
    ("adam_weight_decay", lambda k: k.optimizers.Adam(0.05, weight_decay=0.05)),
    ("adam_loss_scale", lambda k: k.optimizers.Adam(0.05, loss_scale_factor=4.0)),
    ("adamw", lambda k: k.optimizers.AdamW()),
    ("adamw_strong", lambda k: k.optimizers.AdamW(0.05, weight_decay=0.1, amsgrad=True)),
    ("rmsprop", lambda k: k.optimizers.RMSprop()),
    ("rmsprop_momentum", lambda k: k.optimizers.RMSprop(0.01, momentum=0.5)),
    ("rmsprop_centered", lambda k: k.optimizers.RMSprop(0.01, centered=True)),
    ("rmsprop_centered_momentum", lambda k: k.optimizers.RMSprop(0.01, rho=0.8, momentum=0.9, centered=True)),
    ("rmsprop_clipvalue", lambda k: k.optimizers.RMSprop(0.01, clipvalue=0.5)),
    ("adagrad", lambda k: k.optimizers.Adagrad()),
    ("adagrad_lr", lambda k: k.optimizers.Adagrad(0.1, initial_accumulator_value=0.5, epsilon=1e-4)),
    ("adadelta", lambda k: k.optimizers.Adadelta()),
    ("adadelta_lr", lambda k: k.optimizers.Adadelta(1.0, rho=0.9)),
    ("adamax", lambda k: k.optimizers.Adamax()),
    ("adamax_lr", lambda k: k.optimizers.Adamax(0.05, beta_1=0.8, global_clipnorm=2.0)),
    ("nadam", lambda k: k.optimizers.Nadam()),
    ("nadam_lr", lambda k: k.optimizers.Nadam(0.05, clipnorm=1.0)),
    ("sgd_exp_schedule", lambda k: k.optimizers.SGD(_schedule(k, "exp"), momentum=0.9)),
    ("adam_cosine_warmup", lambda k: k.optimizers.Adam(_schedule(k, "cosine_warmup"))),
    ("rmsprop_piecewise", lambda k: k.optimizers.RMSprop(_schedule(k, "piecewise"))),
    ("adagrad_inverse", lambda k: k.optimizers.Adagrad(_schedule(k, "inverse"))),
    ("nadam_poly", lambda k: k.optimizers.Nadam(_schedule(k, "poly"))),
    ("adamw_restarts", lambda k: k.optimizers.AdamW(_schedule(k, "restarts"), weight_decay=0.1)),
    ("sgd_ema", lambda k: k.optimizers.SGD(0.1, momentum=0.9, use_ema=True, ema_momentum=0.5,
                                           ema_overwrite_frequency=2)),
    ("adam_ema", lambda k: k.optimizers.Adam(0.05, use_ema=True)),
    ("sgd_accumulate", lambda k: k.optimizers.SGD(0.1, momentum=0.9, gradient_accumulation_steps=2)),
    ("adam_accumulate", lambda k: k.optimizers.Adam(0.05, gradient_accumulation_steps=3, weight_decay=0.1)),
]


LR_CHANGES = {2: 0.02, 4: 0.3}  # learning_rate assigned before these steps (when it is a Variable)


def _run(k, factory, init, grads, vars_fn, lr_at=None):
    opt = factory(k)
    vs = vars_fn(init)
    per_step = []
    for i, g in enumerate(grads):
        if lr_at and i in lr_at and hasattr(opt.learning_rate, "assign"):
            opt.learning_rate = lr_at[i]
        opt.apply_gradients(zip(g, vs))
        per_step.append([np.array(v.numpy()) for v in vs])
    return opt, vs, per_step


def _compare(real_keras, factory, lr_at=None, zero_second=False):
    init, grads = _data(zero_second=zero_second)
    ours, _, ours_steps = _run(ek, factory, init, grads, _ours_vars, lr_at)
    theirs, _, their_steps = _run(real_keras, factory, init, grads, lambda i: _keras_vars(real_keras, i), lr_at)
    for step, (a, b) in enumerate(zip(ours_steps, their_steps)):
        for j, (x, y) in enumerate(zip(a, b)):
            _close(x, y, init[j], f"step {step} var {j}")
    so, st = _slots(ours), _slots(theirs)
    assert list(so) == list(st)
    for name in st:
        assert so[name].dtype == st[name].dtype, name
        _close(so[name], st[name], what=name)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    return ours, theirs


@pytest.mark.parametrize("case", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_updates_match_keras(case, real_keras):
    """5 random gradient sets, the learning rate changed twice (unless a schedule); the
    second variable gets all-zero gradients for 2 steps in the clipping cases."""
    name = next(n for n, c in CASES if c is case)
    ours, _ = _compare(real_keras, case, lr_at=LR_CHANGES, zero_second="clip" in name)
    if isinstance(ours._learning_rate, tf.Variable):
        assert isinstance(ours.learning_rate, tf.Variable)
        assert float(ours.learning_rate) == pytest.approx(LR_CHANGES[4])


def test_learning_rate_variable_iterations_and_schedule_setter(real_keras):
    opt = ek.optimizers.Adam(0.01)
    assert opt.iterations.dtype.name == "int64" and int(opt.iterations) == 0
    assert opt.learning_rate.dtype.name == "float32"
    v = _ours_vars(_data()[0])
    opt.apply_gradients(zip(_data()[1][0], v))
    assert int(opt.iterations) == 1
    sched = ek.optimizers.SGD(_schedule(ek, "exp"))
    theirs = real_keras.optimizers.SGD(_schedule(real_keras, "exp"))
    assert float(sched.learning_rate) == pytest.approx(float(theirs.learning_rate))
    with pytest.raises(TypeError):
        sched.learning_rate = 0.1
    with pytest.raises(TypeError):
        theirs.learning_rate = 0.1
    # a float optimizer switched to a schedule drops its learning_rate variable
    k_opt, k_vars = real_keras.optimizers.Adam(0.01), _keras_vars(real_keras, _data()[0])
    k_opt.apply_gradients(zip(_data()[1][0], k_vars))
    opt.learning_rate = _schedule(ek, "exp")
    k_opt.learning_rate = _schedule(real_keras, "exp")
    assert [x.path for x in opt.variables] == [x.path for x in k_opt.variables]
    assert all(x.name != "learning_rate" for x in opt.variables)
    assert float(opt.learning_rate) == pytest.approx(float(k_opt.learning_rate))


def test_none_gradient_is_skipped_with_warning(real_keras):
    init, grads = _data()
    ours = ek.optimizers.Adam(0.05)
    theirs = real_keras.optimizers.Adam(0.05)
    ov, kv = _ours_vars(init), _keras_vars(real_keras, init)
    for g in grads[:3]:
        with pytest.warns(UserWarning, match="Gradients do not exist"):
            ours.apply_gradients(zip([g[0], None], ov))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs.apply_gradients(zip([g[0], None], kv))
    _close(ov[0].numpy(), np.asarray(kv[0]), init[0])
    np.testing.assert_array_equal(ov[1].numpy(), init[1])
    with pytest.raises(ValueError, match="No gradients provided"):
        ours.apply_gradients(zip([None, None], ov))


def test_constraints_applied_after_update(real_keras):
    init, grads = _data()
    ov = _ours_vars(init, constraint=ek.constraints.NonNeg())
    kv = _keras_vars(real_keras, init, constraint=real_keras.constraints.NonNeg())
    ours, theirs = ek.optimizers.SGD(0.3, momentum=0.5), real_keras.optimizers.SGD(0.3, momentum=0.5)
    for g in grads:
        ours.apply_gradients(zip(g, ov))
        theirs.apply_gradients(zip(g, kv))
        for a, b in zip(ov, kv):
            _close(a.numpy(), np.asarray(b))
    assert (ov[0].numpy() >= 0).all()


def test_exclude_from_weight_decay(real_keras):
    init, grads = _data()
    ov, kv = _ours_vars(init), _keras_vars(real_keras, init)
    ours, theirs = ek.optimizers.AdamW(0.05, weight_decay=0.2), real_keras.optimizers.AdamW(0.05, weight_decay=0.2)
    ours.exclude_from_weight_decay(var_names=["b"])
    theirs.exclude_from_weight_decay(var_names=["b"])
    for g in grads:
        ours.apply_gradients(zip(g, ov))
        theirs.apply_gradients(zip(g, kv))
    for a, b, i in zip(ov, kv, init):
        _close(a.numpy(), np.asarray(b), i)


def test_apply_without_variables_and_build(real_keras):
    init, grads = _data()
    ours, theirs = ek.optimizers.RMSprop(0.01, momentum=0.3), real_keras.optimizers.RMSprop(0.01, momentum=0.3)
    ov, kv = _ours_vars(init), _keras_vars(real_keras, init)
    with pytest.raises(ValueError, match="must already be built"):
        ours.apply(grads[0])
    ours.build(ov)
    theirs.build(kv)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    for g in grads:
        ours.apply(g)
        theirs.apply(g)
    for a, b, i in zip(ov, kv, init):
        _close(a.numpy(), np.asarray(b), i)
    with pytest.raises(ValueError, match="Unknown variable"):
        ours.apply_gradients([(grads[0][1], KerasVariable(init[1], name="c", path="c"))])


@pytest.mark.parametrize("name", ["sgd_ema", "adam_ema"])
def test_finalize_variable_values_with_ema(name, real_keras):
    init, grads = _data()
    ov, kv = _ours_vars(init), _keras_vars(real_keras, init)
    ours, theirs = dict(CASES)[name](ek), dict(CASES)[name](real_keras)
    for g in grads:
        ours.apply_gradients(zip(g, ov))
        theirs.apply_gradients(zip(g, kv))
    ours.finalize_variable_values(ov)
    theirs.finalize_variable_values(kv)
    for a, b in zip(ov, kv):
        _close(a.numpy(), np.asarray(b))


# -- state -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sgd_momentum", "adam_amsgrad", "rmsprop_centered_momentum", "adagrad", "adadelta",
                                  "adamax", "nadam", "adam_cosine_warmup", "sgd_accumulate", "adam_ema"])
@pytest.mark.parametrize("restore_before_build", [True, False])
def test_state_round_trip_resumes_identically(name, restore_before_build):
    factory = dict(CASES)[name]
    init, grads = _data(steps=6)
    a_opt, a_vars = factory(ek), _ours_vars(init)
    for g in grads[:3]:
        a_opt.apply_gradients(zip(g, a_vars))
    state = a_opt.get_state()
    assert set(state) == {v.name for v in a_opt.variables}
    assert state["iteration"].dtype == np.int64 and int(state["iteration"]) == 3
    # a fresh optimizer and model weights copied from the checkpoint
    b_opt, b_vars = factory(ek), _ours_vars([v.numpy() for v in a_vars])
    if not restore_before_build:
        b_opt.build(b_vars)
    b_opt.set_state(state)
    for g in grads[3:]:
        a_opt.apply_gradients(zip(g, a_vars))
        b_opt.apply_gradients(zip(g, b_vars))
    for x, y in zip(a_vars, b_vars):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    for k, v in a_opt.get_state().items():
        np.testing.assert_array_equal(v, b_opt.get_state()[k], err_msg=k)


def test_state_mismatch_is_an_error():
    init, grads = _data()
    a = ek.optimizers.Adam(0.01)
    a.apply_gradients(zip(grads[0], _ours_vars(init)))
    state = a.get_state()
    b = ek.optimizers.Adam(0.01, amsgrad=True)
    b.build(_ours_vars(init))
    with pytest.raises(ValueError, match="missing keys"):
        b.set_state(state)
    c = ek.optimizers.Adam(0.01, amsgrad=True)
    c.set_state(state)  # unbuilt: checked when it is built
    with pytest.raises(ValueError, match="missing keys"):
        c.apply_gradients(zip(grads[0], _ours_vars(init)))
    bad = dict(state)
    bad["w_momentum"] = np.zeros((2, 2), np.float32)
    d = ek.optimizers.Adam(0.01)
    d.build(_ours_vars(init))
    with pytest.raises(ValueError, match="shape"):
        d.set_state(bad)


def test_save_and_load_own_variables_match_keras_layout(real_keras):
    init, grads = _data()
    ours, theirs = ek.optimizers.Adam(0.05), real_keras.optimizers.Adam(0.05)
    ov, kv = _ours_vars(init), _keras_vars(real_keras, init)
    for g in grads[:3]:
        ours.apply_gradients(zip(g, ov))
        theirs.apply_gradients(zip(g, kv))
    store_o, store_k = {}, {}
    ours.save_own_variables(store_o)
    theirs.save_own_variables(store_k)
    assert list(store_o) == list(store_k) == [str(i) for i in range(len(store_k))]
    for key in store_k:
        _close(np.asarray(store_o[key]), np.asarray(store_k[key]), what=key)
    # Keras's store loads into our optimizer and ours into Keras: both resume identically
    fresh, fresh_vars = ek.optimizers.Adam(0.05), _ours_vars([np.asarray(v) for v in kv])
    fresh.build(fresh_vars)
    fresh.load_own_variables(store_k)
    theirs2, kv2 = real_keras.optimizers.Adam(0.05), _keras_vars(real_keras, [v.numpy() for v in ov])
    theirs2.build(kv2)
    theirs2.load_own_variables(store_o)
    for g in grads[3:]:
        fresh.apply_gradients(zip(g, fresh_vars))
        theirs2.apply_gradients(zip(g, kv2))
        theirs.apply_gradients(zip(g, kv))
    for a, b, c in zip(fresh_vars, kv, kv2):
        _close(a.numpy(), np.asarray(b))
        _close(a.numpy(), np.asarray(c))
    unbuilt = ek.optimizers.Adam(0.05)
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        unbuilt.load_own_variables(store_k)


# -- traced steps ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sgd_nesterov", "adam_amsgrad", "adamw", "rmsprop_centered_momentum", "adagrad",
                                  "adadelta_lr", "adamax_lr", "nadam_lr", "adam_cosine_warmup", "rmsprop_piecewise",
                                  "sgd_weight_decay", "adam_clipvalue", "sgd_ema", "sgd_accumulate"])
def test_traced_step_matches_eager(name):
    factory = dict(CASES)[name]
    init, grads = _data(steps=6)
    eager_opt, eager_vars = factory(ek), _ours_vars(init)
    traced_opt, traced_vars = factory(ek), _ours_vars(init)

    @tf.function
    def step(g0, g1):
        traced_opt.apply_gradients(zip([g0, g1], traced_vars))
        return traced_opt._iterations

    settable = isinstance(eager_opt._learning_rate, tf.Variable)
    for i, g in enumerate(grads):
        if settable and i == 3:
            eager_opt.learning_rate = 0.2
            traced_opt.learning_rate = 0.2
        eager_opt.apply_gradients(zip(g, eager_vars))
        it = step(tf.constant(g[0]), tf.constant(g[1]))
        assert int(np.asarray(it)) == i + 1
        for a, b in zip(eager_vars, traced_vars):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    assert step.experimental_get_tracing_count() == 1
    assert [v.name for v in eager_opt.variables] == [v.name for v in traced_opt.variables]
    for k, v in eager_opt.get_state().items():
        np.testing.assert_allclose(v, traced_opt.get_state()[k], rtol=1e-6, atol=1e-7, err_msg=k)


def test_traced_step_reads_learning_rate_at_replay_time():
    init, grads = _data()
    opt, vs = ek.optimizers.SGD(0.1), _ours_vars(init)

    @tf.function
    def step(g0, g1):
        opt.apply_gradients(zip([g0, g1], vs))

    step(tf.constant(grads[0][0]), tf.constant(grads[0][1]))
    before = vs[1].numpy()
    opt.learning_rate = 0.0
    step(tf.constant(grads[1][0]), tf.constant(grads[1][1]))
    np.testing.assert_array_equal(vs[1].numpy(), before)
    opt.learning_rate = 1.0
    step(tf.constant(grads[2][0]), tf.constant(grads[2][1]))
    np.testing.assert_allclose(vs[1].numpy(), before - grads[2][1], rtol=1e-6)
    assert int(opt.iterations) == 3


def test_update_is_one_fused_op_per_variable():
    init, grads = _data()
    opt, vs = ek.optimizers.Adam(0.01), _ours_vars(init)

    @tf.function
    def step(g0, g1):
        opt.apply_gradients(zip([g0, g1], vs))

    step.get_concrete_function(tf.constant(grads[0][0]), tf.constant(grads[0][1]))
    cf = step.get_concrete_function(tf.constant(grads[0][0]), tf.constant(grads[0][1]))
    types = [op.type for op in cf.graph.get_operations()]
    assert types.count("KerasAdamUpdate") == 2
    assert types.count("KerasAdamAlpha") == 1
    compute = [t for t in types if t not in ("ReadVariableOp", "AssignVariableOp")]
    assert len(compute) <= 6, compute


# -- schedules ---------------------------------------------------------------------------------------
SCHEDULES = ["exp", "exp_stair", "piecewise", "poly", "poly_cycle", "inverse", "inverse_stair", "cosine",
             "cosine_warmup", "restarts", "restarts_t1"]


@pytest.mark.parametrize("kind", SCHEDULES)
def test_schedule_values_and_config_match_keras(kind, real_keras):
    ours, theirs = _schedule(ek, kind), _schedule(real_keras, kind)
    step = tf.Variable(np.int64(0))
    for s in range(14):
        step.assign(np.int64(s))
        got = ours(step)
        assert got.dtype.name == "float32"
        np.testing.assert_allclose(np.asarray(got), np.asarray(theirs(s)), rtol=1e-6, atol=1e-9,
                                   err_msg=f"step {s}")
    assert ours.get_config() == theirs.get_config()
    ser = ek.optimizers.schedules.serialize(ours)
    assert ser == real_keras.optimizers.schedules.serialize(theirs)
    back = ek.optimizers.schedules.deserialize(ser)
    assert type(back) is type(ours) and back.get_config() == ours.get_config()


def test_custom_schedule_class():
    class Halving(ek.optimizers.schedules.LearningRateSchedule):
        def __init__(self, lr):
            self.lr = lr

        def __call__(self, step):
            return tf.math.divide(tf.constant(self.lr), tf.cast(tf.add(step, 1), tf.float32))

        def get_config(self):
            return {"lr": self.lr}

    opt, vs = ek.optimizers.SGD(Halving(1.0)), _ours_vars(_data()[0])
    g = [np.ones(s, np.float32) for s in SHAPES]
    start = vs[1].numpy()
    opt.apply_gradients(zip(g, vs))
    opt.apply_gradients(zip(g, vs))
    np.testing.assert_allclose(vs[1].numpy(), start - 1.5, rtol=1e-6)
    ser = ek.optimizers.serialize(opt)
    back = ek.optimizers.deserialize(ser, custom_objects={"Halving": Halving})
    assert isinstance(back._learning_rate, Halving)


# -- configs and lookup -------------------------------------------------------------------------------
@pytest.mark.parametrize("case", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_config_and_serialize_match_keras(case, real_keras):
    ours, theirs = case(ek), case(real_keras)
    assert ours.get_config() == theirs.get_config()
    assert ek.optimizers.serialize(ours) == real_keras.optimizers.serialize(theirs)
    back = ek.optimizers.deserialize(ek.optimizers.serialize(ours))
    assert type(back) is type(ours) and back.get_config() == ours.get_config()
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


NAMES = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "Adam", "RMSprop", "SGD"]


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name_matches_keras(name, real_keras):
    ours, theirs = ek.optimizers.get(name), real_keras.optimizers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name == theirs.name
    assert ours.get_config() == theirs.get_config()


def test_get_dict_instance_and_errors(real_keras):
    cfg = {"class_name": "Adam", "config": {"learning_rate": 0.01, "amsgrad": True}}
    ours, theirs = ek.optimizers.get(dict(cfg)), real_keras.optimizers.get(
        {"class_name": "Adam", "config": {"learning_rate": 0.01, "amsgrad": True}})
    assert ours.get_config() == theirs.get_config()
    inst = ek.optimizers.Nadam()
    assert ek.optimizers.get(inst) is inst
    assert ek.optimizers.get(None) is None
    for bad in ("nope", 3):
        with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
            ek.optimizers.get(bad)
        with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
            real_keras.optimizers.get(bad)
    with pytest.warns(UserWarning, match="decay"):
        ek.optimizers.get({"class_name": "Adam", "config": {"learning_rate": 0.001, "decay": 0.0}})


@pytest.mark.parametrize("make", [
    lambda k: k.optimizers.SGD(momentum=1),
    lambda k: k.optimizers.SGD(momentum=1.5),
    lambda k: k.optimizers.Adam(clipnorm=1.0, clipvalue=1.0),
    lambda k: k.optimizers.AdamW(weight_decay=None),
    lambda k: k.optimizers.Adam(learning_rate=1),
    lambda k: k.optimizers.Adam(foo=1),
    lambda k: k.optimizers.Adam(use_ema=True, ema_momentum=2.0),
    lambda k: k.optimizers.Adam(gradient_accumulation_steps=1),
], ids=["momentum_int", "momentum_range", "two_clips", "adamw_no_decay", "int_lr", "unknown_kwarg", "ema_momentum",
        "accumulation_steps"])
def test_invalid_arguments_raise_like_keras(make, real_keras):
    with pytest.raises(ValueError) as theirs:
        make(real_keras)
    with pytest.raises(ValueError) as ours:
        make(ek)
    assert str(ours.value) == str(theirs.value)


def test_custom_optimizer_subclass_with_update_step(real_keras):
    """A user optimizer written the Keras way (build + update_step with assign helpers)."""

    def make(k, ops):
        class Momentum(k.optimizers.Optimizer):
            def __init__(self, learning_rate=0.1, **kw):
                super().__init__(learning_rate=learning_rate, **kw)

            def build(self, variables):
                super().build(variables)
                self.ms = [self.add_variable_from_reference(v, name="m") for v in variables]

            def update_step(self, gradient, variable, learning_rate):
                mv = self.ms[self._get_variable_index(variable)]
                self.assign(mv, ops.subtract(ops.multiply(mv, 0.5), ops.multiply(gradient, learning_rate)))
                self.assign_add(variable, mv)
        return Momentum(0.1, name="mom")

    init, grads = _data()
    ours, theirs = make(ek, tf.math), make(real_keras, real_keras.ops)
    ov, kv = _ours_vars(init), _keras_vars(real_keras, init)
    for g in grads:
        ours.apply_gradients(zip(g, ov))
        theirs.apply_gradients(zip(g, kv))
    for a, b, i in zip(ov, kv, init):
        _close(a.numpy(), np.asarray(b), i)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]


@pytest.mark.parametrize("opt", ["adam", "sgd_momentum_wd"])
def test_model_fit_matches_keras(opt, real_keras):
    """compile/fit (a traced train step building the optimizer inside the trace) vs Keras."""
    make = {"adam": lambda k: k.optimizers.Adam(0.01),
            "sgd_momentum_wd": lambda k: k.optimizers.SGD(0.05, momentum=0.9, weight_decay=0.01)}[opt]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(48, 4)).astype(np.float32)
    y = rng.normal(size=(48, 1)).astype(np.float32)

    def build(k):
        model = k.Sequential([k.Input((4,)), k.layers.Dense(8, activation="relu"), k.layers.Dense(1)])
        model.compile(optimizer=make(k), loss="mse")
        return model

    ours, theirs = build(ek), build(real_keras)
    ours.set_weights(theirs.get_weights())
    h_ours = ours.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    h_theirs = theirs.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(h_ours.history["loss"], h_theirs.history["loss"], rtol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert [v.path for v in ours.optimizer.variables] == [v.path for v in theirs.optimizer.variables]
    assert int(ours.optimizer.iterations) == int(theirs.optimizer.iterations) == 6
