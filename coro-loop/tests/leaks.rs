//! Nothing leaks: a counting allocator checks that creating and dropping loops, with tasks in
//! every state (pending, sleeping, cancelled, panicked, finished), returns every byte.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size().cast_signed(), Ordering::SeqCst);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size().cast_signed(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

async fn sleeper(ms: u64) -> Vec<u8> {
    let buf = vec![0u8; 1024];
    coro_loop::sleep(Duration::from_millis(ms)).await;
    buf
}

fn workload() {
    let lp = coro_loop::EventLoop::builder().virtual_clock(true).build();
    lp.set_exception_handler(|_| {});
    let done = lp.create_task(sleeper(1));
    let pending = lp.create_task(sleeper(1000));
    let never_started = lp.create_task(sleeper(5));
    let cancelled = lp.create_task(sleeper(50));
    let panicked = lp.create_task(async { panic!("expected panic (leak test)") });
    drop(panicked);
    lp.run_until_complete(coro_loop::sleep(Duration::from_millis(2)));
    cancelled.cancel();
    assert_eq!(lp.run_until_complete(done).len(), 1024);
    drop(lp.create_task(coro_loop::gather!(sleeper(3), sleeper(4))));
    lp.run_until_complete(coro_loop::sleep(Duration::ZERO));
    drop(never_started);
    drop(pending);
    drop(lp);
    drop(cancelled);
    // Tasks awaiting tasks: cancelled through their awaiter, inside a gather, and a handle that
    // leaves the loop still linked to the task that polled it.
    let lp = coro_loop::EventLoop::builder().virtual_clock(true).build();
    let inner = lp.create_task(sleeper(1000));
    let outer = lp.create_task(inner);
    let gathered = lp.create_task(async {
        let a = coro_loop::create_task(sleeper(1000));
        let b = coro_loop::create_task(sleeper(1));
        coro_loop::gather!(a, b).await
    });
    lp.run_until_complete(coro_loop::sleep(Duration::from_millis(2)));
    outer.cancel();
    gathered.cancel();
    let kept = lp.run_until_complete(async {
        let mut t = coro_loop::create_task(sleeper(5));
        std::future::poll_fn(|cx| {
            let _ = std::pin::Pin::new(&mut t).poll(cx);
            std::task::Poll::Ready(())
        })
        .await;
        Some(t)
    });
    drop(lp);
    drop(kept);
    // `run` too, with a task left over.
    coro_loop::run(async {
        drop(coro_loop::create_task(sleeper(100)));
        coro_loop::sleep(Duration::ZERO).await;
    });
}

#[test]
fn loops_and_tasks_free_everything() {
    std::panic::set_hook(Box::new(|_| {}));
    // Warm up lazily allocated statics (thread locals, the panic machinery).
    workload();
    // Two batches: a leak grows in both, while something the runtime or std allocates once,
    // late (seen on loaded machines, under 1 KiB), grows at most one of them.
    let before = LIVE.load(Ordering::SeqCst);
    for _ in 0..20 {
        workload();
    }
    let mid = LIVE.load(Ordering::SeqCst);
    for _ in 0..20 {
        workload();
    }
    let after = LIVE.load(Ordering::SeqCst);
    let _ = std::panic::take_hook();
    assert!(
        mid == before || after == mid,
        "bytes leaked: {} over the first 20 runs, {} over the next 20",
        mid - before,
        after - mid
    );
}
