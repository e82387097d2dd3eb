//! What the loop's order tests share: a per-thread log the coroutines write to and the test
//! reads back, and a loop on the virtual clock, so timers take no real time.

use coro_loop::EventLoop;
use std::cell::RefCell;
use std::time::Duration;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

pub fn log(s: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(s.into()));
}

/// The log so far, emptied.
pub fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

pub fn virtual_loop() -> EventLoop {
    EventLoop::builder().virtual_clock(true).build()
}

pub const MS: Duration = Duration::from_millis(1);
