// `?` on an `Option` in a coroutine that returns `Result`, and on a `Result` in one that returns
// `Option`: each error says which kind the `?` needs and how to convert.
#[coro_core::coroutine]
fn first(v: Vec<u32>) -> Result<u32, String> {
    let x = v.first().copied()?;
    core::future::ready(()).await;
    Ok(x)
}

#[coro_core::coroutine]
fn parse(text: String) -> Option<u32> {
    let x: u32 = text.parse()?;
    core::future::ready(()).await;
    Some(x)
}

fn main() {
    let _ = first(vec![]);
    let _ = parse(String::new());
}
