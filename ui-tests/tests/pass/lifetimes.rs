#[coro_core::coroutine]
fn first_word<'a>(s: &'a str) -> &'a str {
    core::future::ready(()).await;
    s.split(' ').next().unwrap_or("")
}

#[coro_core::coroutine]
fn longer<'a, 'b: 'a>(a: &'a str, b: &'b str) -> &'a str {
    let la = core::future::ready(a.len()).await;
    if la >= b.len() { a } else { b }
}

#[coro_core::coroutine]
fn elided(s: &str) -> usize {
    core::future::ready(s.len()).await
}

fn main() {
    let text = String::from("hello world");
    assert_eq!(coro_core::block_on(first_word(&text)), "hello");
    assert_eq!(coro_core::block_on(longer("ab", "abc")), "abc");
    assert_eq!(coro_core::block_on(elided(&text)), 11);
}
