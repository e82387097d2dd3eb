::core::compile_error! {
    "`#[coroutine]` makes the function a coroutine already: remove `async`"
}
#[allow(unused_variables, clippy::all)]
fn already_async() -> impl ::coro_core::Coroutine<Output = u32> + ::core::fmt::Debug {
    ::coro_core::__private::Stub::<u32>::new()
}
