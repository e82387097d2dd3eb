//! `coroutine_object.py`: calling a coroutine function runs nothing; it returns a coroutine
//! object, which prints as one and runs when the loop runs it.
//!
//! ```python
//! async def func():
//!     return 10
//! f = func()
//! print(f)
//! print(asyncio.run(f))
//! ```

#[coro_core::coroutine]
fn func() -> i32 {
    10
}

fn main() {
    let f = func();
    println!("{f:?}");
    println!("{}", coro_loop::run(f));
}
