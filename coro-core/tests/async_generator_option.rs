//! `#[coroutine(yield = Y, async)]`: an async generator (a `Stream`) whose body has no `.await`
//! of its own.

use coro_core::{Stream, yield_, yield_from};

#[coro_core::coroutine(yield = u32)]
fn ticks(n: u32) {
    for i in 0..n {
        core::future::ready(()).await;
        yield_!(i);
    }
}

/// Python: `async def with_header(n): yield 100; async for x in ticks(n): yield x`.
#[coro_core::coroutine(yield = u32, async)]
fn with_header(n: u32) {
    yield_!(100);
    yield_from!(Box::pin(ticks(n)));
}

#[coro_core::coroutine(yield = u32, async)]
fn only_yields() {
    yield_!(1);
    yield_!(2);
}

fn is_stream<S: Stream<Item = u32>>(s: S) -> S {
    s
}

#[test]
fn async_option_makes_a_stream_without_an_await() {
    let mut seen = vec![];
    coro_core::block_on(coro_core::for_each(is_stream(with_header(3)), |v| {
        seen.push(v);
    }));
    assert_eq!(seen, [100, 0, 1, 2]);
    let sum = coro_core::block_on(coro_core::fold(is_stream(only_yields()), 0, |a, b| a + b));
    assert_eq!(sum, 3);
}
