//! `gather_evens_odds.py`: two coroutines taking turns at each `sleep`, gathered by `main`.
//!
//! ```python
//! async def task1():
//!     for i in range(10):
//!         if i % 2 == 0:
//!             print(i)
//!             await asyncio.sleep(0.1)
//! async def task2():
//!     for i in range(10):
//!         if i % 2 == 1:
//!             print(i)
//!             await asyncio.sleep(0.1)
//! async def main():
//!     await asyncio.gather( task1(), task2())
//!     print("Finished")
//! asyncio.run(main())
//! ```

/// The program's coroutines, in a module so that `main` can keep its Python name.
mod aio {
    use std::time::Duration;

    #[coro_core::coroutine]
    pub fn task1() {
        for i in 0..10 {
            if i % 2 == 0 {
                println!("{i}");
                coro_loop::sleep(Duration::from_millis(100)).await;
            }
        }
    }

    #[coro_core::coroutine]
    pub fn task2() {
        for i in 0..10 {
            if i % 2 == 1 {
                println!("{i}");
                coro_loop::sleep(Duration::from_millis(100)).await;
            }
        }
    }

    #[coro_core::coroutine]
    pub fn main() {
        coro_loop::gather!(task1(), task2()).await;
        println!("Finished");
    }
}

fn main() {
    coro_loop::run(aio::main());
}
