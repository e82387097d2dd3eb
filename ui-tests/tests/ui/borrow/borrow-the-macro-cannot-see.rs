// A borrow the macro cannot recognise without types (`lookup` returns a reference into `v`)
// gets rustc's own errors. The state type in them names each stored local: `x<&'1 u32>` is `x`,
// holding a reference, and `v<Vec<u32>>` the vector it borrows.
fn lookup(v: &[u32]) -> &u32 {
    &v[0]
}

#[coro_core::coroutine]
fn first() -> u32 {
    let v = vec![1, 2, 3];
    let x = lookup(&v);
    core::future::ready(()).await;
    *x
}

fn main() {
    let _ = first();
}
