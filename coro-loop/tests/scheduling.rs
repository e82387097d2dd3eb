//! Scheduling order, timers, tasks, cancellation and panics, each checked against what asyncio
//! does (the comments give the Python that prints the same log).

use coro_loop::{EventLoop, TaskError, sleep};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

mod common;
use common::{MS, log, take_log, virtual_loop};

/// Logs `name` when dropped, to see when a coroutine's locals go.
struct Tracer(&'static str);
impl Drop for Tracer {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

async fn steps(name: &'static str, n: u32) {
    for i in 0..n {
        log(format!("{name}{i}"));
        sleep(Duration::ZERO).await;
    }
}

#[test]
fn zero_sleep_round_robins_in_creation_order() {
    // Two tasks yielding with sleep(0) alternate, in the order they were created.
    let lp = virtual_loop();
    let a = lp.create_task(steps("a", 3));
    let b = lp.create_task(steps("b", 3));
    lp.run_until_complete(async move {
        a.await;
        b.await;
    });
    assert_eq!(take_log(), ["a0", "b0", "a1", "b1", "a2", "b2"]);
    assert!(lp.time().abs() < f64::EPSILON);
}

#[test]
fn create_task_runs_nothing_until_the_loop_runs() {
    let lp = virtual_loop();
    let t = lp.create_task(async {
        log("ran");
        7
    });
    assert!(take_log().is_empty());
    assert!(!t.done());
    assert_eq!(lp.all_tasks().len(), 1);
    assert_eq!(lp.run_until_complete(t), 7);
    assert_eq!(take_log(), ["ran"]);
    assert!(lp.all_tasks().is_empty());
}

#[test]
fn timers_fire_by_deadline_then_fifo() {
    // Equal deadlines fire in the order they were set; shorter deadlines first.
    let lp = virtual_loop();
    let mk = |name: &'static str, ms: u64| async move {
        sleep(MS * u32::try_from(ms).unwrap()).await;
        log(name);
    };
    lp.create_task(mk("b30", 30));
    lp.create_task(mk("a10", 10));
    lp.create_task(mk("c30", 30));
    lp.create_task(mk("d10", 10));
    lp.run_until_complete(sleep(MS * 100));
    assert_eq!(take_log(), ["a10", "d10", "b30", "c30"]);
    assert!((lp.time() - 0.1).abs() < 1e-9);
}

#[test]
fn timers_and_spawns_interleave_as_in_asyncio() {
    let lp = virtual_loop();
    lp.run_until_complete(async {
        let sleeper = coro_loop::create_task(async {
            sleep(MS).await;
            log("sleeper woke");
        });
        sleep(MS).await;
        log("main woke");
        coro_loop::create_task(async { log("spawned") }).await;
        sleeper.await;
    });
    // Python 3.11 prints: main woke, sleeper woke, spawned (main's timer was set first).
    assert_eq!(take_log(), ["main woke", "sleeper woke", "spawned"]);
}

#[test]
fn run_until_complete_leaves_other_tasks_scheduled() {
    let lp = virtual_loop();
    let slow = lp.create_task(async {
        log("slow start");
        sleep(MS * 50).await;
        log("slow end");
        5
    });
    lp.run_until_complete(sleep(MS));
    assert_eq!(take_log(), ["slow start"]);
    assert!(!slow.done());
    assert_eq!(lp.all_tasks().len(), 1);
    // Running again finishes it.
    assert_eq!(lp.run_until_complete(slow), 5);
    assert_eq!(take_log(), ["slow end"]);
}

#[test]
fn current_task_and_names() {
    let lp = virtual_loop();
    let t = lp.create_task(async {
        let me = coro_loop::current_task().expect("inside a task");
        me.name()
    });
    t.set_name("worker");
    assert_eq!(t.name(), "worker");
    assert!(format!("{t:?}").starts_with("<Task pending name='worker' coro=<"));
    let t2 = t.as_any();
    assert_eq!(lp.run_until_complete(t), "worker");
    assert!(format!("{t2:?}").starts_with("<Task finished name='worker'"));
    assert!(coro_loop::current_task().is_none());
}

#[test]
fn task_debug_names_the_coroutine() {
    async fn print_nums() {
        sleep(Duration::ZERO).await;
    }
    let lp = virtual_loop();
    let t = lp.create_task(print_nums());
    let s = format!("{t:?}");
    assert!(s.contains("coro=<print_nums>"), "{s}");
    lp.close();
    assert!(t.cancelled());
}

#[test]
fn cancel_drops_the_coroutine_at_its_suspension() {
    let lp = virtual_loop();
    let t = lp.create_task(async {
        let _guard = Tracer("guard");
        log("started");
        sleep(MS * 1000).await;
        log("never");
    });
    let handle = t.as_any();
    lp.run_until_complete(sleep(MS));
    assert!(t.cancel());
    assert!(
        !t.cancelled(),
        "cancellation happens when the loop reaches the task"
    );
    let out = lp.run_until_complete(t.join());
    assert!(matches!(out, Err(TaskError::Cancelled)));
    assert!(handle.cancelled() && handle.done());
    assert!(!handle.cancel(), "a done task cannot be cancelled");
    assert_eq!(take_log(), ["started", "drop guard"]);
}

#[test]
#[should_panic(expected = "was cancelled; use Task::join()")]
fn awaiting_a_cancelled_task_panics() {
    let lp = virtual_loop();
    let t = lp.create_task(sleep(MS));
    t.cancel();
    lp.run_until_complete(t);
}

#[test]
fn a_panicking_task_does_not_stop_the_loop_and_is_reraised_in_the_awaiter() {
    let lp = virtual_loop();
    let bad = lp.create_task(async {
        sleep(MS).await;
        panic!("boom");
    });
    let good = lp.create_task(async {
        sleep(MS * 2).await;
        "fine"
    });
    let caught = lp.run_until_complete(async move {
        let r = std::panic::AssertUnwindSafe(bad)
            .catch_unwind_compat()
            .await;
        (r, good.await)
    });
    let (r, good) = caught;
    assert_eq!(good, "fine");
    let payload = r.expect_err("the panic reaches the awaiter");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
}

/// A tiny `catch_unwind` for futures, so the test needs no extra crate.
trait CatchUnwindCompat: std::future::Future + Sized {
    fn catch_unwind_compat(self) -> CatchUnwind<Self> {
        CatchUnwind(Box::pin(self))
    }
}
impl<F: std::future::Future> CatchUnwindCompat for F {}
struct CatchUnwind<F>(std::pin::Pin<Box<F>>);
impl<F: std::future::Future> std::future::Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let fut = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Err(e) => std::task::Poll::Ready(Err(e)),
        }
    }
}

#[test]
fn join_reports_a_panic_as_an_error() {
    let lp = virtual_loop();
    let t = lp.create_task(async { panic!("oops {}", 1) });
    match lp.run_until_complete(t.join()) {
        Err(e @ TaskError::Panicked(_)) => {
            assert_eq!(e.panic_message(), Some("oops 1"));
            assert_eq!(e.to_string(), "task panicked: oops 1");
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn run_until_complete_reraises_the_panic() {
    let lp = virtual_loop();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(async { panic!("inside main") })
    }));
    let payload = r.expect_err("re-raised");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"inside main"));
    // The loop is usable again: the guard restored it.
    assert!(!lp.is_running());
    assert_eq!(lp.run_until_complete(async { 1 }), 1);
}

#[test]
fn never_retrieved_panics_are_reported_at_close() {
    let lp = virtual_loop();
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    lp.set_exception_handler(move |r| sink.borrow_mut().push(r.to_owned()));
    let lost = lp.create_task(async { panic!("lost") });
    lost.set_name("lost-task");
    drop(lost);
    let seen = lp.create_task(async { panic!("seen") });
    lp.run_until_complete(sleep(MS));
    assert!(lp.run_until_complete(seen.join()).is_err());
    lp.close();
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].starts_with("Task panic was never retrieved"));
    assert!(reports[0].contains("name='lost-task'") && reports[0].contains("\"lost\""));
}

#[test]
fn close_drops_pending_tasks() {
    let lp = virtual_loop();
    let t = lp.create_task(async {
        let _g = Tracer("pending");
        sleep(MS * 10).await;
    });
    lp.run_until_complete(sleep(Duration::ZERO));
    assert!(!lp.is_running() && !lp.is_closed());
    lp.close();
    assert!(lp.is_closed());
    assert!(t.cancelled());
    assert_eq!(take_log(), ["drop pending"]);
    lp.close(); // twice is fine
}

#[test]
fn dropping_the_loop_drops_its_tasks() {
    let lp = virtual_loop();
    let t = lp.create_task(async {
        let _g = Tracer("in task");
        sleep(MS).await;
    });
    lp.run_until_complete(sleep(Duration::ZERO));
    drop(lp);
    assert!(t.cancelled());
    assert_eq!(take_log(), ["drop in task"]);
}

#[test]
fn run_cancels_what_is_left() {
    let out = coro_loop::run(async {
        coro_loop::create_task(async {
            let _g = Tracer("left over");
            sleep(MS * 1000).await;
        })
        .as_any();
        sleep(Duration::ZERO).await;
        "main done"
    });
    assert_eq!(out, "main done");
    assert_eq!(take_log(), ["drop left over"]);
}

#[test]
#[should_panic(expected = "already running (from inside one of its tasks?)")]
fn reentrant_run_until_complete_panics_clearly() {
    let lp = virtual_loop();
    let inner = lp.clone();
    lp.run_until_complete(async move { inner.run_until_complete(async {}) });
}

#[test]
#[should_panic(expected = "coro_loop::run called while an event loop is running on this thread")]
fn run_inside_a_running_loop_names_run() {
    // asyncio: RuntimeError: asyncio.run() cannot be called from a running event loop.
    coro_loop::run(async { coro_loop::run(async {}) });
}

#[test]
#[should_panic(expected = "closed event loop; create a new one with coro_loop::new_event_loop()")]
fn a_closed_loop_panics_clearly() {
    let lp = virtual_loop();
    lp.close();
    drop(lp.create_task(async {}));
}

#[test]
#[should_panic(expected = "belongs to another event loop than the one awaiting it")]
fn a_task_of_another_loop_given_to_run_until_complete_panics_clearly() {
    // asyncio: ValueError: The future belongs to a different loop than the one specified as
    // the loop argument. Before, this waited forever: `l1` never runs while `l2` does.
    let l1 = virtual_loop();
    let l2 = virtual_loop();
    let t = l1.create_task(async { 3 });
    l2.run_until_complete(t);
}

#[test]
fn awaiting_a_task_of_another_loop_inside_a_task_panics_clearly() {
    // asyncio: RuntimeError: Task … got Future … attached to a different loop.
    let l1 = virtual_loop();
    let l2 = virtual_loop();
    let t = l1.create_task(async { 3 });
    let any = t.as_any();
    let waiter = l2.create_task(any);
    let err = l2
        .run_until_complete(waiter.join())
        .expect_err("the awaiting task panics");
    let msg = err.panic_message().expect("a message");
    assert!(
        msg.contains("task 'Task-") && msg.contains("belongs to another event loop"),
        "{msg}"
    );
    assert!(msg.contains("await it on its own loop"), "{msg}");
    // Nothing was registered with the other loop's task: it still runs on its own loop.
    assert_eq!(l1.run_until_complete(t), 3);
    // A finished task of another loop has nothing left to wait for: its output is there.
    let done = l1.create_task(async { 4 });
    l1.run_until_complete(sleep(Duration::ZERO));
    assert_eq!(l2.run_until_complete(done), 4);
}

#[test]
fn a_task_awaiting_itself_panics_clearly() {
    // asyncio: RuntimeError: Task cannot await on itself. Before, the loop slept forever.
    let lp = virtual_loop();
    let through_current = lp.create_task(async {
        coro_loop::current_task().expect("inside a task").await;
    });
    // The typed handle, handed to the task through a shared slot.
    let slot: Rc<RefCell<Option<coro_loop::Task<u32>>>> = Rc::default();
    let inside = Rc::clone(&slot);
    let through_handle = lp.create_task(async move {
        sleep(MS).await;
        let me = inside.borrow_mut().take().expect("handed over");
        me.await + 1
    });
    let watcher = through_handle.as_any();
    *slot.borrow_mut() = Some(through_handle);
    let errors = [
        lp.run_until_complete(through_current.join()),
        lp.run_until_complete(watcher.join()),
    ];
    for err in errors {
        let err = err.expect_err("the task panics");
        let msg = err.panic_message().expect("a message");
        assert!(
            msg.contains("task 'Task-") && msg.contains("awaits itself"),
            "{msg}"
        );
    }
}

#[test]
#[should_panic(expected = "coro_core::block_on called inside a running coro-loop event loop")]
fn block_on_inside_a_running_loop_panics_clearly() {
    // asyncio: "This event loop is already running"; tokio: "Cannot start a runtime from
    // within a runtime". Before, `block_on(sleep(..))` here waited forever.
    let lp = virtual_loop();
    lp.run_until_complete(async { coro_core::block_on(sleep(MS * 10)) });
}

#[test]
fn block_on_refuses_any_future_inside_the_loop_and_works_again_after() {
    let lp = virtual_loop();
    let t = lp.create_task(async { coro_core::block_on(async { 1 }) });
    let err = lp.run_until_complete(t.join()).expect_err("refused");
    assert!(
        err.panic_message()
            .is_some_and(|m| m.contains("`.await` the future instead")),
        "{err}"
    );
    // The guard is gone with the run, also when the run ends in a panic.
    assert_eq!(coro_core::block_on(async { 2 }), 2);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(async { coro_core::block_on(async { 3 }) })
    }));
    assert!(r.is_err());
    assert_eq!(coro_core::block_on(async { 4 }), 4);
}

#[test]
#[should_panic(expected = "no running event loop")]
fn free_create_task_needs_a_running_loop() {
    drop(coro_loop::create_task(async {}));
}

#[test]
#[should_panic(expected = "polled outside a running coro-loop event loop")]
fn sleep_outside_a_loop_panics_clearly() {
    coro_core::block_on(sleep(MS));
}

#[test]
fn zero_sleep_works_on_any_executor() {
    coro_core::block_on(sleep(Duration::ZERO));
}

#[test]
fn get_event_loop_is_per_thread_and_set_event_loop_replaces_it() {
    let a = coro_loop::get_event_loop();
    assert!(a.same(&coro_loop::get_event_loop()));
    let b = coro_loop::new_event_loop();
    coro_loop::set_event_loop(b.clone());
    assert!(coro_loop::get_event_loop().same(&b));
    // Inside a running loop, get_event_loop is the running loop.
    let a2 = a.clone();
    assert!(a.run_until_complete(async move { coro_loop::get_event_loop().same(&a2) }));
    coro_loop::set_event_loop(None);
    assert!(!coro_loop::get_event_loop().same(&b));
}

#[test]
fn a_task_woken_from_another_thread_wakes_the_loop() {
    // Real clock: the loop parks until the other thread's wake arrives.
    let lp = EventLoop::builder().virtual_clock(false).build();
    let (tx, rx) = std::sync::mpsc::channel::<std::task::Waker>();
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag2 = std::sync::Arc::clone(&flag);
    let helper = std::thread::spawn(move || {
        let waker = rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        flag2.store(true, std::sync::atomic::Ordering::SeqCst);
        waker.wake();
    });
    let mut sent = Some(tx);
    lp.run_until_complete(std::future::poll_fn(move |cx| {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            return std::task::Poll::Ready(());
        }
        if let Some(tx) = sent.take() {
            tx.send(cx.waker().clone()).unwrap();
        }
        std::task::Poll::Pending
    }));
    helper.join().unwrap();
}

#[test]
fn real_clock_sleeps_for_real() {
    let lp = EventLoop::builder().virtual_clock(false).build();
    let start = std::time::Instant::now();
    lp.run_until_complete(sleep(MS * 30));
    let took = start.elapsed();
    assert!(took >= MS * 30 && took < MS * 500, "{took:?}");
    assert!(lp.time() >= 0.03);
}

#[test]
fn gather_steps_its_children_in_the_awaiters_turn_and_gathered_tasks_in_asyncios() {
    // async def w(name, n):
    //     for i in range(n):
    //         print(name, i); await asyncio.sleep(0)
    //     return name
    // async def main():
    //     bg = asyncio.create_task(w("bg", 3))
    //     print("gather start")
    //     r = await asyncio.gather(w("g1", 2), w("g2", 3))
    //     print("gather result", r); await bg; print("end")
    //
    // asyncio makes each child a task, queued behind `bg`. `gather!` polls its children inside
    // the awaiting task, so they go before `bg` in each round (README, "Where Rust differs");
    // gathering tasks instead gives asyncio's order exactly.
    const ASYNCIO: [&str; 11] = [
        "gather start",
        "bg0",
        "g10",
        "g20",
        "bg1",
        "g11",
        "g21",
        "bg2",
        "g22",
        "gather result g1 g2",
        "end",
    ];
    let run = |tasks: bool| {
        let lp = virtual_loop();
        lp.run_until_complete(async move {
            let bg = coro_loop::create_task(steps("bg", 3));
            log("gather start");
            let ((), ()) = if tasks {
                coro_loop::gather!(
                    coro_loop::create_task(steps("g1", 2)),
                    coro_loop::create_task(steps("g2", 3))
                )
                .await
            } else {
                coro_loop::gather!(steps("g1", 2), steps("g2", 3)).await
            };
            log("gather result g1 g2");
            bg.await;
            log("end");
        });
        take_log()
    };
    assert_eq!(run(true), ASYNCIO);
    assert_eq!(
        run(false),
        [
            "gather start",
            "g10",
            "g20",
            "bg0",
            "g11",
            "g21",
            "bg1",
            "g22",
            "bg2",
            "gather result g1 g2",
            "end",
        ]
    );
}

#[test]
fn gather_outputs_in_argument_order_and_interleaves() {
    async fn after(ms: u32, v: &'static str) -> &'static str {
        sleep(MS * ms).await;
        log(v);
        v
    }
    let lp = virtual_loop();
    let t = lp.create_task(after(5, "task"));
    let out = lp.run_until_complete(async move {
        coro_loop::gather!(after(20, "slow"), after(10, "fast"), t, async { 3 }).await
    });
    assert_eq!(out, ("slow", "fast", "task", 3));
    assert_eq!(take_log(), ["task", "fast", "slow"]);
    let all = lp.run_until_complete(coro_loop::gather_all((1..=3).map(|i| after(10 * i, "x"))));
    assert_eq!(all, ["x", "x", "x"]);
    let none: Vec<u8> =
        lp.run_until_complete(coro_loop::gather_all(Vec::<std::future::Ready<u8>>::new()));
    assert!(none.is_empty());
}

#[test]
fn all_tasks_then_gather_all_waits_for_them() {
    let lp = virtual_loop();
    lp.create_task(steps("n", 2));
    lp.create_task(steps("l", 2));
    let tasks = lp.all_tasks();
    assert_eq!(tasks.len(), 2);
    lp.run_until_complete(coro_loop::gather_all(tasks));
    assert_eq!(take_log(), ["n0", "l0", "n1", "l1"]);
}

#[test]
fn inspect_macros() {
    fn func1() -> i32 {
        10
    }
    async fn func2() -> i32 {
        10
    }
    fn two(_: &str, _: u8) -> std::future::Ready<()> {
        std::future::ready(())
    }
    assert!(!coro_loop::iscoroutinefunction!(func1));
    assert!(coro_loop::iscoroutinefunction!(func2));
    assert!(coro_loop::iscoroutinefunction!(two));
    let f = func2();
    assert!(coro_loop::iscoroutine!(f));
    assert!(!coro_loop::iscoroutine!(func1()));
    assert_eq!(coro_core::block_on(f), 10);
}

/// Pending `left` more times; each time it wakes itself twice before returning.
struct WakesTwice {
    left: u32,
}

impl std::future::Future for WakesTwice {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        log(format!("x{}", self.left));
        if self.left == 0 {
            return std::task::Poll::Ready(());
        }
        self.left -= 1;
        cx.waker().wake_by_ref();
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[test]
fn a_task_woken_twice_while_running_is_requeued_once() {
    // A task that wakes itself twice per step still takes one turn per loop iteration,
    // alternating with another ready task, as asyncio's `call_soon` of one step does.
    let lp = virtual_loop();
    let x = lp.create_task(WakesTwice { left: 2 });
    let y = lp.create_task(steps("y", 3));
    lp.run_until_complete(async move {
        x.await;
        y.await;
    });
    assert_eq!(take_log(), ["x2", "y0", "x1", "y1", "x0", "y2"]);
}

/// Polls each future once, in order, with the calling task's context.
fn poll_each(futs: &mut [Pin<Box<coro_loop::Sleep>>]) -> impl Future<Output = ()> + '_ {
    std::future::poll_fn(move |cx| {
        for f in futs.iter_mut() {
            assert!(f.as_mut().poll(cx).is_pending());
        }
        Poll::Ready(())
    })
}

#[test]
fn timers_dropped_in_the_poll_that_registered_them_leave_nothing_behind() {
    // A timer gets its deadline when the poll that registered it returns; one dropped before
    // that, whether it was the last registered or not, must not fire nor disturb the others.
    let lp = virtual_loop();
    lp.run_until_complete(async {
        let mut futs: Vec<_> = [30, 10, 20, 40]
            .map(|ms| Box::pin(sleep(MS * ms)))
            .into_iter()
            .collect();
        let fired = std::future::poll_fn(|cx| {
            for f in &mut futs {
                assert!(f.as_mut().poll(cx).is_pending());
            }
            // Drop the 40 ms one (registered last) and the 10 ms one (not last), in this poll.
            futs.truncate(3);
            drop(futs.remove(1));
            Poll::Ready(())
        });
        fired.await;
        let [a30, b20] = <[_; 2]>::try_from(futs).ok().unwrap();
        b20.await;
        log(format!(
            "20 at {:.3}",
            coro_loop::get_running_loop().unwrap().time()
        ));
        a30.await;
        log(format!(
            "30 at {:.3}",
            coro_loop::get_running_loop().unwrap().time()
        ));
    });
    assert_eq!(take_log(), ["20 at 0.020", "30 at 0.030"]);
    // Nothing else was left to fire: time did not move past the last sleep.
    assert!((lp.time() - 0.03).abs() < 1e-9);
}

#[test]
fn a_sleep_on_the_real_clock_never_ends_early() {
    // The deadline is counted from a clock reading taken after the sleep was registered.
    let lp = EventLoop::builder().virtual_clock(false).build();
    let elapsed = lp.run_until_complete(async {
        let start = std::time::Instant::now();
        let mut s = [Box::pin(sleep(MS * 20))];
        poll_each(&mut s).await;
        let [s] = s;
        s.await;
        start.elapsed()
    });
    assert!(elapsed >= MS * 20, "{elapsed:?}");
}

#[test]
fn sleeps_under_a_foreign_waker_wake_it() {
    // `FuturesUnordered` polls each sleep with a waker of its own, not the task's.
    use futures::stream::{FuturesUnordered, StreamExt};
    let lp = virtual_loop();
    let order = lp.run_until_complete(async {
        let mut all: FuturesUnordered<_> = [30u64, 10, 20]
            .into_iter()
            .map(|ms| async move {
                sleep(MS * u32::try_from(ms).unwrap()).await;
                ms
            })
            .collect();
        let mut order = Vec::new();
        while let Some(ms) = all.next().await {
            order.push(ms);
        }
        order
    });
    assert_eq!(order, [10, 20, 30]);
}
