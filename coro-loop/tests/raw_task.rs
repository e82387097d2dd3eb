//! The raw task's edge cases (`src/raw.rs`): reference counts, wake-ups from other threads,
//! cancellation in every state, and which thread drops futures and outputs. Futures and
//! outputs here record their polls and drops, and the thread they were dropped on; run under
//! Miri (`scripts/miri.sh`) these also check for leaks, double frees and data races.

use coro_loop::{EventLoop, TaskError, sleep};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::{self, ThreadId};
use std::time::Duration;

fn virtual_loop() -> EventLoop {
    EventLoop::builder().virtual_clock(true).build()
}

/// Records where a value was dropped.
#[derive(Clone, Default)]
struct Drops(Rc<RefCell<Vec<(&'static str, ThreadId)>>>);

impl Drops {
    fn token(&self, name: &'static str) -> DropToken {
        DropToken(name, self.clone())
    }

    fn names(&self) -> Vec<&'static str> {
        self.0.borrow().iter().map(|(n, _)| *n).collect()
    }

    /// Every drop so far happened on this thread.
    fn all_here(&self) -> bool {
        let me = thread::current().id();
        self.0.borrow().iter().all(|(_, t)| *t == me)
    }
}

/// Pushes its name to its `Drops` when dropped. Holds an `Rc`, so it is not `Send`.
struct DropToken(&'static str, Drops);

impl Drop for DropToken {
    fn drop(&mut self) {
        (self.1)
            .0
            .borrow_mut()
            .push((self.0, thread::current().id()));
    }
}

/// Pending forever; counts its polls and leaves its waker in `slot`.
struct Parked {
    polls: Rc<Cell<u32>>,
    slot: Arc<Mutex<Option<Waker>>>,
    _token: DropToken,
}

impl Future for Parked {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        *self.slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Where a [`Parked`] future leaves its waker.
type WakerSlot = Arc<Mutex<Option<Waker>>>;

fn parked(drops: &Drops, name: &'static str) -> (Parked, Rc<Cell<u32>>, WakerSlot) {
    let polls = Rc::new(Cell::new(0));
    let slot = Arc::new(Mutex::new(None));
    let fut = Parked {
        polls: Rc::clone(&polls),
        slot: Arc::clone(&slot),
        _token: drops.token(name),
    };
    (fut, polls, slot)
}

fn take_waker(slot: &Mutex<Option<Waker>>) -> Waker {
    slot.lock()
        .unwrap()
        .take()
        .expect("the task left its waker")
}

#[test]
fn waker_cloned_and_dropped_after_the_task_finished() {
    let lp = virtual_loop();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let slot2 = Arc::clone(&slot);
    let task = lp.create_task(std::future::poll_fn(move |cx| {
        *slot2.lock().unwrap() = Some(cx.waker().clone());
        Poll::Ready(7)
    }));
    assert_eq!(lp.run_until_complete(task), 7);
    let waker = take_waker(&slot);
    let clones: Vec<Waker> = (0..3).map(|_| waker.clone()).collect();
    // Waking a finished task does nothing; the clones keep only the block alive.
    waker.wake_by_ref();
    drop(lp);
    clones[0].wake_by_ref();
    let mut clones = clones.into_iter();
    clones.next().unwrap().wake();
    // The last references go on another thread.
    let rest: Vec<Waker> = clones.collect();
    thread::spawn(move || {
        for w in rest {
            w.wake();
        }
        drop(waker);
    })
    .join()
    .unwrap();
}

#[test]
fn wakes_while_scheduled_or_running_queue_the_task_once() {
    let lp = virtual_loop();
    let drops = Drops::default();
    let (fut, polls, slot) = parked(&drops, "parked");
    let task = lp.create_task(fut);
    lp.run_until_complete(sleep(Duration::ZERO));
    assert_eq!(polls.get(), 1);
    let waker = take_waker(&slot);
    // Five wakes of an idle task: one step.
    let w2 = waker.clone();
    lp.run_until_complete(async move {
        for _ in 0..3 {
            w2.wake_by_ref();
        }
        let by_value = w2.clone();
        by_value.wake();
        w2.wake();
    });
    lp.run_until_complete(sleep(Duration::ZERO));
    assert_eq!(polls.get(), 2);
    // Woken from another thread many times while the loop is not running: one step.
    let w3 = waker.clone();
    thread::spawn(move || {
        for _ in 0..10 {
            w3.wake_by_ref();
        }
    })
    .join()
    .unwrap();
    lp.run_until_complete(sleep(Duration::ZERO));
    assert_eq!(polls.get(), 3);
    assert!(task.cancel());
    assert!(matches!(
        lp.run_until_complete(task.join()),
        Err(TaskError::Cancelled)
    ));
    assert_eq!(drops.names(), ["parked"]);
    assert!(drops.all_here());
    // The task is done: wakes do nothing, and the last reference is this waker.
    waker.wake_by_ref();
    drop(lp);
    waker.wake();
}

#[test]
fn wake_from_another_thread_while_the_loop_runs() {
    let lp = EventLoop::builder().virtual_clock(false).build();
    let (tx, rx) = std::sync::mpsc::channel::<Waker>();
    let steps = Rc::new(Cell::new(0u32));
    let steps2 = Rc::clone(&steps);
    let waker_thread = thread::spawn(move || {
        // Wake each waker received, several times, racing with the loop's polls.
        while let Ok(w) = rx.recv() {
            w.wake_by_ref();
            let by_value = w.clone();
            by_value.wake();
            w.wake();
        }
    });
    let task = lp.create_task(std::future::poll_fn(move |cx| {
        steps2.set(steps2.get() + 1);
        if steps2.get() == 20 {
            return Poll::Ready(steps2.get());
        }
        tx.send(cx.waker().clone()).unwrap();
        Poll::Pending
    }));
    assert_eq!(lp.run_until_complete(task), 20);
    waker_thread.join().unwrap();
    assert_eq!(steps.get(), 20);
}

#[test]
fn cancel_while_scheduled_drops_without_polling() {
    let lp = virtual_loop();
    let drops = Drops::default();
    let (fut, polls, slot) = parked(&drops, "parked");
    let task = lp.create_task(fut);
    lp.run_until_complete(sleep(Duration::ZERO));
    // Woken (queued), then cancelled before the loop gets to it.
    take_waker(&slot).wake();
    assert!(task.cancel());
    assert!(task.cancel(), "still pending: asking again is fine");
    assert!(!task.done());
    lp.run_until_complete(sleep(Duration::ZERO));
    assert!(task.cancelled());
    assert_eq!(
        polls.get(),
        1,
        "the queued step dropped the future instead of polling"
    );
    assert_eq!(drops.names(), ["parked"]);
    // Cancelled before its first step: never polled at all.
    let (fut, polls, _slot) = parked(&drops, "never");
    let task = lp.create_task(fut);
    task.cancel();
    lp.run_until_complete(sleep(Duration::ZERO));
    assert!(task.cancelled());
    assert_eq!(polls.get(), 0);
    assert_eq!(drops.names(), ["parked", "never"]);
    assert!(drops.all_here());
}

#[test]
fn a_task_cancelling_itself_is_dropped_after_its_step() {
    let lp = virtual_loop();
    let drops = Drops::default();
    let token = drops.token("future");
    let task = lp.create_task(async move {
        let _token = token;
        let me = coro_loop::current_task().unwrap();
        assert!(me.cancel());
        // Woken during the step as well: still dropped, not requeued.
        sleep(Duration::ZERO).await;
        unreachable!("a cancelled task is not polled again");
    });
    let out = lp.run_until_complete(task.join());
    assert!(matches!(out, Err(TaskError::Cancelled)));
    assert_eq!(drops.names(), ["future"]);
}

#[test]
fn dropping_the_loop_drops_scheduled_and_waiting_tasks_on_its_thread() {
    let lp = virtual_loop();
    let drops = Drops::default();
    let (a, _, slot_a) = parked(&drops, "woken");
    let (b, _, slot_b) = parked(&drops, "waiting");
    let c_token = drops.token("never-run");
    let d_token = drops.token("sleeping");
    let ta = lp.create_task(a);
    let tb = lp.create_task(b);
    lp.run_until_complete(sleep(Duration::ZERO));
    let tc = lp.create_task(async move { drop(c_token) });
    let td = lp.create_task(async move {
        let _t = d_token;
        sleep(Duration::from_secs(10)).await;
    });
    // `woken` is queued locally; `waiting` is woken from another thread, so its step sits
    // in the remote queue.
    take_waker(&slot_a).wake();
    let wb = take_waker(&slot_b);
    let wb2 = wb.clone();
    thread::spawn(move || wb2.wake()).join().unwrap();
    let any = ta.as_any();
    drop(lp);
    let mut names = drops.names();
    names.sort_unstable();
    assert_eq!(names, ["never-run", "sleeping", "waiting", "woken"]);
    assert!(drops.all_here(), "futures are dropped on the loop's thread");
    assert!(ta.cancelled() && tb.cancelled() && tc.cancelled() && td.cancelled());
    assert!(any.done());
    // A waker that outlives the loop: waking it on another thread only drops references.
    thread::spawn(move || {
        wb.wake_by_ref();
        wb.wake();
    })
    .join()
    .unwrap();
}

#[test]
fn the_last_reference_on_another_thread_frees_a_finished_task() {
    // The task finishes while its only other handle is a waker held by a thread; the output
    // is dropped on the loop's thread at once (no handle can take it), the block later there.
    let drops = Drops::default();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    {
        let lp = virtual_loop();
        let slot2 = Arc::clone(&slot);
        let out = drops.token("output");
        let task = lp.create_task(async move {
            std::future::poll_fn(|cx| {
                *slot2.lock().unwrap() = Some(cx.waker().clone());
                Poll::Ready(())
            })
            .await;
            out
        });
        drop(task);
        lp.run_until_complete(sleep(Duration::ZERO));
        assert_eq!(drops.names(), ["output"]);
        assert!(drops.all_here());
    }
    let waker = take_waker(&slot);
    thread::spawn(move || drop(waker)).join().unwrap();
}

#[test]
fn task_dropped_before_completion_drops_the_output_when_it_finishes() {
    let lp = virtual_loop();
    let drops = Drops::default();
    let out = drops.token("output");
    let task = lp.create_task(async move {
        sleep(Duration::from_millis(1)).await;
        out
    });
    let any = task.as_any();
    drop(task);
    lp.run_until_complete(sleep(Duration::ZERO));
    assert!(drops.names().is_empty());
    lp.run_until_complete(sleep(Duration::from_millis(2)));
    assert_eq!(drops.names(), ["output"]);
    assert!(any.done() && !any.cancelled());
    // A finished task whose handle is dropped later: the output goes with the handle.
    let out = drops.token("kept");
    let task = lp.create_task(async move { out });
    lp.run_until_complete(sleep(Duration::ZERO));
    assert!(task.done());
    assert_eq!(drops.names(), ["output"]);
    drop(task);
    assert_eq!(drops.names(), ["output", "kept"]);
}

#[test]
fn a_task_may_drop_its_own_handle_while_running() {
    let lp = virtual_loop();
    let drops = Drops::default();
    let own: Rc<RefCell<Option<coro_loop::Task<DropToken>>>> = Rc::default();
    let own2 = Rc::clone(&own);
    let out = drops.token("output");
    let task = lp.create_task(async move {
        sleep(Duration::ZERO).await;
        drop(own2.borrow_mut().take());
        out
    });
    let any = task.as_any();
    *own.borrow_mut() = Some(task);
    lp.run_until_complete(any.clone());
    assert_eq!(drops.names(), ["output"]);
}

#[test]
fn panics_are_stored_and_reraised_in_the_awaiter() {
    let lp = virtual_loop();
    lp.set_exception_handler(|_| {});
    let drops = Drops::default();
    let token = drops.token("locals");
    let bad = lp.create_task(async move {
        let _t = token;
        sleep(Duration::ZERO).await;
        panic!("raw boom");
    });
    let any = bad.as_any();
    let out = lp.run_until_complete(bad.join());
    match out {
        Err(e) => assert_eq!(e.panic_message(), Some("raw boom")),
        Ok(()) => panic!("the task should have panicked"),
    }
    assert_eq!(drops.names(), ["locals"]);
    // A second awaiter gets a copy of the message.
    let again = lp.run_until_complete(any.join());
    assert!(
        again
            .unwrap_err()
            .panic_message()
            .unwrap()
            .contains("raw boom")
    );
    // A detached panicking task does not disturb the loop.
    drop(lp.create_task(async { panic!("detached") }));
    assert_eq!(lp.run_until_complete(async { 3 }), 3);
}

/// A waker of another executor: counts its wake-ups.
struct Count(Arc<AtomicUsize>);

impl std::task::Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn many_awaiters_and_foreign_wakers() {
    let lp = virtual_loop();
    let target = lp.create_task(async {
        sleep(Duration::from_millis(5)).await;
        5
    });
    let any = target.as_any();
    let waiters: Vec<_> = (0..3).map(|_| lp.create_task(any.clone())).collect();
    let renamed = any.clone();
    renamed.set_name("target");
    // A waker from another executor polls it too (the task then has a foreign awaiter).
    let foreign = Arc::new(AtomicUsize::new(0));
    let fw = Waker::from(Arc::new(Count(Arc::clone(&foreign))));
    let mut join = std::pin::pin!(any.clone().join());
    assert!(
        join.as_mut()
            .poll(&mut Context::from_waker(&fw))
            .is_pending()
    );
    assert_eq!(lp.run_until_complete(target), 5);
    for w in waiters {
        lp.run_until_complete(w);
    }
    assert_eq!(foreign.load(Ordering::SeqCst), 1);
    assert_eq!(renamed.name(), "target");
    assert!(format!("{any:?}").contains("finished name='target'"));
}

#[test]
fn handles_keep_their_auto_traits() {
    // As with the `Rc`-based handles they replace: `Unpin` whatever the output, not `Send`.
    fn unpin<T: Unpin>() {}
    unpin::<coro_loop::Task<std::marker::PhantomPinned>>();
    unpin::<coro_loop::AnyTask>();
}

#[test]
fn task_blocks_are_reused_by_tasks_of_other_types() {
    // Finished tasks' blocks are kept by the loop and reused for the next tasks of the same
    // size, here of another future type; outputs and locals still drop once, on this thread.
    let drops = Drops::default();
    let lp = virtual_loop();
    for round in 0..3 {
        let d = drops.clone();
        let sum = lp.run_until_complete(async move {
            let first: Vec<_> = (0..8u64)
                .map(|i| {
                    let token = d.token("first");
                    coro_loop::create_task(async move {
                        sleep(Duration::ZERO).await;
                        drop(token);
                        i
                    })
                })
                .collect();
            let mut sum = 0;
            for t in first {
                sum += t.await;
            }
            // Same size as the tasks above (a token and a number), another type.
            let second: Vec<_> = (0..8u64)
                .map(|i| {
                    let token = d.token("second");
                    coro_loop::create_task(async move {
                        let _token = token;
                        sleep(Duration::ZERO).await;
                        i * 10
                    })
                })
                .collect();
            for t in second {
                sum += t.await;
            }
            sum
        });
        assert_eq!(sum, 28 + 280, "round {round}");
    }
    // A handle kept past the run: its block is freed, not kept, when it drops outside it.
    let late = lp.create_task(async { String::from("late") });
    lp.run_until_complete(sleep(Duration::ZERO));
    assert_eq!(lp.run_until_complete(late), "late");
    let names = drops.names();
    assert_eq!(names.iter().filter(|n| **n == "first").count(), 24);
    assert_eq!(names.iter().filter(|n| **n == "second").count(), 24);
    assert!(drops.all_here());
}

/// Holds `&mut v` into its own state across each sleep, as rustc's `async` fns may.
async fn borrows_itself(mut v: Vec<u32>, rounds: u32) -> usize {
    let r = &mut v;
    for i in 0..rounds {
        sleep(Duration::from_millis(1)).await;
        r.push(i);
    }
    v.len()
}

#[coro_core::coroutine]
fn awaits_one_that_borrows_itself(rounds: u32) -> usize {
    borrows_itself(vec![9], rounds).await
}

/// The loop keeps a task's future in its block and never makes a reference to the block's
/// future while it is suspended: asking a task about itself from another task, cancelling it
/// mid-await and finishing it must leave a future that borrows its own locals intact (Miri's
/// Stacked Borrows would report the borrow invalidated otherwise).
#[test]
fn tasks_whose_futures_borrow_themselves() {
    let lp = virtual_loop();
    let done = lp.create_task(borrows_itself(vec![], 3));
    let through_coroutine = lp.create_task(awaits_one_that_borrows_itself(2));
    let cancelled = lp.create_task(awaits_one_that_borrows_itself(5));
    let watcher = {
        let (a, b, c) = (
            done.as_any(),
            through_coroutine.as_any(),
            cancelled.as_any(),
        );
        lp.create_task(async move {
            sleep(Duration::from_millis(1)).await;
            assert!(!a.done() && !b.done() && !c.done());
            let _ = (a.name(), c.cancelled());
            assert!(c.cancel());
            sleep(Duration::from_millis(10)).await;
            a.done() && b.done() && c.cancelled()
        })
    };
    assert!(lp.run_until_complete(watcher));
    assert_eq!(lp.run_until_complete(done), 3);
    assert_eq!(lp.run_until_complete(through_coroutine), 3);
    assert!(matches!(
        lp.run_until_complete(cancelled.join()),
        Err(TaskError::Cancelled)
    ));
}
