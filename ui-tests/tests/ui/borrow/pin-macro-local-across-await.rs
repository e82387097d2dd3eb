// `let a = pin!(fut);` pins `fut` in a temporary of the step that runs the `let`. Kept
// across an `.await` (passed to the awaited future, or used after it), it gets the macro's
// error on the `pin!`, with a note on the `.await`, suggesting `Box::pin`.
use std::future::{Future, ready};
use std::pin::pin;

fn both<A: Future + Unpin, B: Future + Unpin>(a: A, b: B) -> impl Future<Output = ()> {
    async move {
        a.await;
        b.await;
    }
}

#[coro_core::coroutine]
fn race() -> u32 {
    let a = std::pin::pin!(ready(1));
    let b = pin!(ready(2));
    both(a, b).await;
    3
}

#[coro_core::coroutine]
fn kept() -> u32 {
    let mut a = pin!(ready(1));
    ready(()).await;
    let _ = a.as_mut();
    3
}

// Used only before the `.await` and dropped there: fine.
#[coro_core::coroutine]
fn dropped_before() -> u32 {
    let a = pin!(ready(1));
    drop(a);
    ready(()).await;
    3
}

fn main() {
    let _ = (race(), kept(), dropped_before());
}
