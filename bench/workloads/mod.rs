//! The event-loop workloads of issue #6, written once for coro-loop and once for each peer.
//!
//! The peers (tokio, async-executor, futures) are dev-dependencies, so this module is not part
//! of the library: `benches/event_loop.rs`, `benches/memory.rs` and `tests/quick.rs` include it
//! with `#[path]`. Every workload returns a checksum, so a peer that skips work is caught.
//!
//! The yield is each runtime's own: `coro_loop::sleep(Duration::ZERO)` (asyncio's `sleep(0)`),
//! `tokio::task::yield_now()`, and for the other two [`coro_bench::yield_now`] (wake, then
//! pending once), which is what `futures_lite::future::yield_now` does.
#![allow(dead_code, clippy::unused_async)]

pub mod memory;

use core::future::Future;
use core::pin::pin;
use core::task::Poll;
use core::time::Duration;
use std::cell::Cell;
use std::rc::Rc;

/// How big one run of every workload is.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// Tasks in the many-yields workload.
    pub tasks: u32,
    /// Yields per task in the many-yields workload.
    pub yields: u32,
    /// Empty tasks spawned and finished.
    pub spawns: u32,
    /// Yields of the single task in the round-trip workload.
    pub round_trips: u32,
    /// Tasks that each sleep once.
    pub sleepers: u32,
    /// How long each of them sleeps.
    pub sleep: Duration,
    /// Timers registered and dropped.
    pub timers: u32,
}

/// The sizes issue #6 asks for.
pub const FULL: Sizes = Sizes {
    tasks: 100_000,
    yields: 10,
    spawns: 100_000,
    round_trips: 100_000,
    sleepers: 100_000,
    sleep: Duration::from_millis(10),
    timers: 1_000_000,
};

/// Tiny sizes for the quick test: every code path once, in milliseconds.
pub const QUICK: Sizes = Sizes {
    tasks: 50,
    yields: 3,
    spawns: 50,
    round_trips: 50,
    sleepers: 50,
    sleep: Duration::from_millis(1),
    timers: 50,
};

/// How long a registered-then-dropped timer would have waited.
pub const TIMER_DELAY: Duration = Duration::from_secs(10);

/// Sum of `0..n`, the checksum of the workloads that spawn `n` numbered tasks.
pub fn id_sum(n: u32) -> u64 {
    let n = u64::from(n);
    n * n.saturating_sub(1) / 2
}

/// Registers `n` timers and drops each one: builds a timer with `make`, polls it once with the
/// awaiting task's context (which registers it), checks it is pending, and drops it.
pub fn register_and_drop<F: Future>(n: u32, make: impl Fn() -> F) -> impl Future<Output = u32> {
    core::future::poll_fn(move |cx| {
        let mut pending = 0;
        for _ in 0..n {
            let timer = pin!(make());
            if timer.poll(cx).is_pending() {
                pending += 1;
            }
        }
        Poll::Ready(pending)
    })
}

/// One runtime under test, with the workloads it can run. `None`: the runtime has no timers.
pub trait Peer {
    /// The name in tables and criterion ids.
    const NAME: &'static str;
    /// A fresh runtime, reused across iterations.
    fn new() -> Self;
    /// Spawns `tasks` tasks that each yield `yields` times, then awaits them all. Returns the
    /// sum of their ids.
    fn yields(&self, tasks: u32, yields: u32) -> u64;
    /// Spawns `n` tasks that return at once, then awaits them all. Returns the sum of their ids.
    fn spawn_finish(&self, n: u32) -> u64;
    /// One task yields `n` times. Returns `n`.
    fn round_trip(&self, n: u32) -> u32;
    /// Spawns `n` tasks that each sleep `d` once, then awaits them all.
    fn sleepers(&self, n: u32, d: Duration) -> Option<u64>;
    /// Registers `n` timers of [`TIMER_DELAY`] and drops them. Returns how many were pending.
    fn timers(&self, n: u32) -> Option<u32>;
    /// Spawns `n` tasks that never finish, runs until each has started (is suspended), then
    /// calls `probe` while they are all pending.
    fn pending(&self, n: u32, probe: &mut dyn FnMut());
    /// `size_of_val` of the future a pending task runs.
    fn pending_state_size() -> usize;
}

/// coro-loop, with every task a `#[coro_core::coroutine]`.
pub mod coro {
    use super::{Duration, Peer, TIMER_DELAY, register_and_drop};
    use coro_loop::{EventLoop, create_task, sleep};

    #[coro_core::coroutine]
    fn yielder(id: u32, yields: u32) -> u64 {
        for _ in 0..yields {
            sleep(Duration::ZERO).await;
        }
        u64::from(id)
    }

    #[coro_core::coroutine]
    fn empty(id: u32) -> u64 {
        u64::from(id)
    }

    #[coro_core::coroutine]
    fn sleeper(id: u32, d: Duration) -> u64 {
        sleep(d).await;
        u64::from(id)
    }

    #[coro_core::coroutine]
    pub(crate) fn parked() {
        core::future::pending::<()>().await;
    }

    #[coro_core::coroutine]
    fn spawn_all(tasks: u32, yields: u32) -> u64 {
        let handles: Vec<_> = (0..tasks)
            .map(|i| create_task(yielder(i, yields)))
            .collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await;
        }
        total
    }

    #[coro_core::coroutine]
    fn spawn_empty(n: u32) -> u64 {
        let handles: Vec<_> = (0..n).map(|i| create_task(empty(i))).collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await;
        }
        total
    }

    #[coro_core::coroutine]
    fn spawn_sleepers(n: u32, d: Duration) -> u64 {
        let handles: Vec<_> = (0..n).map(|i| create_task(sleeper(i, d))).collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await;
        }
        total
    }

    #[coro_core::coroutine]
    fn spawn_parked(n: u32) {
        for _ in 0..n {
            create_task(parked());
        }
        // Every task's first step was queued before this yield, so all have run once after it.
        sleep(Duration::ZERO).await;
    }

    /// coro-loop's [`EventLoop`] on the real clock.
    #[derive(Debug)]
    pub struct CoroLoop(pub EventLoop);

    impl Peer for CoroLoop {
        const NAME: &'static str = "coro-loop";

        fn new() -> Self {
            Self(EventLoop::builder().virtual_clock(false).build())
        }

        fn yields(&self, tasks: u32, yields: u32) -> u64 {
            self.0.run_until_complete(spawn_all(tasks, yields))
        }

        fn spawn_finish(&self, n: u32) -> u64 {
            self.0.run_until_complete(spawn_empty(n))
        }

        fn round_trip(&self, n: u32) -> u32 {
            u32::try_from(self.0.run_until_complete(yielder(n, n))).unwrap_or(0)
        }

        fn sleepers(&self, n: u32, d: Duration) -> Option<u64> {
            Some(self.0.run_until_complete(spawn_sleepers(n, d)))
        }

        fn timers(&self, n: u32) -> Option<u32> {
            Some(
                self.0
                    .run_until_complete(register_and_drop(n, || sleep(TIMER_DELAY))),
            )
        }

        fn pending(&self, n: u32, probe: &mut dyn FnMut()) {
            self.0.run_until_complete(spawn_parked(n));
            probe();
        }

        fn pending_state_size() -> usize {
            core::mem::size_of_val(&parked())
        }
    }
}

async fn parked_async() {
    core::future::pending::<()>().await;
}

/// tokio's `current_thread` runtime with a `LocalSet` (`spawn_local`).
pub mod tokio_peer {
    use super::{Duration, Peer, TIMER_DELAY, parked_async, register_and_drop};
    use tokio::task::{LocalSet, spawn_local, yield_now};

    async fn yielder(id: u32, yields: u32) -> u64 {
        for _ in 0..yields {
            yield_now().await;
        }
        u64::from(id)
    }

    async fn sleeper(id: u32, d: Duration) -> u64 {
        tokio::time::sleep(d).await;
        u64::from(id)
    }

    /// A current-thread runtime with timers enabled.
    #[derive(Debug)]
    pub struct Tokio(pub tokio::runtime::Runtime);

    impl Tokio {
        fn run<F: Future>(&self, fut: F) -> F::Output {
            LocalSet::new().block_on(&self.0, fut)
        }
    }

    use core::future::Future;

    impl Peer for Tokio {
        const NAME: &'static str = "tokio";

        fn new() -> Self {
            Self(
                tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .expect("tokio runtime builds"),
            )
        }

        fn yields(&self, tasks: u32, yields: u32) -> u64 {
            self.run(async move {
                let handles: Vec<_> = (0..tasks)
                    .map(|i| spawn_local(yielder(i, yields)))
                    .collect();
                let mut total = 0;
                for handle in handles {
                    total += handle.await.expect("no panic");
                }
                total
            })
        }

        fn spawn_finish(&self, n: u32) -> u64 {
            self.run(async move {
                let handles: Vec<_> = (0..n)
                    .map(|i| spawn_local(async move { u64::from(i) }))
                    .collect();
                let mut total = 0;
                for handle in handles {
                    total += handle.await.expect("no panic");
                }
                total
            })
        }

        fn round_trip(&self, n: u32) -> u32 {
            self.run(async move {
                let handle = spawn_local(yielder(n, n));
                u32::try_from(handle.await.expect("no panic")).unwrap_or(0)
            })
        }

        fn sleepers(&self, n: u32, d: Duration) -> Option<u64> {
            Some(self.run(async move {
                let handles: Vec<_> = (0..n).map(|i| spawn_local(sleeper(i, d))).collect();
                let mut total = 0;
                for handle in handles {
                    total += handle.await.expect("no panic");
                }
                total
            }))
        }

        fn timers(&self, n: u32) -> Option<u32> {
            Some(self.run(register_and_drop(n, || tokio::time::sleep(TIMER_DELAY))))
        }

        fn pending(&self, n: u32, probe: &mut dyn FnMut()) {
            let local = LocalSet::new();
            local.block_on(&self.0, async move {
                for _ in 0..n {
                    drop(spawn_local(parked_async()));
                }
                yield_now().await;
            });
            probe();
        }

        fn pending_state_size() -> usize {
            core::mem::size_of_val(&parked_async())
        }
    }
}

/// async-executor's `LocalExecutor`, driven by `async_io::block_on` (smol's setup, which also
/// provides the timers).
pub mod executor_peer {
    use super::{Duration, Peer, TIMER_DELAY, parked_async, register_and_drop};
    use async_executor::LocalExecutor;
    use coro_bench::yield_now;

    async fn yielder(id: u32, yields: u32) -> u64 {
        for _ in 0..yields {
            yield_now().await;
        }
        u64::from(id)
    }

    async fn sleeper(id: u32, d: Duration) -> u64 {
        async_io::Timer::after(d).await;
        u64::from(id)
    }

    /// A local executor that lives as long as the benchmark.
    #[derive(Debug)]
    pub struct Executor(pub LocalExecutor<'static>);

    impl Peer for Executor {
        const NAME: &'static str = "async-executor";

        fn new() -> Self {
            Self(LocalExecutor::new())
        }

        fn yields(&self, tasks: u32, yields: u32) -> u64 {
            let ex = &self.0;
            async_io::block_on(ex.run(async {
                let handles: Vec<_> = (0..tasks).map(|i| ex.spawn(yielder(i, yields))).collect();
                let mut total = 0;
                for handle in handles {
                    total += handle.await;
                }
                total
            }))
        }

        fn spawn_finish(&self, n: u32) -> u64 {
            let ex = &self.0;
            async_io::block_on(ex.run(async {
                let handles: Vec<_> = (0..n)
                    .map(|i| ex.spawn(async move { u64::from(i) }))
                    .collect();
                let mut total = 0;
                for handle in handles {
                    total += handle.await;
                }
                total
            }))
        }

        fn round_trip(&self, n: u32) -> u32 {
            let ex = &self.0;
            async_io::block_on(
                ex.run(async { u32::try_from(ex.spawn(yielder(n, n)).await).unwrap_or(0) }),
            )
        }

        fn sleepers(&self, n: u32, d: Duration) -> Option<u64> {
            let ex = &self.0;
            Some(async_io::block_on(ex.run(async {
                let handles: Vec<_> = (0..n).map(|i| ex.spawn(sleeper(i, d))).collect();
                let mut total = 0;
                for handle in handles {
                    total += handle.await;
                }
                total
            })))
        }

        fn timers(&self, n: u32) -> Option<u32> {
            let ex = &self.0;
            Some(async_io::block_on(ex.run(register_and_drop(n, || {
                async_io::Timer::after(TIMER_DELAY)
            }))))
        }

        fn pending(&self, n: u32, probe: &mut dyn FnMut()) {
            let ex = &self.0;
            async_io::block_on(ex.run(async {
                for _ in 0..n {
                    ex.spawn(parked_async()).detach();
                }
                yield_now().await;
            }));
            probe();
        }

        fn pending_state_size() -> usize {
            core::mem::size_of_val(&parked_async())
        }
    }
}

/// futures' `LocalPool`. It has no join handles worth the name, so tasks add their id to a
/// shared total and `run()` returns when all are done. It has no timers.
pub mod pool_peer {
    use super::{Cell, Duration, Peer, Rc, parked_async};
    use coro_bench::yield_now;
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;
    use std::cell::RefCell;

    async fn yielder(id: u32, yields: u32, total: Rc<Cell<u64>>) {
        for _ in 0..yields {
            yield_now().await;
        }
        total.set(total.get() + u64::from(id));
    }

    /// A pool that lives as long as the benchmark.
    #[derive(Debug)]
    pub struct Pool(pub RefCell<LocalPool>);

    impl Pool {
        fn spawn_yielders(&self, tasks: u32, yields: u32) -> u64 {
            let mut pool = self.0.borrow_mut();
            let spawner = pool.spawner();
            let total = Rc::new(Cell::new(0));
            for i in 0..tasks {
                spawner
                    .spawn_local(yielder(i, yields, Rc::clone(&total)))
                    .expect("pool is alive");
            }
            pool.run();
            total.get()
        }
    }

    impl Peer for Pool {
        const NAME: &'static str = "futures-LocalPool";

        fn new() -> Self {
            Self(RefCell::new(LocalPool::new()))
        }

        fn yields(&self, tasks: u32, yields: u32) -> u64 {
            self.spawn_yielders(tasks, yields)
        }

        fn spawn_finish(&self, n: u32) -> u64 {
            self.spawn_yielders(n, 0)
        }

        fn round_trip(&self, n: u32) -> u32 {
            let mut pool = self.0.borrow_mut();
            let total = Rc::new(Cell::new(0));
            pool.spawner()
                .spawn_local(yielder(n, n, Rc::clone(&total)))
                .expect("pool is alive");
            pool.run();
            u32::try_from(total.get()).unwrap_or(0)
        }

        fn sleepers(&self, _n: u32, _d: Duration) -> Option<u64> {
            None
        }

        fn timers(&self, _n: u32) -> Option<u32> {
            None
        }

        fn pending(&self, n: u32, probe: &mut dyn FnMut()) {
            let mut pool = self.0.borrow_mut();
            let spawner = pool.spawner();
            for _ in 0..n {
                spawner.spawn_local(parked_async()).expect("pool is alive");
            }
            pool.run_until_stalled();
            probe();
        }

        fn pending_state_size() -> usize {
            core::mem::size_of_val(&parked_async())
        }
    }
}
