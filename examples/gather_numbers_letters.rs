//! `gather_numbers_letters.py`: numbers and letters interleaved by `gather`.
//!
//! ```python
//! async def task1():
//!     for num in range(5):
//!         print(num)
//!         await asyncio.sleep(0.1)
//! async def task2():
//!     for letter in "abcde":
//!         print(letter)
//!         await asyncio.sleep(0.1)
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
        for num in 0..5 {
            println!("{num}");
            coro_loop::sleep(Duration::from_millis(100)).await;
        }
    }

    #[coro_core::coroutine]
    pub fn task2() {
        for letter in "abcde".chars() {
            println!("{letter}");
            coro_loop::sleep(Duration::from_millis(100)).await;
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
