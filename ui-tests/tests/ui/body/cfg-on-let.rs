// Every `let` takes part in the state analysis, which cannot know whether a configured binding
// exists: `#[cfg]` on a `let` is an error, awaiting or not.
#[coro_core::coroutine]
fn report() -> &'static str {
    #[cfg(debug_assertions)]
    let level = "debug";
    #[cfg(not(debug_assertions))]
    let level = "release";
    core::future::ready(()).await;
    level
}

fn main() {}
