//! `hello.py`: the smallest asyncio program. `asyncio.run(main())` is `coro_loop::run(main())`.
//!
//! ```python
//! async def main():
//!     print("Hello, World!")
//!     await asyncio.sleep(1)
//!     print("Goodbye.")
//! asyncio.run(main())
//! ```

use std::time::Duration;

/// The program's coroutines, in a module so that `main` can keep its Python name.
mod aio {
    use super::Duration;

    #[coro_core::coroutine]
    pub fn main() {
        println!("Hello, World!");
        coro_loop::sleep(Duration::from_secs(1)).await;
        println!("Goodbye.");
    }
}

fn main() {
    coro_loop::run(aio::main());
}
