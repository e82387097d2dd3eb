//! `vec![elem; n]` with `.await`s in it: the element, then the count, as rustc evaluates them;
//! `?` and `self` inside are the coroutine's.

use std::cell::RefCell;

struct Log(RefCell<Vec<&'static str>>);

impl Log {
    fn ready<T>(&self, what: &'static str, value: T) -> core::future::Ready<T> {
        self.0.borrow_mut().push(what);
        core::future::ready(value)
    }
    fn take(&self) -> Vec<&'static str> {
        self.0.take()
    }
}

#[coro_core::coroutine]
fn lowered(log: &Log) -> Vec<String> {
    let v = vec![log.ready("elem", String::from("x")).await; log.ready("count", 3).await];
    log.0.borrow_mut().push("built");
    v
}

async fn reference(log: &Log) -> Vec<String> {
    let v = vec![log.ready("elem", String::from("x")).await; log.ready("count", 3).await];
    log.0.borrow_mut().push("built");
    v
}

#[coro_core::coroutine]
fn with_question_mark(n: Option<usize>) -> Option<Vec<u8>> {
    Some(vec![core::future::ready(7).await; n?])
}

struct Grid {
    width: usize,
}

impl Grid {
    #[coro_core::coroutine]
    fn row(&self) -> Vec<u8> {
        vec![core::future::ready(0).await; self.width]
    }
}

#[test]
fn element_then_count_as_in_async_fn() {
    let log = Log(RefCell::new(vec![]));
    assert_eq!(coro_core::block_on(lowered(&log)), ["x", "x", "x"]);
    let order = log.take();
    assert_eq!(coro_core::block_on(reference(&log)), ["x", "x", "x"]);
    assert_eq!(order, log.take());
    assert_eq!(order, ["elem", "count", "built"]);
}

#[test]
fn question_mark_and_self_in_a_repeat() {
    assert_eq!(
        coro_core::block_on(with_question_mark(Some(2))),
        Some(vec![7, 7])
    );
    assert_eq!(coro_core::block_on(with_question_mark(None)), None);
    assert_eq!(coro_core::block_on(Grid { width: 3 }.row()), [0, 0, 0]);
}
