// `fetch(1)?` without `.await`: the error says to await the coroutine first.
#[coro_core::coroutine]
fn fetch(x: u32) -> Result<u32, String> {
    core::future::ready(()).await;
    Ok(x)
}

#[coro_core::coroutine]
fn user() -> Result<u32, String> {
    let a = fetch(1)?;
    Ok(a)
}

fn main() {
    let _ = user();
}
