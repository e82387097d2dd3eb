//! Recursion through a boxed trait object, the route that compiles for generators (which take
//! no `boxed` option) and for coroutines without `boxed`: the object stores a `Pin<Box<dyn ..>>`,
//! not its own type.

use coro_core::{Coroutine, Generator, Stream, yield_, yield_from};
use std::pin::Pin;

struct Tree {
    v: u32,
    kids: Vec<Tree>,
}

fn tree() -> Tree {
    let leaf = |v| Tree { v, kids: vec![] };
    Tree {
        v: 1,
        kids: vec![
            Tree {
                v: 2,
                kids: vec![leaf(3)],
            },
            leaf(4),
        ],
    }
}

#[coro_core::coroutine(yield = u32)]
fn walk(t: &Tree) {
    yield_!(t.v);
    for k in &t.kids {
        yield_from!(Box::pin(walk(k)) as Pin<Box<dyn Generator<Yield = u32, Return = ()> + '_>>);
    }
}

#[coro_core::coroutine(yield = u32)]
fn walk_async(t: &Tree) {
    core::future::ready(()).await;
    yield_!(t.v);
    for k in &t.kids {
        yield_from!(Box::pin(walk_async(k)) as Pin<Box<dyn Stream<Item = u32> + '_>>);
    }
}

/// A generator that returns a value and is sent values, delegating to itself.
#[coro_core::coroutine(yield = u32, resume = u32)]
fn depth(n: u32) -> u32 {
    let sent = yield_!(n);
    if n == 0 {
        return sent;
    }
    let below = yield_from!(
        Box::pin(depth(n - 1)) as Pin<Box<dyn Generator<u32, Yield = u32, Return = u32>>>
    );
    below + sent
}

#[coro_core::coroutine]
fn count(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    (Box::pin(count(n - 1)) as Pin<Box<dyn Coroutine<Output = u32>>>).await + 1
}

#[test]
fn recursive_generator_through_a_trait_object() {
    assert_eq!(walk(&tree()).collect::<Vec<_>>(), [1, 2, 3, 4]);
}

#[test]
fn recursive_async_generator_through_a_trait_object() {
    let t = tree();
    let mut seen = vec![];
    coro_core::block_on(coro_core::for_each(walk_async(&t), |v| {
        seen.push(v);
    }));
    assert_eq!(seen, [1, 2, 3, 4]);
}

#[test]
fn recursive_generator_passes_sent_values_and_returns() {
    use coro_core::GeneratorState::{Complete, Yielded};
    let mut g = Box::pin(depth(2));
    assert_eq!(g.as_mut().start(), Yielded(2));
    assert_eq!(g.as_mut().resume(10), Yielded(1));
    assert_eq!(g.as_mut().resume(20), Yielded(0));
    assert_eq!(g.as_mut().resume(30), Complete(60));
}

#[test]
fn recursive_coroutine_without_boxed_through_a_trait_object() {
    assert_eq!(coro_core::block_on(count(5)), 5);
}
