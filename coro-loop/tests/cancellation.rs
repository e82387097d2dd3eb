//! Cancelling a task that awaits other tasks: as asyncio's `Task.cancel` cancels the future the
//! task waits on, the tasks it awaits are cancelled too, before it. Each log is compared with
//! what `CPython` 3.11 prints for the Python in the comment (where Python's `finally` prints,
//! these coroutines hold a [`Tracer`], whose drop is their cancellation's `finally`).

use coro_loop::{AnyTask, Task, TaskError, create_task, sleep};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

mod common;
use common::{MS, log, take_log, virtual_loop};

/// Logs `NAME finally` when dropped: the coroutine's `finally`.
struct Tracer(&'static str);
impl Drop for Tracer {
    fn drop(&mut self) {
        log(format!("{} finally", self.0));
    }
}

#[coro_core::coroutine]
fn inner(name: &'static str, ms: u32) -> u32 {
    let _finally = Tracer(name);
    log(format!("{name} start"));
    sleep(MS * ms).await;
    log(format!("{name} finished"));
    1
}

#[coro_core::coroutine]
fn outer(name: &'static str, t: Task<u32>) -> u32 {
    let _finally = Tracer(name);
    log(format!("{name} awaits"));
    t.await
}

#[coro_core::coroutine]
fn bystander(n: u32) {
    for i in 0..n {
        log(format!("by {i}"));
        sleep(Duration::ZERO).await;
    }
}

fn yes(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

#[test]
fn cancelling_a_task_cancels_the_task_it_awaits_first() {
    // async def inner(name):
    //     try:
    //         print(name, "start"); await asyncio.sleep(1); print(name, "finished"); return 1
    //     finally:
    //         print(name, "finally")
    // async def outer(t):
    //     try:
    //         print("outer awaits"); return await t
    //     finally:
    //         print("outer finally")
    // async def bystander():
    //     for i in range(4):
    //         print("by", i); await asyncio.sleep(0)
    // async def main():
    //     i = asyncio.create_task(inner("inner"))
    //     o = asyncio.create_task(outer(i))
    //     await asyncio.sleep(0.01)
    //     b = asyncio.create_task(bystander())
    //     await asyncio.sleep(0)
    //     print("cancel", o.cancel())
    //     print("states", i.cancelled(), o.cancelled(), i.done(), o.done())
    //     await asyncio.sleep(0)
    //     print("after 1 yield", i.cancelled(), o.cancelled())
    //     await asyncio.sleep(0)
    //     print("after 2 yields", i.cancelled(), o.cancelled())
    //     await asyncio.sleep(0.1)
    //     print("inner cancelled?", i.cancelled(), "outer cancelled?", o.cancelled())
    let lp = virtual_loop();
    lp.run_until_complete(async {
        let i = create_task(inner("inner", 1000));
        let i_any = i.as_any();
        let o = create_task(outer("outer", i));
        sleep(MS * 10).await;
        let _b = create_task(bystander(4));
        sleep(Duration::ZERO).await;
        log(format!("cancel {}", yes(o.cancel())));
        log(format!(
            "states {} {} {} {}",
            yes(i_any.cancelled()),
            yes(o.cancelled()),
            yes(i_any.done()),
            yes(o.done())
        ));
        sleep(Duration::ZERO).await;
        log(format!(
            "after 1 yield {} {}",
            yes(i_any.cancelled()),
            yes(o.cancelled())
        ));
        sleep(Duration::ZERO).await;
        log(format!(
            "after 2 yields {} {}",
            yes(i_any.cancelled()),
            yes(o.cancelled())
        ));
        sleep(MS * 100).await;
        log(format!(
            "inner cancelled? {} outer cancelled? {}",
            yes(i_any.cancelled()),
            yes(o.cancelled())
        ));
    });
    assert_eq!(
        take_log(),
        [
            "inner start",
            "outer awaits",
            "by 0",
            "cancel True",
            "states False False False False",
            "by 1",
            "inner finally",
            "after 1 yield True False",
            "by 2",
            "outer finally",
            "after 2 yields True True",
            "by 3",
            "inner cancelled? True outer cancelled? True",
        ]
    );
}

#[test]
fn the_reviewers_repro_cancels_the_awaited_task() {
    // The Python of the report printed `inner cancelled? True`; the Rust printed
    // `inner finished…` and `inner cancelled? false` before the fix.
    let lp = virtual_loop();
    let inner_cancelled = lp.run_until_complete(async {
        let i = create_task(inner("inner", 50));
        let i_any = i.as_any();
        let o = create_task(outer("outer", i));
        sleep(MS * 10).await;
        o.cancel();
        sleep(MS * 100).await;
        i_any.cancelled()
    });
    assert!(inner_cancelled);
    assert_eq!(
        take_log(),
        [
            "inner start",
            "outer awaits",
            "inner finally",
            "outer finally"
        ]
    );
}

#[coro_core::coroutine]
fn outer_gather(a: Task<u32>, b: Task<u32>) -> (u32, u32) {
    let _finally = Tracer("outer");
    log("outer awaits");
    coro_loop::gather!(a, b).await
}

#[test]
fn cancelling_a_task_awaiting_a_gather_of_tasks_cancels_each_of_them() {
    // async def outer(a, b):
    //     try:
    //         print("outer awaits"); return await asyncio.gather(a, b)
    //     finally:
    //         print("outer finally")
    // async def main():
    //     a = asyncio.create_task(inner("a", 1))
    //     b = asyncio.create_task(inner("b", 2))
    //     o = asyncio.create_task(outer(a, b))
    //     await asyncio.sleep(0.01)
    //     print("cancel", o.cancel())
    //     for k in (1, 2, 3):
    //         await asyncio.sleep(0)
    //         print("after", k, "yields", a.cancelled(), b.cancelled(), o.cancelled())
    //
    // CPython drops the children, then `outer` two iterations later: its gather is a future of
    // its own, whose done-callback takes one more turn. Here the gather lives inside `outer`,
    // which goes one iteration after its children, as after a plain `await t`.
    let lp = virtual_loop();
    lp.run_until_complete(async {
        let a = create_task(inner("a", 1000));
        let b = create_task(inner("b", 2000));
        let (a_any, b_any) = (a.as_any(), b.as_any());
        let o = create_task(outer_gather(a, b));
        sleep(MS * 10).await;
        log(format!("cancel {}", yes(o.cancel())));
        for k in 1..=3 {
            sleep(Duration::ZERO).await;
            log(format!(
                "after {k} yields {} {} {}",
                yes(a_any.cancelled()),
                yes(b_any.cancelled()),
                yes(o.cancelled())
            ));
        }
    });
    assert_eq!(
        take_log(),
        [
            "a start",
            "b start",
            "outer awaits",
            "cancel True",
            "a finally",
            "b finally",
            "after 1 yields True True False",
            // CPython: "after 2 yields True True False", then "outer finally".
            "outer finally",
            "after 2 yields True True True",
            "after 3 yields True True True",
        ]
    );
}

#[coro_core::coroutine]
fn other(t: AnyTask) {
    match t.join().await {
        Err(TaskError::Cancelled) => log("other saw Cancelled"),
        other => log(format!("other saw {other:?}")),
    }
}

#[test]
fn cancellation_goes_down_a_chain_of_awaits_and_reaches_other_awaiters() {
    // async def mid(t):
    //     try: return await t
    //     finally: print("mid finally")
    // async def outer(t):
    //     try: return await t
    //     finally: print("outer finally")
    // async def other(t):
    //     try: return await t
    //     except asyncio.CancelledError: print("other saw CancelledError"); raise
    // async def main():
    //     i = asyncio.create_task(inner()); m = asyncio.create_task(mid(i))
    //     o = asyncio.create_task(outer(m)); x = asyncio.create_task(other(i))
    //     await asyncio.sleep(0.01)
    //     o.cancel()
    //     await asyncio.sleep(0.1)
    //     print("inner", i.cancelled(), "mid", m.cancelled(), "outer", o.cancelled())
    let lp = virtual_loop();
    lp.run_until_complete(async {
        let i = create_task(inner("inner", 1000));
        let i_any = i.as_any();
        let m = create_task(outer("mid", i));
        let m_any = m.as_any();
        let o = create_task(outer("outer", m));
        let _x = create_task(other(i_any.clone()));
        sleep(MS * 10).await;
        o.cancel();
        sleep(MS * 100).await;
        log(format!(
            "inner {} mid {} outer {}",
            yes(i_any.cancelled()),
            yes(m_any.cancelled()),
            yes(o.cancelled())
        ));
    });
    assert_eq!(
        take_log(),
        [
            "inner start",
            "mid awaits",
            "outer awaits",
            "inner finally",
            "mid finally",
            "other saw Cancelled",
            "outer finally",
            "inner True mid True outer True",
        ]
    );
}

#[test]
fn join_and_any_task_handles_propagate_too() {
    let lp = virtual_loop();
    let (a_cancelled, b_cancelled) = lp.run_until_complete(async {
        let a = create_task(inner("a", 1000));
        let a_any = a.as_any();
        let b_any = create_task(inner("b", 1000)).as_any();
        let b_any2 = b_any.clone();
        let o1 = create_task(async move {
            let _finally = Tracer("o1");
            drop(a.join().await);
        });
        let o2 = create_task(async move {
            let _finally = Tracer("o2");
            b_any2.await;
        });
        sleep(MS).await;
        o1.cancel();
        o2.cancel();
        sleep(MS).await;
        (a_any.cancelled(), b_any.cancelled())
    });
    assert!(a_cancelled && b_cancelled);
    assert_eq!(
        take_log(),
        [
            "a start",
            "b start",
            "a finally",
            "b finally",
            "o1 finally",
            "o2 finally"
        ]
    );
}

/// Polls its future once, then is ready (dropping the future if it was pending), as a timeout
/// that expires at once would.
struct PollOnce<F>(Option<Pin<Box<F>>>);

impl<F: Future> Future for PollOnce<F> {
    type Output = Option<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut fut = self.0.take().expect("polled after it finished");
        Poll::Ready(match fut.as_mut().poll(cx) {
            Poll::Ready(out) => Some(out),
            Poll::Pending => None,
        })
    }
}

#[test]
fn a_task_no_longer_awaited_is_not_cancelled_with_its_former_awaiter() {
    // Awaited once, then let go (the handle dropped, or the task done): cancelling the former
    // awaiter leaves the task alone, as in asyncio, where the task is no longer its
    // `_fut_waiter`.
    let lp = virtual_loop();
    let (let_go, finished) = lp.run_until_complete(async {
        let a = create_task(inner("a", 5));
        let a_any = a.as_any();
        let o = create_task(async move {
            let _finally = Tracer("outer");
            assert!(PollOnce(Some(Box::pin(a))).await.is_none());
            sleep(MS * 1000).await;
        });
        sleep(MS).await;
        o.cancel();
        sleep(MS * 10).await;
        (a_any, o)
    });
    assert!(!let_go.cancelled() && let_go.done());
    assert!(finished.cancelled());
    assert_eq!(
        take_log(),
        ["a start", "outer finally", "a finished", "a finally"]
    );
}

#[test]
fn a_task_cancelling_itself_leaves_the_tasks_it_holds_alone() {
    // Inside its own step a task awaits nothing (asyncio's `_fut_waiter` is None while it
    // runs), so cancelling itself cancels only itself, even if it awaited a task before and
    // still holds the pending handle.
    let lp = virtual_loop();
    let (a_cancelled, a_done) = lp.run_until_complete(async {
        let a = create_task(inner("a", 5));
        let a_any = a.as_any();
        let o = create_task(async move {
            let _finally = Tracer("outer");
            let mut a = a;
            // Polled pending: the handle now links the two tasks.
            assert!(PollOnce(Some(Box::pin(&mut a))).await.is_none());
            sleep(MS).await;
            coro_loop::current_task().expect("inside a task").cancel();
            sleep(MS).await;
            log("never");
            drop(a);
        });
        drop(o.join().await);
        sleep(MS * 10).await;
        (a_any.cancelled(), a_any.done())
    });
    assert!(!a_cancelled && a_done);
    assert_eq!(
        take_log(),
        ["a start", "outer finally", "a finished", "a finally"]
    );
}

#[test]
fn a_task_whose_awaited_task_just_finished_is_cancelled_alone() {
    // The awaited task finished and woke the awaiter, which has not run yet: only the awaiter
    // is left to cancel (asyncio: `_fut_waiter.cancel()` is false, so `_must_cancel`).
    //
    // async def t(): await asyncio.sleep(0); return 5
    // async def outer(t):
    //     try: print("got", await t)
    //     finally: print("outer finally")
    // async def main():
    //     tt = asyncio.create_task(t()); o = asyncio.create_task(outer(tt))
    //     async def c(): await asyncio.sleep(0); print("cancel", o.cancel())
    //     await asyncio.create_task(c()); await asyncio.sleep(0.01)
    //     print(o.cancelled(), tt.cancelled())
    let lp = virtual_loop();
    let (o_cancelled, t_cancelled) = lp.run_until_complete(async {
        let t = create_task(async {
            sleep(Duration::ZERO).await;
            5
        });
        let t_any = t.as_any();
        let o = create_task(async move {
            let _finally = Tracer("outer");
            let v = t.await;
            log(format!("got {v}"));
        });
        let o_any = o.as_any();
        create_task(async move {
            sleep(Duration::ZERO).await;
            log(format!("cancel {}", yes(o_any.cancel())));
        })
        .await;
        sleep(MS * 10).await;
        (o.cancelled(), t_any.cancelled())
    });
    assert!(o_cancelled && !t_cancelled);
    assert_eq!(take_log(), ["cancel True", "outer finally"]);
}

#[test]
fn cancelling_twice_or_after_the_end_changes_nothing() {
    let lp = virtual_loop();
    let i = lp.create_task(inner("inner", 1000));
    let i_any = i.as_any();
    let o = lp.create_task(outer("outer", i));
    lp.run_until_complete(sleep(MS));
    assert!(o.cancel());
    assert!(o.cancel(), "still pending: the loop has not reached it");
    lp.run_until_complete(sleep(MS));
    assert!(o.cancelled() && i_any.cancelled());
    assert!(!o.cancel() && !i_any.cancel());
    assert_eq!(
        take_log(),
        [
            "inner start",
            "outer awaits",
            "inner finally",
            "outer finally"
        ]
    );
}

#[test]
fn only_the_tasks_still_awaited_are_cancelled() {
    // A task that awaited tasks one after another, then gathers a hundred of which half have
    // finished when it is cancelled: the fifty still pending are cancelled, nothing else.
    let lp = virtual_loop();
    let (finished, cancelled) = lp.run_until_complete(async {
        let o = create_task(async {
            for i in 0..10 {
                assert_eq!(create_task(async move { i }).await, i);
            }
            let tasks = (0..100u32).map(|i| create_task(inner("g", 1 + i % 2 * 1000)));
            coro_loop::gather_all(tasks).await;
        });
        let o_any = o.as_any();
        sleep(MS * 10).await;
        let all: Vec<_> = coro_loop::all_tasks()
            .into_iter()
            .filter(|t| !t.same(&o_any) && !coro_loop::current_task().unwrap().same(t))
            .collect();
        o.cancel();
        sleep(MS * 10).await;
        assert!(o.cancelled());
        (
            all.iter().filter(|t| t.done() && !t.cancelled()).count(),
            all.iter().filter(|t| t.cancelled()).count(),
        )
    });
    assert_eq!((finished, cancelled), (0, 50));
    let log = take_log();
    assert_eq!(log.iter().filter(|l| *l == "g finished").count(), 50);
    assert_eq!(log.iter().filter(|l| *l == "g finally").count(), 100);
}
