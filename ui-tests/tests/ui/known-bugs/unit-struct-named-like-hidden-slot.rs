// A unit struct whose name matches a generated argument slot (`__arg0`) turns the macro's
// shorthand field pattern into a struct pattern: `Span::mixed_site()` hides locals, not items.
#![allow(non_camel_case_types, dead_code)]

struct __arg0;

#[coro_core::coroutine]
fn work(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {}
