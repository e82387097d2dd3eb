// An expression that starts with `self` is reported on its whole extent, `self.1`, as in an
// `async fn` (and rustc's suggestion edits the field, not `self`), also for an argument of an
// awaited call.
fn need_clone<T: Clone>(t: T) -> std::future::Ready<T> {
    std::future::ready(t)
}

struct NoClone;
struct S(NoClone, u32);

impl S {
    #[coro_core::coroutine]
    fn run(self) -> u32 {
        let _v = need_clone(self.0).await;
        let _w: String = self.1;
        1
    }
}

fn main() {}
