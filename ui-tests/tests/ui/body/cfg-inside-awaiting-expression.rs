// A `match` or struct literal that awaits is rebuilt around its awaits, which would drop the
// attributes of its arms and fields.
struct Pair {
    a: u32,
    b: u32,
}

#[coro_core::coroutine]
fn pick(v: Option<u32>) -> u32 {
    let r = match v {
        #[cfg(any())]
        Some(0) => core::future::ready(100).await,
        Some(n) => n + core::future::ready(1).await,
        None => 0,
    };
    let p = Pair {
        #[cfg(all())]
        a: 1,
        b: core::future::ready(2).await,
    };
    // The `match` does not await: copied whole, rustc configures its arms. Not an error.
    let s = match v {
        #[cfg(any())]
        Some(0) => 100,
        _ => 0,
    };
    r + p.a + p.b + s
}

fn main() {}
