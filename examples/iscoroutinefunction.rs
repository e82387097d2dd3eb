//! `iscoroutinefunction.py`: telling coroutine functions from ordinary ones. In Rust the type
//! checker answers, at compile time.
//!
//! ```python
//! def func1():
//!     return 10
//! async def func2():
//!     return 10
//! print(inspect.iscoroutinefunction(func1))
//! print(inspect.iscoroutinefunction(func2))
//! ```

fn func1() -> i32 {
    10
}

#[coro_core::coroutine]
fn func2() -> i32 {
    10
}

/// Python's spelling of a `bool`.
fn py(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn main() {
    println!("{}", py(coro_loop::iscoroutinefunction!(func1)));
    println!("{}", py(coro_loop::iscoroutinefunction!(func2)));
}
