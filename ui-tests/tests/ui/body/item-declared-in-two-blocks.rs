// The items of blocks that await move to the top of the generated function (to stay visible
// across `.await`), unless that would change what a name means: the same name declared in two
// such blocks would collide there, so each stays in its block, and using it after the block's
// `.await` (out of its reach) is an error asking for a rename.
#[coro_core::coroutine]
fn two_helpers(flag: bool) -> u32 {
    if flag {
        fn helper() -> u32 {
            1
        }
        core::future::ready(()).await;
        helper()
    } else {
        fn helper() -> u32 {
            2
        }
        core::future::ready(()).await;
        helper()
    }
}

// A `macro_rules!` is textually scoped: moved up, a second definition would replace the first
// everywhere, so a name defined twice stays where it is; here each use is within the reach of
// the definition it means, so this compiles.
#[coro_core::coroutine]
fn two_macros() -> u32 {
    macro_rules! m {
        () => {
            1
        };
    }
    let a = m!();
    core::future::ready(()).await;
    macro_rules! m {
        () => {
            2
        };
    }
    a + m!()
}

// Blocks that do not await stay whole, with their items: not an error.
#[coro_core::coroutine]
fn await_free_blocks(flag: bool) -> u32 {
    let x = if flag {
        fn helper() -> u32 {
            1
        }
        helper()
    } else {
        fn helper() -> u32 {
            2
        }
        helper()
    };
    core::future::ready(x).await
}

fn main() {}
