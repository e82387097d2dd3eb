::core::compile_error! {
    "`#[coroutine]` makes the function a coroutine already: remove `async`"
}
async fn already_async() -> u32 {
    1
}
