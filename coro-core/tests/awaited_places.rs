//! An awaited value used in place, as rustc's mutable temporary: a `&mut self` method called on
//! it, `&mut` of it, a field of it assigned, `ref mut` bindings into it, and the same for the
//! value sent into a generator. Each body is compiled as an `async fn` (the reference) and as a
//! `#[coro_core::coroutine] fn`; both are polled 0, 1, 2, … times, dropped, and must log the
//! same events.
#![allow(
    clippy::needless_pass_by_value,
    clippy::unused_async,
    clippy::explicit_iter_loop,
    clippy::match_single_binding
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};
use std::ops::{Deref, DerefMut};

/// A guard that derefs to a `Vec` and logs its drop, like an async mutex's guard.
#[allow(dead_code)] // the `D` is there to be dropped
struct Guard(Vec<u32>, D);

impl Deref for Guard {
    type Target = Vec<u32>;
    fn deref(&self) -> &Vec<u32> {
        &self.0
    }
}

impl DerefMut for Guard {
    fn deref_mut(&mut self) -> &mut Vec<u32> {
        &mut self.0
    }
}

fn lock(name: &'static str) -> ported_common::Later<Guard> {
    later(Guard(vec![1], D(name)))
}

fn len_of(v: &mut Vec<u32>) -> usize {
    v.push(0);
    v.len()
}

struct Pair {
    n: u32,
}

twin! {
    fn used_in_place / used_in_place_ref () -> usize {
        lock("push").await.push(2);
        log("after push");
        later(vec![1]).await.push(later(2).await);
        let mut total = lock("len").await.len();
        total += len_of(&mut later(vec![3]).await);
        later(Pair { n: 0 }).await.n = 5;
        lock("field").await.0 = vec![];
        for x in later(vec![1u32, 2]).await.iter_mut() {
            *x += 1;
            total += *x as usize;
        }
        if let Some(ref mut v) = later(Some(vec![1])).await {
            v.push(2);
            total += v.len();
        }
        match later((D("m"), vec![1])).await {
            (_, ref mut v) => {
                v.push(3);
                total += v.len();
            }
        }
        let (ref mut w, _) = later((vec![4], D("let"))).await;
        w.push(5);
        total += w.len();
        log("end");
        total
    }
}

#[test]
fn an_awaited_value_can_be_used_mutably_in_place() {
    assert_same_at_every_cancel(used_in_place_ref, used_in_place);
}

#[coro_core::coroutine(yield = u32, resume = Vec<u32>)]
fn sent_in_place() -> usize {
    coro_core::yield_!(0).push(1);
    coro_core::yield_!(1).len()
}

#[test]
fn a_value_sent_in_can_be_used_mutably_in_place() {
    use coro_core::{Generator, GeneratorState};
    let mut g = std::pin::pin!(sent_in_place());
    assert!(matches!(g.as_mut().start(), GeneratorState::Yielded(0)));
    assert!(matches!(
        g.as_mut().resume(vec![]),
        GeneratorState::Yielded(1)
    ));
    assert!(matches!(
        g.as_mut().resume(vec![7, 8]),
        GeneratorState::Complete(2)
    ));
}
