//! `loop_all_tasks.py`: create tasks without keeping them, then gather whatever the loop has
//! (`all_tasks`), run until that group is complete, and close the loop.
//!
//! ```python
//! async def print_nums(num):
//!     for n in range(num):
//!         print(n)
//!         await asyncio.sleep(0.5)
//! async def print_letters(up_to):
//!     for letter in range(97,ord(up_to)):
//!         print(chr(letter))
//!         await asyncio.sleep(0.5)
//! loop = asyncio.get_event_loop()
//! loop.create_task(print_nums(5))
//! loop.create_task(print_letters('f'))
//! tasks = asyncio.all_tasks(loop = loop)
//! group = asyncio.gather(*tasks)
//! loop.run_until_complete(group)
//! loop.close()
//! ```

use std::time::Duration;

#[coro_core::coroutine]
fn print_nums(num: u32) {
    for n in 0..num {
        println!("{n}");
        coro_loop::sleep(Duration::from_millis(500)).await;
    }
}

#[coro_core::coroutine]
fn print_letters(up_to: char) {
    for letter in 'a'..up_to {
        println!("{letter}");
        coro_loop::sleep(Duration::from_millis(500)).await;
    }
}

fn main() {
    let lp = coro_loop::get_event_loop();
    lp.create_task(print_nums(5));
    lp.create_task(print_letters('f'));
    let tasks = lp.all_tasks();
    let group = coro_loop::gather_all(tasks);
    lp.run_until_complete(group);
    lp.close();
}
