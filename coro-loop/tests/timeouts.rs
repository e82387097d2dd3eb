//! `wait_for`, against what `CPython` 3.11 prints for the same program:
//!
//! ```python
//! async def work(name, secs):
//!     try:
//!         print(f"{name} start"); await asyncio.sleep(secs); print(f"{name} done"); return name
//!     finally:
//!         print(f"{name} cleanup")
//! async def main():
//!     print(await asyncio.wait_for(work("fast", 0.1), 1))
//!     try:
//!         await asyncio.wait_for(work("slow", 2), 0.5)
//!     except asyncio.TimeoutError:
//!         print("timed out")
//! ```

mod common;
use common::{MS, log, take_log, virtual_loop};
use coro_loop::{TimeoutError, sleep, wait_for};
use std::time::Duration;

/// Logs `cleanup` when dropped: Python's `finally`.
struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        log(format!("{} cleanup", self.0));
    }
}

#[coro_core::coroutine]
fn work(name: &'static str, ms: u64) -> &'static str {
    let _cleanup = Cleanup(name);
    log(format!("{name} start"));
    sleep(MS * u32::try_from(ms).expect("small")).await;
    log(format!("{name} done"));
    name
}

#[coro_core::coroutine]
fn main_program() {
    match wait_for(work("fast", 100), Duration::from_secs(1)).await {
        Ok(name) => log(name),
        Err(TimeoutError { .. }) => log("fast timed out"),
    }
    if wait_for(work("slow", 2000), MS * 500).await.is_err() {
        log("timed out");
    }
}

#[test]
fn wait_for_prints_what_asyncio_prints() {
    let lp = virtual_loop();
    lp.run_until_complete(main_program());
    assert_eq!(
        take_log(),
        [
            "fast start",
            "fast done",
            "fast cleanup",
            "fast",
            "slow start",
            "slow cleanup",
            "timed out"
        ]
    );
    assert!((lp.time() - 0.6).abs() < 1e-9, "{}", lp.time());
}

#[test]
fn a_ready_awaitable_wins_even_with_a_zero_timeout() {
    let lp = virtual_loop();
    assert_eq!(
        lp.run_until_complete(wait_for(async { 7 }, Duration::ZERO)),
        Ok(7)
    );
    let err = lp
        .run_until_complete(wait_for(sleep(MS), Duration::ZERO))
        .expect_err("the zero timeout passes first");
    assert_eq!(
        err.to_string(),
        "the timeout passed before the awaitable finished"
    );
}

#[test]
fn a_timed_out_task_handle_leaves_the_task_running() {
    let lp = virtual_loop();
    let task = lp.create_task(work("task", 50));
    let any = task.as_any();
    assert!(lp.run_until_complete(wait_for(task, MS * 10)).is_err());
    assert!(!any.done());
    lp.run_until_complete(any.join()).expect("it finishes");
    assert_eq!(take_log(), ["task start", "task done", "task cleanup"]);
}

#[test]
#[should_panic(expected = "coro_loop::wait_for was polled outside a running coro-loop event loop")]
fn wait_for_on_another_executor_panics_even_when_ready() {
    let _ = coro_core::block_on(wait_for(async { 1 }, MS));
}
