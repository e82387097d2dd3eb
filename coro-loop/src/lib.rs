//! An asyncio-shaped event loop for coro coroutines.
//!
//! `coro_loop::run` is `asyncio.run`; [`EventLoop`] is asyncio's loop with `create_task`,
//! `run_until_complete`, `all_tasks` and `close`; [`sleep`], [`wait_for`], [`gather!`] and
//! [`gather_all`] are their asyncio namesakes (the last two re-exported from `coro-core`). Scheduling follows asyncio: a FIFO ready queue in `call_soon`
//! order, timers by deadline with a FIFO tie-break, and `sleep(Duration::ZERO)` as a plain yield.
//!
//! ```
//! use std::time::Duration;
//!
//! async fn count(name: &'static str, n: u32, log: std::rc::Rc<std::cell::RefCell<Vec<String>>>) {
//!     for i in 0..n {
//!         log.borrow_mut().push(format!("{name}{i}"));
//!         coro_loop::sleep(Duration::from_millis(100)).await;
//!     }
//! }
//!
//! let log = std::rc::Rc::default();
//! let lp = coro_loop::EventLoop::builder().virtual_clock(true).build();
//! lp.run_until_complete(coro_loop::gather!(count("a", 2, std::rc::Rc::clone(&log)),
//!                                          count("b", 2, std::rc::Rc::clone(&log))));
//! assert_eq!(*log.borrow(), ["a0", "b0", "a1", "b1"]);
//! assert_eq!(lp.time(), 0.2); // virtual time: no real waiting
//! lp.close();
//! ```
//!
//! A loop is bound to the thread that made it; tasks need not be `Send`, but the wakers the loop
//! hands out are, so a task can be woken from any thread. Coroutines themselves are ordinary
//! futures and also run on other executors (tokio, `futures::executor::block_on`).
#![deny(unsafe_code)]
#![warn(missing_debug_implementations)]

mod event_loop;
#[allow(unsafe_code)]
mod raw;
mod task;
mod time;
mod timeout;

pub use event_loop::{
    Builder, EventLoop, all_tasks, create_task, current_task, get_event_loop, get_running_loop,
    new_event_loop, run, set_event_loop,
};
pub use task::{AnyJoin, AnyTask, Join, PanicPayload, Task, TaskError};
pub use time::{Sleep, sleep};
pub use timeout::{TimeoutError, WaitFor, wait_for};

/// `asyncio.gather` and `inspect`'s questions need no event loop, so they live in `coro-core`;
/// they are re-exported here so that `coro_loop::gather!` and friends work too.
pub use coro_core::{GatherAll, gather, gather_all, iscoroutine, iscoroutinefunction};
