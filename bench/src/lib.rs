//! Benchmarks and measurements of coro against rustc's `async fn`.
//!
//! The [`corpus`] holds coroutines written twice with identical bodies: once as `async fn`
//! (rustc's lowering, the reference) and once as `#[coro_core::coroutine] fn`. [`rows`] measures
//! the state size of every pair; `cargo run -p coro-bench --example sizes` prints the table and
//! `bench/tests/sizes.rs` asserts it.
//!
//! ```
//! let rows = coro_bench::rows();
//! assert!(rows.len() >= 20);
//! assert!(rows.iter().all(|row| row.coro > 0 && row.rustc > 0));
//! ```

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A future that is pending on its first poll (waking its waker at once) and ready on the next.
///
/// Awaiting it is one real suspension, like `tokio::task::yield_now`.
#[derive(Debug, Default)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            Poll::Ready(())
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Returns a [`YieldNow`]: one suspension.
pub fn yield_now() -> YieldNow {
    YieldNow::default()
}

/// Sums bytes without overflow, so bodies can observe every element of a big array.
pub fn sum(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(b)).sum()
}

/// Declares helper coroutines in two flavours with identical bodies: `rustc_helpers::$name` as
/// `async fn` and `coro_helpers::$name` as `#[coro_core::coroutine] fn`.
macro_rules! helpers {
    ($(
        #[doc = $doc:literal]
        fn $name:ident ( $($params:tt)* ) -> $ret:ty { $($body:tt)* }
    )*) => {
        /// Helper coroutines lowered by rustc (`async fn`).
        pub mod rustc_helpers {
            #![allow(clippy::unused_async)]
            #[allow(unused_imports)]
            use crate::{sum, yield_now};
            #[allow(unused_imports)]
            use core::future::{Future, ready};
            $(
                #[doc = $doc]
                pub async fn $name($($params)*) -> $ret { $($body)* }
            )*
        }

        /// The same helper coroutines lowered by `#[coro_core::coroutine]`.
        pub mod coro_helpers {
            #[allow(unused_imports)]
            use crate::{sum, yield_now};
            #[allow(unused_imports)]
            use core::future::{Future, ready};
            $(
                #[doc = $doc]
                #[coro_core::coroutine]
                pub fn $name($($params)*) -> $ret { $($body)* }
            )*
        }
    };
}

helpers! {
    /// One suspension and nothing stored (rustc's `wait()` in issue #62958).
    fn wait() -> () {
        yield_now().await;
    }

    /// A 1 KiB local held across one await (issue #59087's `i_am_1kb`).
    fn i_am_1kb() -> bool {
        let x = [1u8; 1024];
        yield_now().await;
        sum(&x) == 1024
    }

    /// Awaits `i_am_1kb` after binding it to a local (one layer of #59087).
    fn layer1() -> bool {
        let inner = i_am_1kb();
        inner.await
    }

    /// Two layers of #59087.
    fn layer2() -> bool {
        let inner = layer1();
        inner.await
    }

    /// A big argument used after an await.
    fn big_arg(arg: [u8; 1024]) -> u64 {
        yield_now().await;
        sum(&arg)
    }

    /// Forwards a big argument one level down (future-sizes `large-arg`).
    fn pass1(arg: [u8; 1024]) -> u64 {
        big_arg(arg).await
    }

    /// Forwards a big argument two levels down.
    fn pass2(arg: [u8; 1024]) -> u64 {
        pass1(arg).await
    }

    /// Awaits the future it is given (#62958's `use_future`).
    fn use_future(fut: impl Future<Output = u64>) -> u64 {
        fut.await
    }

    /// A small coroutine with one local across an await.
    fn leaf(x: u64) -> u64 {
        let y = x * 2;
        yield_now().await;
        y + 1
    }

    /// A chain of small coroutines, two deep.
    fn chain1(x: u64) -> u64 {
        let a = leaf(x).await;
        a + leaf(a).await
    }

    /// A chain of small coroutines, three deep.
    fn chain2(x: u64) -> u64 {
        let a = chain1(x).await;
        a + chain1(a).await
    }

    /// A chain of small coroutines, four deep.
    fn chain3(x: u64) -> u64 {
        let a = chain2(x).await;
        a + chain2(a).await
    }

    /// A fallible await for `?`.
    fn checked(x: u64) -> Result<u64, String> {
        yield_now().await;
        if x > 1000 { Err(format!("{x} is too big")) } else { Ok(x) }
    }
}

/// One corpus pair measured: its name, the shape it exercises, and both sizes in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The corpus module name.
    pub name: &'static str,
    /// What the case exercises (and where it comes from).
    pub shape: &'static str,
    /// `size_of_val` of the `async fn` future.
    pub rustc: usize,
    /// `size_of_val` of the `#[coro_core::coroutine]` object.
    pub coro: usize,
}

/// Declares the corpus: for every entry a module with `rustc::run` (`async fn`) and `coro::run`
/// (`#[coro_core::coroutine] fn`) with identical bodies. Helper calls in a body resolve to the
/// helper of the same flavour. Also declares [`rows`] and [`check_outputs`].
macro_rules! corpus {
    ($(
        #[doc = $doc:literal]
        fn $name:ident ( $($params:tt)* ) -> $ret:ty { $($body:tt)* } with ( $($args:expr),* $(,)? );
    )*) => {
        /// The size corpus: each module holds one coroutine written as `async fn` and as
        /// `#[coro_core::coroutine] fn`.
        pub mod corpus {
            $(
                #[doc = $doc]
                pub mod $name {
                    /// Lowered by rustc.
                    pub mod rustc {
                        #![allow(clippy::unused_async, dropping_copy_types, unused_imports, unused_mut)]
                        #![allow(clippy::many_single_char_names, clippy::cast_possible_truncation)]
                        use crate::rustc_helpers::*;
                        use crate::{sum, yield_now};
                        use core::future::{Future, ready};
                        #[doc = $doc]
                        pub async fn run($($params)*) -> $ret { $($body)* }
                    }
                    /// Lowered by `#[coro_core::coroutine]`.
                    pub mod coro {
                        #![allow(dropping_copy_types, unused_imports, unused_mut)]
                        #![allow(clippy::many_single_char_names, clippy::cast_possible_truncation)]
                        use crate::coro_helpers::*;
                        use crate::{sum, yield_now};
                        use core::future::{Future, ready};
                        #[doc = $doc]
                        #[coro_core::coroutine]
                        pub fn run($($params)*) -> $ret { $($body)* }
                    }
                }
            )*
        }

        /// Measures `size_of_val` of both flavours of every corpus entry.
        pub fn rows() -> Vec<Row> {
            vec![$(
                Row {
                    name: stringify!($name),
                    shape: $doc.trim(),
                    rustc: core::mem::size_of_val(&corpus::$name::rustc::run($($args),*)),
                    coro: core::mem::size_of_val(&corpus::$name::coro::run($($args),*)),
                },
            )*]
        }

        /// Drives both flavours of every corpus entry to completion and panics if their outputs
        /// differ, so the size table compares coroutines that compute the same thing.
        pub fn check_outputs() {
            $(
                let theirs = coro_core::block_on(corpus::$name::rustc::run($($args),*));
                let ours = coro_core::block_on(corpus::$name::coro::run($($args),*));
                assert_eq!(ours, theirs, "corpus entry `{}`", stringify!($name));
            )*
        }
    };
}

corpus! {
    /// no await at all: one argument, returned plus one
    fn no_await(x: u64) -> u64 {
        x + 1
    }
    with (7);

    /// one await of an always-ready future
    fn one_ready(x: u64) -> u64 {
        let a = ready(x).await;
        a + 1
    }
    with (7);

    /// #62958: an 8 KiB argument used after an await (rustc stores it twice)
    fn i62958_arg_after_await(arg: [u8; 8192]) -> u64 {
        wait().await;
        sum(&arg)
    }
    with ([1; 8192]);

    /// #62958: an 8 KiB argument dropped after an await, `drop(arg)` as in the issue
    fn i62958_arg_dropped(arg: [u8; 8192]) -> () {
        wait().await;
        drop(arg);
    }
    with ([1; 8192]);

    /// #62958: a wrapper awaiting a future argument (a 1 KiB rustc future, same in both)
    fn i62958_use_future(fut: impl Future<Output = u64>) -> u64 {
        fut.await
    }
    with (crate::rustc_helpers::big_arg([1; 1024]));

    /// #62958: three nested `use_future` wrappers of the flavour under test around a big future
    fn i62958_use_future_x3(fut: impl Future<Output = u64>) -> u64 {
        use_future(use_future(use_future(fut))).await
    }
    with (crate::rustc_helpers::big_arg([1; 1024]));

    /// #59087: a 1 KiB-state callee bound to a local, then awaited
    fn i59087_bound_then_awaited() -> bool {
        let inner = i_am_1kb();
        inner.await
    }
    with ();

    /// #59087: the same callee awaited directly
    fn i59087_direct() -> bool {
        i_am_1kb().await
    }
    with ();

    /// #59087: three layers of bind-then-await around the 1 KiB callee
    fn i59087_three_layers() -> bool {
        let inner = layer2();
        inner.await
    }
    with ();

    /// #59087: a 4 KiB local held across an await
    fn big_local_across_await(x: u8) -> u64 {
        let buf = [x; 4096];
        wait().await;
        sum(&buf)
    }
    with (3);

    /// a 4 KiB local whose last use is before the await
    fn big_local_dead_at_await(x: u8) -> u64 {
        let buf = [x; 4096];
        let s = sum(&buf);
        wait().await;
        s
    }
    with (3);

    /// future-sizes `large-arg`: a 1 KiB argument forwarded through three awaited layers
    fn large_arg_forwarded(arg: [u8; 1024]) -> u64 {
        pass2(arg).await
    }
    with ([2; 1024]);

    /// future-sizes `async-awaiting-fut`: a big value moved into a callee that is awaited
    fn move_big_into_callee(x: u8) -> u64 {
        let big = [x; 1024];
        big_arg(big).await
    }
    with (5);

    /// a future holding a big value created, another await, then the first awaited
    fn future_held_across_await(x: u8) -> u64 {
        let fut = big_arg([x; 1024]);
        wait().await;
        fut.await
    }
    with (5);

    /// future-sizes `future-as-arg`: a big future argument dropped unawaited before an await
    fn future_arg_dropped(fut: impl Future<Output = u64>) -> u64 {
        drop(fut);
        wait().await;
        1
    }
    with (crate::rustc_helpers::big_arg([1; 1024]));

    /// a big argument read before the await and never after
    fn big_arg_dead_at_await(arg: [u8; 1024], x: u64) -> u64 {
        let y = sum(&arg);
        wait().await;
        y + x
    }
    with ([1; 1024], 4);

    /// two 1 KiB locals in disjoint scopes, each across its own await (should overlap)
    fn disjoint_scopes(x: u8) -> u64 {
        let first = {
            let a = [x; 1024];
            wait().await;
            sum(&a)
        };
        let second = {
            let b = [x.wrapping_add(1); 1024];
            wait().await;
            sum(&b)
        };
        first + second
    }
    with (1);

    /// many small locals, each live across a different set of awaits
    fn many_small_locals(x: u64) -> u64 {
        let a = x + 1;
        wait().await;
        let b = a * 2;
        wait().await;
        let c = b + a;
        wait().await;
        let d = c * 3;
        wait().await;
        let e = d + b;
        wait().await;
        a + b + c + d + e
    }
    with (1);

    /// a `for` loop awaiting in every iteration
    fn loop_of_awaits(n: u64) -> u64 {
        let mut total = 0;
        for i in 0..n {
            total += ready(i).await;
            wait().await;
        }
        total
    }
    with (10);

    /// `while let` draining a Vec, awaiting each element
    fn while_let_vec(n: u64) -> u64 {
        let mut v: Vec<u64> = (0..n).collect();
        let mut total = 0;
        while let Some(x) = v.pop() {
            total += leaf(x).await;
        }
        total
    }
    with (6);

    /// `match` with different locals and awaits in each arm
    fn match_arms(x: u64) -> u64 {
        match x % 3 {
            0 => {
                let s = String::from("zero");
                wait().await;
                s.len() as u64
            }
            1 => {
                let v = vec![x; 4];
                leaf(x).await + v.iter().sum::<u64>()
            }
            _ => ready(x).await,
        }
    }
    with (4);

    /// a `String` held across an await (its niche can hold the state tag)
    fn string_across_await(x: u64) -> usize {
        let s = format!("value {x}");
        wait().await;
        s.len()
    }
    with (42);

    /// an `Option<Box<u64>>` held across an await
    fn option_box_across_await(x: u64) -> u64 {
        let b = if x > 0 { Some(Box::new(x)) } else { None };
        wait().await;
        b.map_or(0, |b| *b)
    }
    with (9);

    /// borrowed argument read on both sides of an await
    fn borrowed_arg(v: &'static [u64]) -> u64 {
        let a = v[0];
        wait().await;
        a + v[1]
    }
    with (&[3, 4]);

    /// `?` after awaits, with an early return
    fn question_mark(x: u64) -> Result<u64, String> {
        let a = checked(x).await?;
        let b = checked(a + 1).await?;
        Ok(a + b)
    }
    with (3);

    /// awaits in call-argument position
    fn awaits_in_arguments(x: u64, y: u64) -> u64 {
        u64::max(ready(x).await, leaf(y).await) + ready(1).await
    }
    with (3, 4);

    /// a chain of coroutine calls four deep (deep nesting)
    fn deep_chain(x: u64) -> u64 {
        chain3(x).await
    }
    with (1);

    /// a 1 KiB local across an await inside a loop, updated each round
    fn big_local_in_loop(n: u8) -> u64 {
        let mut buf = [0u8; 1024];
        for i in 0..n {
            buf[usize::from(i)] = i;
            wait().await;
        }
        sum(&buf)
    }
    with (8);
}

/// Formats `rows` as a Markdown table with a ratio column and a geometric-mean footer.
pub fn markdown_table(rows: &[Row]) -> String {
    use core::fmt::Write as _;
    let mut out = String::from(
        "| case | shape | rustc `async fn` (bytes) | `#[coroutine]` (bytes) | ours/rustc |\n\
         |---|---|---:|---:|---:|\n",
    );
    let mut log_sum = 0.0;
    for row in rows {
        let ratio = ratio(row);
        log_sum += ratio.ln();
        let mark = if row.coro > row.rustc { " ⚠" } else { "" };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {ratio:.2}{mark} |",
            row.name, row.shape, row.rustc, row.coro
        );
    }
    #[allow(clippy::cast_precision_loss)] // a count of corpus rows, far below 2^52
    let geo_mean = (log_sum / rows.len() as f64).exp();
    let _ = writeln!(
        out,
        "| **geometric mean** | {} cases | | | **{geo_mean:.2}** |",
        rows.len()
    );
    out
}

/// `coro / rustc` for one row.
pub fn ratio(row: &Row) -> f64 {
    #[allow(clippy::cast_precision_loss)] // sizes of futures, far below 2^52
    let r = row.coro as f64 / row.rustc as f64;
    r
}
