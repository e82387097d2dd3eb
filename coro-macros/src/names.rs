//! Names the expansion introduces. All use `Span::mixed_site()`, so they can never collide with
//! or capture a user's local, label or binding of the same spelling.

use proc_macro2::{Ident, Span};

pub(crate) fn hidden(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// The alias of `::coro_core::__private` that the expansion declares at the top of the
/// function (`use ::coro_core::__private as __coro;`) and names that module's items through
/// in the code it spans itself: a path of two segments instead of four, which rustc parses,
/// resolves and lowers for every use. Paths spanned on the user's code stay absolute.
pub(crate) fn private() -> Ident {
    hidden("__coro")
}

/// Field of the Start variant holding argument `i`.
pub(crate) fn arg_slot(i: usize) -> Ident {
    hidden(&format!("__arg{i}"))
}

/// What the body's `self` is renamed to: a closure cannot bind `self`.
pub(crate) fn self_var() -> Ident {
    hidden("__self")
}

/// A temporary introduced by normalization (`__t3`) or an await result (`__aw3`).
pub(crate) fn temp(prefix: &str, n: usize) -> Ident {
    hidden(&format!("__{prefix}{n}"))
}

/// Payload field of a variable in a state variant.
pub(crate) fn var_field(id: usize) -> Ident {
    hidden(&format!("__v{id}"))
}

/// Placeholder left where a jump to another state will be printed, see `lower::Jump`.
pub(crate) fn jump_marker(n: usize) -> Ident {
    hidden(&format!("__coro_jump_{n}"))
}

pub(crate) fn parse_jump_marker(ident: &Ident) -> Option<usize> {
    ident.to_string().strip_prefix("__coro_jump_")?.parse().ok()
}

/// The function `check` calls in place of `yield_!(v)` (as `__coro_yield(v).await`) and
/// `lower` recognises as a yield suspension.
pub(crate) fn yield_marker() -> Ident {
    hidden("__coro_yield")
}

pub(crate) fn is_yield_marker(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident("__coro_yield"))
}

/// The `macro_rules!` alias of variable `id` once a `let` has shadowed it (see
/// `lower::Lowerer::plain`); also the name it is re-bound under in later states.
pub(crate) fn shadow_name(id: usize) -> Ident {
    hidden(&format!("__shadowed{id}"))
}

/// How to read a variable named `name` in an expression: a shadowed one through its macro.
pub(crate) fn expr_name(name: &Ident) -> proc_macro2::TokenStream {
    if name.to_string().starts_with("__shadowed") {
        quote::quote!(#name!())
    } else {
        quote::quote!(#name)
    }
}
