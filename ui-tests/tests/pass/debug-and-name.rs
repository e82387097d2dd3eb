use coro_core::Coroutine;

#[coro_core::coroutine]
fn named() -> u32 {
    core::future::ready(1).await
}

fn main() {
    let c = named();
    assert_eq!(c.name(), "named");
    assert!(format!("{c:?}").starts_with("<coroutine object named at 0x"));
    assert_eq!(coro_core::block_on(c), 1);
}
