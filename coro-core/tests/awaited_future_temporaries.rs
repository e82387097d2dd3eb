//! How long a temporary borrowed by the awaited future's own expression lives when the future
//! does not keep the borrow (`f(&D::new("t")).await` with `f` returning `impl Future + use<>`):
//! in an `async fn`, to the end of the enclosing statement, not just until the future is made.
//! The shapes: a `let` initialiser (bound, `_`, and `let .. else`), an expression statement, a
//! body's tail, an awaiting `match`'s scrutinee (to the `match`'s end), a block's tail (edition
//! 2024: to the block's end, before its locals), beside an operand hoisted in front of the
//! await, and a future that panics (PORTED-FINDINGS.md, finding 3b). A value borrowed through
//! a place projected from it (`f(&*LOCK.lock()).await`, a guard held across the await;
//! `&make().field`, `&make()[i]`) lives as long. A temporary borrowed by
//! an operand left of the await lives to the end of its statement too, and in a `let .. else`
//! both kinds drop before the `else` block runs, as in rustc.
//! Each body is compiled as an `async fn` (the reference) and as a `#[coro_core::coroutine]
//! fn`; both are polled 0, 1, 2, … times, dropped, and must log the same events; a future that
//! panics must unwind through the same drops.
#![allow(clippy::needless_pass_by_value, clippy::unused_async)]
// The shapes under test spell out the borrow of a guard (`&*`, `&mut *`), and hold a
// `MutexGuard` across an await as an `async fn` does, which is what is compared.
#![allow(
    clippy::await_holding_lock,
    clippy::borrow_deref_ref,
    clippy::explicit_auto_deref,
    clippy::unnecessary_mut_passed,
    clippy::unused_self
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log, take_log};
use std::future::Future;

impl D {
    fn new(name: &'static str) -> D {
        log(format!("new {name}"));
        D(name)
    }
}

fn new(name: &'static str) -> D {
    D::new(name)
}

/// Reads what it needs from `d` and lets the borrow go: the future does not hold it.
fn f(d: &D) -> impl Future<Output = u32> + use<> {
    let n = d.0;
    async move {
        log(format!("f sees {n}"));
        later(()).await;
        1
    }
}

/// [`f`] with an output to match on.
fn maybe(d: &D) -> impl Future<Output = Option<u32>> + use<> {
    let n = d.0;
    async move {
        log(format!("maybe sees {n}"));
        later(()).await;
        Some(2)
    }
}

/// [`maybe`] that may give `None`.
fn pick(d: &D, some: bool) -> impl Future<Output = Option<u32>> + use<> {
    let n = d.0;
    async move {
        log(format!("pick sees {n}"));
        later(()).await;
        some.then_some(3)
    }
}

/// [`f`] whose output has a destructor.
fn traced(d: &D) -> impl Future<Output = D> + use<> {
    let n = d.0;
    async move {
        log(format!("traced sees {n}"));
        later(()).await;
        D("output")
    }
}

/// [`f`] that panics on its second poll.
fn boom(d: &D) -> impl Future<Output = u32> + use<> {
    let n = d.0;
    async move {
        later(()).await;
        panic!("boom {n}")
    }
}

fn take(d: &D, v: Option<u32>) -> Option<u32> {
    log(format!("take {} {v:?}", d.0));
    v
}

fn pair(a: &D, b: u32) -> u32 {
    log(format!("pair {} {b}", a.0));
    b
}

twin! {
    fn let_bound / let_bound_ref () -> u32 {
        let _a = new("a");
        let r = f(&new("t")).await;
        log("after");
        r
    }
}

twin! {
    fn let_unbound / let_unbound_ref () {
        let _a = new("a");
        let _ = traced(&new("t")).await;
        log("after");
    }
}

twin! {
    fn let_else / let_else_ref (some: bool) -> u32 {
        let _a = new("a");
        let Some(v) = pick(&new("t"), some).await else {
            log("else");
            return 0;
        };
        log("after");
        v
    }
}

twin! {
    fn let_else_operand / let_else_operand_ref (some: bool) -> u32 {
        let _a = new("a");
        let Some(v) = take(&new("t"), later(some.then_some(3)).await) else {
            log("else");
            later(()).await;
            return 0;
        };
        log("after");
        v
    }
}

twin! {
    fn statement / statement_ref () {
        let _a = new("a");
        f(&new("t")).await;
        log("after");
        traced(&new("t2")).await;
        log("after2");
    }
}

twin! {
    fn tail / tail_ref () -> u32 {
        let _a = new("a");
        f(&new("t")).await
    }
}

twin! {
    fn scrutinee / scrutinee_ref () -> u32 {
        match maybe(&D::new("tracer")).await {
            Some(v) => {
                later(()).await;
                log("some");
                v
            }
            None => 0,
        }
    }
}

twin! {
    fn block_tail / block_tail_ref () -> u32 {
        let v = {
            let _inner = D::new("inner");
            maybe(&D::new("t")).await.unwrap() + later(1).await
        };
        log("after");
        v
    }
}

twin! {
    fn beside_an_operand / beside_an_operand_ref () -> u32 {
        let r = pair(&new("left"), f(&new("t")).await);
        log("after");
        r
    }
}

#[test]
fn a_borrowed_temporary_of_the_awaited_future_lives_to_the_statement_end() {
    assert_same_at_every_cancel(let_bound_ref, let_bound);
    assert_same_at_every_cancel(let_unbound_ref, let_unbound);
    for some in [false, true] {
        assert_same_at_every_cancel(|| let_else_ref(some), || let_else(some));
    }
    assert_same_at_every_cancel(statement_ref, statement);
    assert_same_at_every_cancel(tail_ref, tail);
}

#[test]
fn one_left_of_the_await_in_a_let_else_drops_before_the_else_block() {
    for some in [false, true] {
        assert_same_at_every_cancel(|| let_else_operand_ref(some), || let_else_operand(some));
    }
}

#[test]
fn one_in_a_scrutinee_lives_to_the_match_end() {
    assert_same_at_every_cancel(scrutinee_ref, scrutinee);
}

#[test]
fn one_in_a_block_tail_drops_before_the_block_locals() {
    assert_same_at_every_cancel(block_tail_ref, block_tail);
}

#[test]
fn one_beside_a_hoisted_operand_drops_first() {
    assert_same_at_every_cancel(beside_an_operand_ref, beside_an_operand);
}

#[test]
fn the_order_is_the_async_fns_after_one_poll() {
    let (_, got) = ported_common::run_for(let_bound(), 1);
    assert_eq!(
        got,
        [
            ">poll 1", "new a", "new t", "f sees t", "<pending", ">drop", "drop t", "drop a",
            "<dropped"
        ]
    );
}

twin! {
    fn panics / panics_ref () -> u32 {
        let _a = new("a");
        let r = boom(&new("t")).await;
        log("unreachable");
        r
    }
}

twin! {
    fn panics_in_a_statement / panics_in_a_statement_ref () {
        let _a = new("a");
        boom(&new("t")).await;
        log("unreachable");
    }
}

/// The log of running `fut` to completion or to a panic.
fn unwind_log<F: Future>(fut: F) -> Vec<String> {
    let _ = take_log();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ported_common::run(fut)));
    let mut events = take_log();
    if let Ok((_, log)) = run {
        events.extend(log);
    }
    events
}

#[test]
fn a_panicking_future_unwinds_through_the_temporary_as_async_fn() {
    assert_eq!(unwind_log(panics()), unwind_log(panics_ref()));
    assert_eq!(
        unwind_log(panics_in_a_statement()),
        unwind_log(panics_in_a_statement_ref())
    );
}

/// A lock, and [`Guard`]s that borrow it as `std::sync::MutexGuard` borrows its mutex.
struct Lock;

impl Lock {
    fn lock(&self, name: &'static str) -> Guard<'_> {
        log(format!("lock {name}"));
        Guard(D(name), std::marker::PhantomData)
    }
}

/// A guard whose `Deref` target is logged and whose drop logs "unlock" before its `D` drops.
struct Guard<'a>(D, std::marker::PhantomData<&'a Lock>);

impl std::ops::Deref for Guard<'_> {
    type Target = D;
    fn deref(&self) -> &D {
        log(format!("deref {}", self.0.0));
        &self.0
    }
}

impl std::ops::DerefMut for Guard<'_> {
    fn deref_mut(&mut self) -> &mut D {
        log(format!("deref_mut {}", self.0.0));
        &mut self.0
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        log("unlock");
    }
}

static LOCK: Lock = Lock;

/// A value holding a `D`, itself traced.
struct Holder {
    d: D,
    _own: D,
}

fn holder(name: &'static str) -> Holder {
    log(format!("holder {name}"));
    Holder {
        d: D(name),
        _own: D("holder"),
    }
}

twin! {
    fn through_deref / through_deref_ref () -> u32 {
        let _a = new("a");
        let r = f(&*LOCK.lock("t")).await;
        log("after");
        r
    }
}

twin! {
    fn through_deref_mut / through_deref_mut_ref () {
        let _a = new("a");
        traced(&mut *LOCK.lock("t")).await;
        log("after");
    }
}

twin! {
    fn through_deref_of_a_local_lock / through_deref_of_a_local_lock_ref () -> u32 {
        let lock = Lock;
        f(&*lock.lock("t")).await;
        log("after");
        0
    }
}

twin! {
    fn through_a_field / through_a_field_ref () -> u32 {
        let _a = new("a");
        let r = f(&holder("t").d).await;
        log("after");
        r
    }
}

twin! {
    fn through_a_parenthesised_deref / through_a_parenthesised_deref_ref () -> u32 {
        let r = f(&(*LOCK.lock("t"))).await;
        log("after");
        r
    }
}

twin! {
    fn through_an_index / through_an_index_ref (i: usize) -> u32 {
        let r = maybe(&[new("t0"), new("t1")][i]).await.unwrap_or(0);
        log("after");
        r
    }
}

twin! {
    fn through_a_struct_literal_field / through_a_struct_literal_field_ref () -> u32 {
        let r = f(&Holder { d: new("t"), _own: new("own") }.d).await;
        log("after");
        r
    }
}

/// [`holder`] of a borrowed `D`.
fn holder_of(d: &D) -> Holder {
    log(format!("holder of {}", d.0));
    Holder {
        d: D("held"),
        _own: D("holder"),
    }
}

twin! {
    fn through_a_field_of_a_borrowing_value / through_a_field_of_a_borrowing_value_ref () -> u32 {
        let r = f(&holder_of(&new("inner")).d).await;
        log("after");
        r
    }
}

twin! {
    fn panics_through_deref / panics_through_deref_ref () -> u32 {
        let _a = new("a");
        let r = boom(&*LOCK.lock("t")).await;
        log("unreachable");
        r
    }
}

#[test]
fn a_temporary_borrowed_through_a_projection_lives_to_the_statement_end() {
    assert_same_at_every_cancel(through_deref_ref, through_deref);
    assert_same_at_every_cancel(through_deref_mut_ref, through_deref_mut);
    assert_same_at_every_cancel(through_a_field_ref, through_a_field);
    assert_same_at_every_cancel(
        through_a_parenthesised_deref_ref,
        through_a_parenthesised_deref,
    );
    for i in [0, 1] {
        assert_same_at_every_cancel(|| through_an_index_ref(i), || through_an_index(i));
    }
    assert_same_at_every_cancel(
        through_a_field_of_a_borrowing_value_ref,
        through_a_field_of_a_borrowing_value,
    );
    assert_same_at_every_cancel(
        through_a_struct_literal_field_ref,
        through_a_struct_literal_field,
    );
}

#[test]
fn a_guard_is_held_across_the_await_as_in_an_async_fn() {
    let (_, got) = ported_common::run_for(through_deref(), 1);
    assert_eq!(
        got,
        [
            ">poll 1", "new a", "lock t", "deref t", "f sees t", "<pending", ">drop", "unlock",
            "drop t", "drop a", "<dropped"
        ]
    );
}

#[test]
fn a_panicking_future_unwinds_through_the_guard_as_async_fn() {
    assert_eq!(
        unwind_log(panics_through_deref()),
        unwind_log(panics_through_deref_ref())
    );
}

/// Left (PORTED-FINDINGS.md, 3b): a guard that borrows a local (`lock.lock()`) is not hoisted,
/// since a coroutine cannot hold a borrow of a local across an await; it unlocks before the
/// first poll.
#[test]
#[ignore = "PORTED-FINDINGS 3b: a temporary that may borrow a local still drops early"]
fn a_guard_of_a_local_lock_is_held_across_the_await() {
    assert_same_at_every_cancel(
        through_deref_of_a_local_lock_ref,
        through_deref_of_a_local_lock,
    );
}

static KEPT: D = D("static");

fn static_ref() -> &'static D {
    log("static_ref");
    &KEPT
}

/// Keeps its borrow until it is ready, as an `async fn` does.
async fn keep(d: &D) -> u32 {
    later(()).await;
    log(format!("keep sees {}", d.0));
    4
}

twin! {
    fn through_a_returned_reference / through_a_returned_reference_ref () -> u32 {
        let r = keep(&*static_ref()).await;
        keep(&*static_ref()).await;
        log("after");
        r
    }
}

#[test]
fn a_reborrow_of_a_returned_reference_may_be_kept_by_the_future() {
    assert_same_at_every_cancel(
        through_a_returned_reference_ref,
        through_a_returned_reference,
    );
}

static MUTEX: std::sync::Mutex<D> = std::sync::Mutex::new(D("locked"));

twin! {
    fn a_std_mutex_guard / a_std_mutex_guard_ref () -> u32 {
        f(&*MUTEX.lock().unwrap()).await
    }
}

/// Whether `MUTEX` is locked while the future waits at its first await.
fn locked_while_pending<F: Future>(fut: F) -> bool {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut fut = std::pin::pin!(fut);
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    MUTEX.try_lock().is_err()
}

#[test]
fn a_std_mutex_stays_locked_across_the_await_as_in_an_async_fn() {
    assert!(locked_while_pending(a_std_mutex_guard_ref()));
    assert!(locked_while_pending(a_std_mutex_guard()));
    assert!(MUTEX.try_lock().is_ok());
}
