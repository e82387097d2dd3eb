//! A generator (no `.await`) is `Unpin` whatever it holds across a `yield_!`, so it is an
//! `Iterator` even over a type parameter: its state stores no future, only locals that each
//! resume moves out and each `yield_!` moves back in.

use coro_core::{Generator, GeneratorState, yield_};
use std::marker::PhantomPinned;
use std::pin::Pin;

#[coro_core::coroutine(yield = T)]
fn rep<T: Clone>(x: T, n: usize) {
    for _ in 0..n {
        yield_!(x.clone());
    }
}

#[coro_core::coroutine(yield = (usize, T))]
fn enumerate_all<T, I: Iterator<Item = T>>(items: I) -> usize {
    let mut i = 0;
    for item in items {
        yield_!((i, item));
        i += 1;
    }
    i
}

/// Holds a `!Unpin` value across each `yield_!`.
#[coro_core::coroutine(yield = u32)]
fn holds_not_unpin(n: u32) {
    let pinned = (PhantomPinned, 7);
    for i in 0..n {
        yield_!(i + pinned.1);
    }
}

fn assert_unpin<T: Unpin>(_: &T) {}

#[test]
fn generic_generator_is_an_iterator() {
    assert_eq!(rep("a", 3).collect::<Vec<_>>(), ["a", "a", "a"]);
    assert_eq!(
        rep(String::from("s"), 2).collect::<Vec<_>>(),
        ["s".to_string(), "s".to_string()]
    );
    let mut g = enumerate_all(vec![vec![1u8], vec![2, 3]].into_iter());
    assert_eq!(g.next(), Some((0, vec![1])));
    assert_eq!(g.next(), Some((1, vec![2, 3])));
    assert_eq!(g.next(), None);
}

#[test]
fn generator_holding_a_not_unpin_value_can_move_between_resumes() {
    let mut g = holds_not_unpin(3);
    assert_unpin(&g);
    assert_eq!(g.next(), Some(7));
    // Moved while suspended, holding the `PhantomPinned` local.
    let mut moved = Box::new(g);
    assert_eq!(moved.next(), Some(8));
    let mut moved_again = *moved;
    assert_eq!(
        Pin::new(&mut moved_again).resume(()),
        GeneratorState::Yielded(9)
    );
    assert_eq!(
        Pin::new(&mut moved_again).resume(()),
        GeneratorState::Complete(())
    );
}

#[test]
fn generic_generator_with_return_value() {
    let mut g = enumerate_all("xy".chars());
    assert_eq!(Pin::new(&mut g).start(), GeneratorState::Yielded((0, 'x')));
    assert_eq!(
        Pin::new(&mut g).resume(()),
        GeneratorState::Yielded((1, 'y'))
    );
    assert_eq!(Pin::new(&mut g).resume(()), GeneratorState::Complete(2));
}
