// A future that reborrows a `&mut` parameter, with the parameter used again after the
// `.await`: the state would hold the future beside the reference it borrows through. The macro
// cannot tell this from a future that borrows nothing, so rustc reports it (E0505); the borrow
// it names is the user's `self` (or `v`), not the attribute.
struct Conn {
    reads: u32,
}

impl Conn {
    #[coro_core::coroutine]
    fn read_chunk(&mut self) -> u32 {
        core::future::ready(()).await;
        self.reads += 1;
        2
    }

    #[coro_core::coroutine]
    fn read_two(&mut self) -> u32 {
        let a = self.read_chunk().await;
        let b = self.read_chunk().await;
        a + b
    }
}

#[coro_core::coroutine]
fn push_later(v: &mut Vec<u32>, x: u32) {
    core::future::ready(()).await;
    v.push(x);
}

#[coro_core::coroutine]
fn fill(v: &mut Vec<u32>) -> usize {
    push_later(v, 1).await;
    v.len()
}

fn main() {}
