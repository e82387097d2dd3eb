use core::fmt::Display;

#[coro_core::coroutine]
fn describe<T, U>(label: T, value: U) -> String
where
    T: Display,
    U: Into<u64> + Copy,
{
    let n = core::future::ready(value.into()).await;
    format!("{label}={n}")
}

#[coro_core::coroutine]
fn largest<T: PartialOrd + Copy>(xs: Vec<T>) -> Option<T> {
    let mut best = None;
    for x in xs {
        let x = core::future::ready(x).await;
        if best.is_none_or(|b| x > b) {
            best = Some(x);
        }
    }
    best
}

fn main() {
    assert_eq!(coro_core::block_on(describe("n", 7_u32)), "n=7");
    assert_eq!(coro_core::block_on(largest(vec![3, 9, 2])), Some(9));
}
