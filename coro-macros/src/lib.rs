//! The `#[coroutine]` attribute: a small compiler from an ordinary `fn` that uses `.await` to a
//! hand-rolled state machine driven by `coro_core::__private::Frame`.
//!
//! The phases, each in its own module, run in this order (see `ARCHITECTURE.md`):
//! 1. [`signature`]: parse the function, then read the attribute arguments and validate the
//!    signature; name the arguments.
//! 2. [`configured`] and [`check`]: reject what the lowering cannot express (`#[cfg]` on code
//!    it takes apart, awaits in closures, recursion, ...).
//!    [`items`] then takes the body's items out, for `emit` to print first.
//! 3. [`normalize`]: hoist every `.await` into statement position, in evaluation order.
//! 4. [`lower`]: cut the normalized body into states at suspensions, loop heads and joins.
//! 5. [`liveness`]: decide what each state must store.
//! 6. [`emit`]: print the state enum and the step closure.

// Nested `if let`s read better than let-chains while the phases are young; `emit` is one
// template and reads best whole.
#![allow(clippy::collapsible_if, clippy::too_many_lines)]
// The crate's documentation is a map of private phases for its maintainers (`cargo doc
// --document-private-items`); a proc-macro crate has no other public items to document.
#![allow(rustdoc::private_intra_doc_links)]

mod check;
mod configured;
mod emit;
mod items;
mod kind;
mod liveness;
mod lower;
mod names;
mod normalize;
mod signature;
mod syntax;
mod vars;

use proc_macro2::TokenStream;
use syn::Block;

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
/// becomes a `compile_error!`.
///
/// This is the one place errors turn into tokens. An item that is not a function is handed back
/// untouched beside the error. Once the function has parsed, any later error (the options, the
/// signature, the body) comes with a stub of the same signature instead of the body: the body's
/// `.await`s would add rustc errors of their own, and callers still type-check.
pub(crate) fn expand(attr: &TokenStream, item: TokenStream) -> TokenStream {
    let mut parsed = match signature::parse_fn(item.clone()) {
        Ok(parsed) => parsed,
        Err(err) => {
            let mut out = err.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    match signature::configure(&mut parsed, attr).and_then(|()| transform(&mut parsed)) {
        Ok(tokens) => tokens,
        Err(err) => {
            let mut out = err.to_compile_error();
            out.extend(emit::stub(&parsed));
            // `transform` may have taken the body out of `parsed`: the markers are those of the
            // body as written, parsed again (only on this path).
            if let Ok(written) = signature::parse_fn(item) {
                out.extend(check::suspend_markers(&written.body));
            }
            out
        }
    }
}

/// The phases after the signature. The body is moved out of `parsed` rather than copied (a
/// copy of every syn node costs as much as a phase in the macro's debug build), except for a
/// generator's, which `Kind::of` reads again in `emit` to tell a generator from a `Stream`.
fn transform(parsed: &mut signature::Parsed) -> syn::Result<TokenStream> {
    let mut body = if parsed.yield_ty.is_some() {
        parsed.body.clone()
    } else {
        let empty = Block {
            brace_token: parsed.body.brace_token,
            stmts: Vec::new(),
        };
        std::mem::replace(&mut parsed.body, empty)
    };
    let parsed = &*parsed;
    // Independent checks: report both kinds of mistake at once.
    let configured = configured::check(&parsed.sig, &body);
    match (configured, check::check(parsed, &mut body)) {
        (Err(mut err), Err(more)) => {
            err.combine(more);
            return Err(err);
        }
        (Err(err), _) | (_, Err(err)) => return Err(err),
        (Ok(()), Ok(())) => {}
    }
    let items = items::hoist(&mut body, &parsed.sig)?;
    let mut_ref_params = signature::mut_ref_params(&parsed.sig, &body);
    let body = normalize::normalize(body, mut_ref_params)?;
    let lowered = lower::lower(parsed, &body)?;
    let payloads = liveness::payloads(&lowered)?;
    Ok(emit::emit(parsed, &items, &lowered, &payloads))
}

#[cfg(test)]
mod tests;
