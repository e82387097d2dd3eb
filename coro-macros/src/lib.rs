//! The `#[coroutine]` attribute: a small compiler from an ordinary `fn` that uses `.await` to a
//! hand-rolled state machine driven by `coro_core::__private::Frame`.
//!
//! The phases, each in its own module, run in this order (see `ARCHITECTURE.md`):
//! 1. [`signature`]: validate the item, read the attribute arguments, name the arguments.
//! 2. [`check`]: reject what the lowering cannot express (awaits in closures, recursion, ...).
//! 3. [`normalize`]: hoist every `.await` into statement position, in evaluation order.
//! 4. [`lower`]: cut the normalized body into states at suspensions, loop heads and joins.
//! 5. [`liveness`]: decide what each state must store.
//! 6. [`emit`]: print the state enum and the step closure.

// Nested `if let`s read better than let-chains while the phases are young; `emit` is one
// template and reads best whole.
#![allow(clippy::collapsible_if, clippy::too_many_lines)]

mod check;
mod emit;
mod liveness;
mod lower;
mod names;
mod normalize;
mod signature;
mod vars;

use proc_macro2::TokenStream;

/// Lowers a function whose body uses `.await` into a coroutine object.
///
/// See the `coro_core` documentation for what the attribute accepts.
#[proc_macro_attribute]
pub fn coroutine(
    attr: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    expand(&attr.into(), item.into()).into()
}

/// The whole transform over `proc_macro2` tokens, so tests can call it. Never panics: any misuse
/// becomes a `compile_error!` beside a stub that keeps the function's signature.
pub(crate) fn expand(attr: &TokenStream, item: TokenStream) -> TokenStream {
    match signature::parse(attr, item.clone()) {
        Ok(parsed) => match transform(&parsed) {
            Ok(tokens) => tokens,
            Err(err) => {
                let mut out = err.to_compile_error();
                out.extend(emit::stub(&parsed));
                out
            }
        },
        // Unparseable input: hand it back untouched so rustc reports its own errors too.
        Err(err) => {
            let mut out = err.to_compile_error();
            out.extend(item);
            out
        }
    }
}

fn transform(parsed: &signature::Parsed) -> syn::Result<TokenStream> {
    let mut body = parsed.body.clone();
    check::check(parsed, &mut body)?;
    let body = normalize::normalize(body)?;
    let lowered = lower::lower(parsed, &body)?;
    let payloads = liveness::payloads(&lowered);
    Ok(emit::emit(parsed, &lowered, &payloads))
}

#[cfg(test)]
mod tests;
