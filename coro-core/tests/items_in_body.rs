//! Items declared in a coroutine's body are visible in the whole body, across its `.await`s
//! and `yield_!`s, as in an `async fn`: the macro prints them before the state machine.

use coro_core::{block_on, yield_};
use std::future::ready;

#[coro_core::coroutine]
fn with_use() -> usize {
    use std::collections::HashMap;
    let x = ready(1).await;
    let mut m = HashMap::new();
    m.insert(x, x);
    m.len()
}

#[coro_core::coroutine]
fn with_fn_const_static() -> u32 {
    fn helper(y: u32) -> u32 {
        y * 10
    }
    const K: u32 = 3;
    static BASE: u32 = 100;
    let a = ready(1).await;
    helper(a) + K + BASE
}

#[coro_core::coroutine]
fn with_struct_impl_enum_trait() -> u32 {
    struct P {
        a: u32,
    }
    impl P {
        fn doubled(&self) -> u32 {
            self.a * 2
        }
    }
    enum Shape {
        Square(u32),
        Line,
    }
    trait Area {
        fn area(&self) -> u32;
    }
    impl Area for Shape {
        fn area(&self) -> u32 {
            match self {
                Shape::Square(s) => s * s,
                Shape::Line => 0,
            }
        }
    }
    let a = ready(3).await;
    let p = P { a };
    ready(()).await;
    p.doubled() + Shape::Square(a).area() + Shape::Line.area()
}

#[coro_core::coroutine]
fn with_macro_rules(x: u32) -> u32 {
    macro_rules! double {
        ($e:expr) => {
            $e * 2
        };
    }
    let a = ready(x).await;
    double!(a)
}

/// An item declared after the `.await` that uses it, and one in a nested block that awaits.
#[coro_core::coroutine]
fn declared_late_and_nested(flag: bool) -> u32 {
    let a = ready(1).await;
    let b = if flag {
        fn nested(v: u32) -> u32 {
            v + 40
        }
        let v = ready(2).await;
        nested(v)
    } else {
        0
    };
    // An await-free block keeps its items where they are.
    let c = {
        fn local() -> u32 {
            500
        }
        local()
    };
    let total = late(a)
        + b
        + c
        + loop {
            const STEP: u32 = 1000;
            ready(()).await;
            break STEP;
        }
        + {
            fn after() -> u32 {
                7000
            }
            ready(()).await;
            after()
        };
    fn late(v: u32) -> u32 {
        v
    }
    total
}

/// `#[cfg]` on an item is evaluated by rustc as usual: the item is printed with it.
#[coro_core::coroutine]
fn configured_items() -> &'static str {
    #[cfg(any())]
    fn level() -> &'static str {
        "never"
    }
    #[cfg(not(any()))]
    fn level() -> &'static str {
        "always"
    }
    ready(()).await;
    level()
}

#[coro_core::coroutine(yield = u32)]
fn generator_with_items(n: u32) -> u32 {
    use std::ops::Add;
    const STEP: u32 = 2;
    struct Acc(u32);
    macro_rules! bump {
        ($acc:ident) => {
            $acc.0 = $acc.0.add(STEP)
        };
    }
    let mut acc = Acc(0);
    for _ in 0..n {
        yield_!(acc.0);
        bump!(acc);
    }
    acc.0
}

struct Counter {
    n: u32,
}

impl Counter {
    /// In a method, a generic fn and a boxed one: items cannot name `Self` or the generics, so
    /// moving them changes nothing else.
    #[coro_core::coroutine]
    fn bump<T: Into<u32>>(&mut self, by: T) -> u32 {
        fn twice(v: u32) -> u32 {
            v * 2
        }
        ready(()).await;
        self.n += twice(by.into());
        self.n
    }

    #[coro_core::coroutine(boxed)]
    fn countdown(&self, from: u32) -> u32 {
        const STOP: u32 = 0;
        if from == STOP {
            return self.n;
        }
        ready(()).await;
        self.countdown(from - 1).await + 1
    }
}

#[test]
fn items_in_methods_and_boxed_coroutines() {
    let mut c = Counter { n: 1 };
    assert_eq!(block_on(c.bump(3u8)), 7);
    assert_eq!(block_on(c.countdown(3)), 10);
}

#[test]
fn items_are_visible_after_an_await() {
    assert_eq!(block_on(with_use()), 1);
    assert_eq!(block_on(with_fn_const_static()), 113);
    assert_eq!(block_on(with_struct_impl_enum_trait()), 15);
    assert_eq!(block_on(with_macro_rules(4)), 8);
}

#[test]
fn items_declared_late_or_in_nested_blocks() {
    assert_eq!(block_on(declared_late_and_nested(true)), 8543);
    assert_eq!(block_on(declared_late_and_nested(false)), 8501);
}

#[test]
fn configured_items_keep_their_cfg() {
    assert_eq!(block_on(configured_items()), "always");
}

#[test]
fn items_in_a_generator() {
    assert_eq!(generator_with_items(3).collect::<Vec<_>>(), [0, 2, 4]);
}

/// A `macro_rules!` that names a local resolves it where it is defined: it stays there (used
/// before the next await, as here, it works as in an `async fn`).
#[coro_core::coroutine]
fn macro_naming_a_local(n: u32) -> u32 {
    let a = core::future::ready(1u32).await;
    let x = a + n;
    macro_rules! show {
        () => {
            x * 10
        };
    }
    show!()
}

/// One macro name defined once per configuration: both stay where they are.
#[coro_core::coroutine]
fn macro_per_configuration() -> u32 {
    #[cfg(debug_assertions)]
    macro_rules! level {
        () => {
            1
        };
    }
    #[cfg(not(debug_assertions))]
    macro_rules! level {
        () => {
            1
        };
    }
    let v = level!();
    core::future::ready(v).await
}

fn scale(x: u32) -> u32 {
    x + 1
}

/// A nested block's item whose name the function also uses outside the block stays in the
/// block (moved up, it would replace the module-level `scale` everywhere).
#[coro_core::coroutine]
fn nested_item_shadowing_a_module_item() -> (u32, u32) {
    let before = scale(1);
    let inner = {
        fn scale(x: u32) -> u32 {
            x * 10
        }
        let v = scale(2);
        core::future::ready(()).await;
        v
    };
    (before, inner + scale(0) * 0)
}

#[test]
fn items_that_would_change_a_name_stay_in_place() {
    assert_eq!(block_on(macro_naming_a_local(2)), 30);
    assert_eq!(block_on(macro_per_configuration()), 1);
    assert_eq!(block_on(nested_item_shadowing_a_module_item()), (2, 20));
}

#[coro_core::coroutine]
fn with_thread_local(rounds: u32) -> u32 {
    thread_local! {
        static COUNT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
        pub static NAME: &'static str = const { "tl" };
    }
    for _ in 0..rounds {
        ready(()).await;
        COUNT.with(|c| c.set(c.get() + 1));
    }
    if ready(true).await {
        // A nested block that suspends: its `thread_local!` moves too.
        std::thread_local!(static STEP: u32 = const { 10 });
        ready(()).await;
        COUNT.with(|c| c.set(c.get() + STEP.with(|s| *s)));
    }
    NAME.with(|n| assert_eq!(*n, "tl"));
    COUNT.with(std::cell::Cell::get)
}

#[test]
fn thread_local_is_an_item_across_awaits() {
    assert_eq!(block_on(with_thread_local(3)), 13);
}

// A `'static` lifetime in a `thread_local!`'s type is not a declared static named `str`, which
// would stop two such blocks (or one, with `str` spelled elsewhere) from moving.
#[coro_core::coroutine]
fn thread_locals_with_static_lifetimes() -> usize {
    {
        thread_local! { static A: std::cell::Cell<&'static str> = const { std::cell::Cell::new("a") }; }
        A.with(|a| a.set("a1"));
    }
    let n;
    {
        thread_local! { static B: std::cell::Cell<&'static str> = const { std::cell::Cell::new("b") }; }
        ready(()).await;
        n = B.with(std::cell::Cell::get).len();
    }
    let s: &str = "xy";
    n + s.len()
}

#[test]
fn a_static_lifetime_in_a_thread_local_is_no_name() {
    assert_eq!(block_on(thread_locals_with_static_lifetimes()), 3);
}
