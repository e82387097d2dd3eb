// `check` rewrites `return` and `?`, and the lowering may turn `break`/`continue` into jumps
// between states, each rebuilt without its attributes: a `#[cfg]` there would be lost, so the
// statement would run in every configuration. Each is an error.
#[coro_core::coroutine]
fn early(v: Option<u32>) -> Option<u32> {
    let x = core::future::ready(1).await;
    #[cfg(any())]
    return Some(100);
    #[cfg(any())]
    v?;
    let mut n = 0;
    loop {
        core::future::ready(()).await;
        n += 1;
        #[cfg(any())]
        break;
        if n == 3 {
            break;
        }
    }
    Some(x + n)
}

fn main() {}
