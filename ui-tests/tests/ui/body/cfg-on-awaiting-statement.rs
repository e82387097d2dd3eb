// `#[cfg]` reaches the attribute before rustc evaluates it: on code the coroutine cuts into
// states it would be lost (the code would run in every configuration), so it is an error.
#[coro_core::coroutine]
fn log(msg: &'static str) {
    println!("{msg}");
}

#[coro_core::coroutine]
fn work() {
    #[cfg(feature = "verbose")]
    log("verbose").await;
    #[cfg(any())]
    {
        log("never").await;
    }
    #[cfg_attr(any(), cfg(any()))]
    for _ in 0..2 {
        log("twice").await;
    }
    // Await-free: copied with its attribute, rustc configures it. Not an error.
    #[cfg(any())]
    println!("never");
}

#[coro_core::coroutine(yield = u32)]
fn numbers() {
    #[cfg(any())]
    coro_core::yield_!(1);
    coro_core::yield_!(2);
}

fn main() {}
