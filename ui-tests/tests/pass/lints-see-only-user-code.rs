//! Under `deny(warnings)`, a body that uses every local it binds, and every `mut` it writes,
//! and has no code after a diverging one compiles without a warning: the macro's own copies of
//! the locals, its stores, rebindings and jumps never set off `unused_variables`,
//! `unused_mut`, `unused_assignments`, `unreachable_code` or `unused_parens`.
#![deny(warnings)]

use coro_core::{Generator, GeneratorState, yield_};
use core::future::ready;
use std::pin::pin;

#[derive(Debug)]
struct Acc {
    total: u32,
}

impl Acc {
    #[coro_core::coroutine]
    fn add(&mut self, by: u32) -> u32 {
        let by = ready(by).await;
        self.total += by;
        self.total
    }

    #[coro_core::coroutine]
    fn into_total(self) -> u32 {
        ready(()).await;
        self.total
    }
}

fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
    s.parse()
}

#[coro_core::coroutine]
fn everything(words: Vec<&'static str>, limit: u32) -> Result<u32, std::num::ParseIntError> {
    let mut total = 0;
    let mut seen = Vec::new();
    let factor = ready(2).await;
    // A loop whose body awaits, with `?`, `continue` and `break`.
    'words: for w in words {
        let n = parse(ready(w).await)?;
        if n == 0 {
            continue 'words;
        }
        seen.push(n);
        total += n * factor;
        if total > limit {
            break;
        }
    }
    // Shadowing across an await.
    let total = ready(total).await;
    let total = total + 1;
    // A match whose arms await.
    let bonus = match seen.len() {
        0 => ready(0).await,
        1 => 1,
        _ => {
            let last = seen.last().copied().unwrap_or(0);
            ready(last).await
        }
    };
    // A `while` with a counter changed only after its await.
    let mut i = 0;
    while i < 2 {
        ready(()).await;
        i += 1;
    }
    // A `mut` local assigned after an await, then read.
    let mut last = 0;
    ready(()).await;
    last += bonus;
    // An alias rebuilt after the await.
    let r = &seen;
    ready(()).await;
    Ok(total + last + i + r.len() as u32)
}

#[coro_core::coroutine]
fn gives_up() -> ! {
    ready(()).await;
    panic!("never returns")
}

/// Diverging code in the user's body, none of it followed by user code: the jumps the macro
/// writes after it are unreachable, and rustc must not say so.
#[coro_core::coroutine]
fn diverging(k: u32, v: Option<u32>) -> u32 {
    if k == 9 {
        // Awaiting a `-> !` coroutine.
        return gives_up().await;
    }
    // A branch that awaits, then panics.
    if k == 7 {
        ready(()).await;
        panic!("seven");
    }
    // An awaiting `match` with an arm that returns.
    let base = match v {
        Some(n) if n > 10 => ready(n).await,
        Some(n) => n + 1,
        None => return 0,
    };
    // `let .. else` whose `else` awaits.
    let Some(m) = v else {
        ready(()).await;
        return base;
    };
    // Parentheses the user's code needs: an `as` before `.await`, an operand hoisted in
    // front of an await.
    let f = (ready(m) as core::future::Ready<u32>).await;
    let f = {
        let doubled = f * 2;
        ready(doubled / 2)
    }
    .await;
    let g = (base + f) * ready(2).await;
    // A tail `loop` that only leaves by `return`.
    let mut i = 0;
    loop {
        i += ready(1).await;
        if i > 2 {
            return g + i;
        }
    }
}

#[coro_core::coroutine(yield = u32)]
fn counter(n: u32) -> u32 {
    let mut sum = 0;
    for i in 0..n {
        yield_!(i);
        sum += i;
    }
    sum
}

fn main() {
    let out = coro_core::block_on(everything(vec!["1", "0", "3"], 100));
    assert_eq!(out, Ok(2 + 6 + 1 + 3 + 2 + 2));
    assert_eq!(coro_core::block_on(diverging(1, None)), 0);
    assert_eq!(coro_core::block_on(diverging(1, Some(2))), (3 + 2) * 2 + 3);
    let mut acc = Acc { total: 1 };
    assert_eq!(coro_core::block_on(acc.add(2)), 3);
    assert_eq!(coro_core::block_on(acc.into_total()), 3);
    let mut g = pin!(counter(3));
    let mut yielded = Vec::new();
    loop {
        match g.as_mut().resume(()) {
            GeneratorState::Yielded(v) => yielded.push(v),
            GeneratorState::Complete(sum) => {
                assert_eq!(sum, 3);
                break;
            }
        }
    }
    assert_eq!(yielded, [0, 1, 2]);
}
