"""Streams over real WebSockets: resubscribing with ``since``, many runs and watchers, throttling."""
from __future__ import annotations

import time

from runs_support import by_seq, points, start_run, stored_events, wait_final, wait_run, watch


def _drop(client) -> None:
    """Cut the connection like a closed laptop lid: no goodbye, no waiting."""
    client.eio.disconnect(abort=True)


def _ended(log, run_id: str, status: str) -> bool:
    return any(m["status"] == status for m in log.of("status", run_id))


def test_resubscribing_with_since_misses_nothing_and_repeats_nothing(studio):
    run = start_run(studio, epochs=1000)
    rid = run["id"]
    _, stayer = watch(studio, rid)
    leaver, before = watch(studio, rid)
    before.wait_for(lambda: len(points(by_seq(before, rid))) >= 40)
    _drop(leaver)
    time.sleep(0.3)  # handler threads of what arrived finish; the run goes on without this client
    seen = by_seq(before, rid)
    since = seen[-1][1]["seq"]
    assert [m["seq"] for _, m in seen] == list(range(1, since + 1))
    wait_run(studio, rid, lambda r: r["step"] >= len(points(seen)) + 40)  # it trained while we were away
    _, after = watch(studio, rid, since=since)
    after.wait_for(lambda: len(after.of("metrics", rid)) >= 2)
    assert studio.post(f"/api/runs/{rid}/stop").json()["status"] == "stopped"
    for log in (stayer, after):
        log.wait_for(lambda log=log: _ended(log, rid, "stopped"))
    whole = by_seq(stayer, rid)
    rejoined = seen + by_seq(after, rid)
    assert rejoined == whole  # the same seqs with the same messages
    assert points(rejoined) == points(whole)
    assert [p["step"] for p in points(whole)] == list(range(1, studio.get(f"/api/runs/{rid}").json()["step"] + 1))
    assert whole == stored_events(studio, rid)


def test_three_concurrent_runs_with_five_watchers_each_stay_separate(studio_factory):
    studio = studio_factory(max_concurrent_runs=3)
    runs = [start_run(studio, epochs=6, seed=s) for s in (1, 2, 3)]
    watchers = {r["id"]: [watch(studio, r["id"])[1] for _ in range(5)] for r in runs}
    finals = [wait_final(studio, r["id"]) for r in runs]
    assert all(f["status"] == "completed" for f in finals)
    assert max(f["started_at"] for f in finals) < min(f["finished_at"] for f in finals)  # they overlapped
    for rid, logs in watchers.items():
        stored = stored_events(studio, rid)
        assert [m["seq"] for _, m in stored] == list(range(1, len(stored) + 1))
        for log in logs:
            log.wait_for(lambda log=log: _ended(log, rid, "completed"))
            assert {m["run"] for _, m in by_seq(log)} == {rid}  # nothing from the other runs
            assert by_seq(log) == stored  # complete, in order, once
        assert [p["step"] for p in points(stored)] == list(range(1, 6 * 20 + 1))


def test_metrics_events_are_throttled_but_cover_every_step(studio_factory):
    studio = studio_factory(emit_hz=5)
    run = start_run(studio, epochs=5, batch_size=4)  # 80 steps an epoch: far faster than 5 Hz
    _, log = watch(studio, run["id"])
    done = wait_final(studio, run["id"])
    assert done["status"] == "completed" and done["step"] == 400
    log.wait_for(lambda: _ended(log, run["id"], "completed"))
    events = by_seq(log, run["id"])
    metrics = [m for e, m in events if e == "metrics"]
    assert [p["step"] for p in points(events)] == list(range(1, 401))
    assert len(metrics) * 5 < 400  # batched, not one event per step
    gaps = [b["ts"] - a["ts"] for a, b in zip(metrics, metrics[1:-1])]  # the last one is the final flush
    assert gaps and min(gaps) >= 0.2 * 0.95
    duration = metrics[-1]["ts"] - metrics[0]["ts"]
    assert len(metrics) <= 5 * duration + 2
    assert len([e for e, _ in events if e == "epoch"]) == 5  # epoch logs are never held back
