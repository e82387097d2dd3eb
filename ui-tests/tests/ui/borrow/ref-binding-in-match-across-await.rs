#[coro_core::coroutine]
fn first() -> u32 {
    let v = Some(String::from("a"));
    match v {
        Some(ref s) => {
            core::future::ready(()).await;
            s.len() as u32
        }
        None => 0,
    }
}

fn main() {}
