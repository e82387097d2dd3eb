#!/usr/bin/env python3
"""The event-loop workloads of bench/workloads/mod.rs on CPython's asyncio (and uvloop).

Prints one JSON object: {loop: {workload: {"median_s": .., "runs": [..]}}, "memory": ..}.
Usage: python3 scripts/bench_asyncio.py [--quick] [--loops asyncio,uvloop]
--quick: one run per workload instead of five, and 100k pending tasks for peak RSS instead of 1M.
"""

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc

FULL = dict(tasks=100_000, yields=10, spawns=100_000, round_trips=100_000,
            sleepers=100_000, sleep=0.010, timers=1_000_000)
TIMER_DELAY = 10.0


async def yielder(i, yields):
    for _ in range(yields):
        await asyncio.sleep(0)
    return i


async def empty(i):
    return i


async def sleeper(i, d):
    await asyncio.sleep(d)
    return i


async def w_yields(s):
    tasks = [asyncio.create_task(yielder(i, s["yields"])) for i in range(s["tasks"])]
    return sum([await t for t in tasks])


async def w_spawn_finish(s):
    tasks = [asyncio.create_task(empty(i)) for i in range(s["spawns"])]
    return sum([await t for t in tasks])


async def w_round_trip(s):
    return await asyncio.create_task(yielder(s["round_trips"], s["round_trips"]))


async def w_sleepers(s):
    tasks = [asyncio.create_task(sleeper(i, s["sleep"])) for i in range(s["sleepers"])]
    return sum([await t for t in tasks])


async def w_timers(s):
    # asyncio.sleep(d) is a future plus loop.call_later(d, ...); registering a timer and
    # dropping it is call_later + cancel.
    loop = asyncio.get_running_loop()
    cb = lambda: None  # noqa: E731
    for _ in range(s["timers"]):
        loop.call_later(TIMER_DELAY, cb).cancel()
    return s["timers"]


WORKLOADS = {
    "yield_100k_x10": (w_yields, lambda s: s["tasks"] * (s["tasks"] - 1) // 2),
    "spawn_finish_100k": (w_spawn_finish, lambda s: s["spawns"] * (s["spawns"] - 1) // 2),
    "round_trip_100k": (w_round_trip, lambda s: s["round_trips"]),
    "sleep_100k_10ms": (w_sleepers, lambda s: s["sleepers"] * (s["sleepers"] - 1) // 2),
    "timers_1m_register_drop": (w_timers, lambda s: s["timers"]),
}


def new_loop(kind):
    if kind == "uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def bench(kind, sizes, repeats):
    out = {}
    loop = new_loop(kind)
    asyncio.set_event_loop(loop)
    for name, (work, expected) in WORKLOADS.items():
        runs = []
        for _ in range(repeats):
            gc.collect()
            start = time.perf_counter()
            got = loop.run_until_complete(work(sizes))
            runs.append(time.perf_counter() - start)
            assert got == expected(sizes), (name, got)
        out[name] = {"median_s": statistics.median(runs), "runs": runs}
        print(f"{kind:8} {name:26} {statistics.median(runs) * 1e3:9.2f} ms", file=sys.stderr)
    loop.close()
    return out


async def spawn_pending(n):
    never = asyncio.get_running_loop().create_future()

    async def parked():
        await never

    tasks = [asyncio.create_task(parked()) for _ in range(n)]
    await asyncio.sleep(0)  # every task has run its first step after this
    return tasks, never


def alloc_per_task(kind, n):
    """Bytes Python's allocator hands out (tracemalloc) per pending task, steady state."""
    loop = new_loop(kind)
    loop.run_until_complete(w_spawn_finish({"spawns": n}))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks, never = loop.run_until_complete(spawn_pending(n))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for t in tasks:
        t.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.close()
    return (after - before) / n


def proc_status_kib(field):
    """A `VmRSS:`-style field of /proc/self/status, in KiB. (`ru_maxrss` would not do: Linux
    carries the parent's peak over fork and exec.)"""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def rss_child(kind, n):
    loop = new_loop(kind)
    before = proc_status_kib("VmRSS:")
    loop.run_until_complete(spawn_pending(n))
    peak = proc_status_kib("VmHWM:")
    print(json.dumps({"rss_before_kib": before, "rss_peak_kib": peak}))
    sys.stdout.flush()
    import os
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--loops", default="asyncio,uvloop")
    ap.add_argument("--rss-child", nargs=2)
    args = ap.parse_args()
    if args.rss_child:
        rss_child(args.rss_child[0], int(args.rss_child[1]))
    sizes = FULL
    repeats = 1 if args.quick else 5
    rss_tasks = 100_000 if args.quick else 1_000_000
    result = {"python": sys.version.split()[0], "sizes": sizes}
    for kind in args.loops.split(","):
        if kind == "uvloop":
            try:
                import uvloop  # noqa: F401
                result["uvloop_version"] = uvloop.__version__
            except ImportError:
                print("uvloop not installed: skipped", file=sys.stderr)
                continue
        result[kind] = bench(kind, sizes, repeats)
        child = subprocess.run(
            [sys.executable, __file__, "--rss-child", kind, str(rss_tasks)],
            capture_output=True, text=True, check=True)
        mem = json.loads(child.stdout)
        mem["rss_tasks"] = rss_tasks
        mem["bytes_per_task"] = alloc_per_task(kind, 10_000)
        result[kind]["memory"] = mem
        print(f"{kind:8} memory {mem}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
