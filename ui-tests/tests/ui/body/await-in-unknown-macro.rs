macro_rules! my_macro {
    ($e:expr) => {
        $e + 1
    };
}

#[coro_core::coroutine]
fn bump(x: u32) -> u32 {
    let x = core::future::ready(x);
    my_macro!(x.await)
}

fn main() {}
