//! `await_task.py`: one coroutine awaiting another runs it to completion, in line.
//!
//! ```python
//! async def task():
//!     for i in range(10):
//!         print(i)
//! async def main():
//!     await task()
//!     print("Finished")
//! asyncio.run(main())
//! ```

/// The program's coroutines, in a module so that `main` can keep its Python name.
mod aio {
    #[coro_core::coroutine]
    pub fn task() {
        for i in 0..10 {
            println!("{i}");
        }
    }

    #[coro_core::coroutine]
    pub fn main() {
        task().await;
        println!("Finished");
    }
}

fn main() {
    coro_loop::run(aio::main());
}
