//! `loop_evens_odds.py`: driving the event loop by hand: get it, create tasks, gather them, run
//! until the group is complete.
//!
//! ```python
//! async def print_evens(num):
//!     for i in range(num):
//!         if i % 2 == 0:
//!             print(i)
//!             await asyncio.sleep(0.5)
//! async def print_odds(num):
//!     for i in range(num):
//!         if i % 2 == 1:
//!             print(i)
//!             await asyncio.sleep(0.5)
//! loop = asyncio.get_event_loop()
//! task1 = loop.create_task(print_evens(10))
//! task2 = loop.create_task(print_odds(10))
//! group = asyncio.gather(task1, task2)
//! loop.run_until_complete(group)
//! ```

use std::time::Duration;

#[coro_core::coroutine]
fn print_evens(num: u32) {
    for i in 0..num {
        if i % 2 == 0 {
            println!("{i}");
            coro_loop::sleep(Duration::from_millis(500)).await;
        }
    }
}

#[coro_core::coroutine]
fn print_odds(num: u32) {
    for i in 0..num {
        if i % 2 == 1 {
            println!("{i}");
            coro_loop::sleep(Duration::from_millis(500)).await;
        }
    }
}

fn main() {
    let lp = coro_loop::get_event_loop();
    let task1 = lp.create_task(print_evens(10));
    let task2 = lp.create_task(print_odds(10));
    let group = coro_loop::gather_all([task1, task2]);
    lp.run_until_complete(group);
}
