//! The recursion check. A coroutine or generator whose body calls the function itself would
//! contain its own object, which has no size: such a call is an error that says how to add the
//! indirection (the `boxed` option for a coroutine, a boxed trait object for a generator). A
//! call already stored as a boxed trait object (`Box::pin(f(..)) as Pin<Box<dyn ..>>`) has
//! one, and passes.

use super::{Checker, mentions_ident};
use crate::kind::Kind;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, ExprPath};

impl Checker {
    pub(super) fn is_self_call(&self, func: &Expr) -> bool {
        let Expr::Path(ExprPath {
            qself: None, path, ..
        }) = func
        else {
            return false;
        };
        let segs: Vec<_> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        match segs.as_slice() {
            [one] => *one == self.name,
            [ty, one] => ty == "Self" && *one == self.name,
            _ => false,
        }
    }

    /// `Box::pin(f(..)) as T` (or `Box::new`, or `self.f(..)`) where `T` names a `dyn` type:
    /// a recursive call whose object is stored as a trait object.
    pub(super) fn is_erased_self_call(&self, cast: &syn::ExprCast) -> bool {
        let ty = &cast.ty;
        if !mentions_ident(&quote!(#ty), "dyn") {
            return false;
        }
        let Expr::Call(boxing) = &*cast.expr else {
            return false;
        };
        let Expr::Path(func) = &*boxing.func else {
            return false;
        };
        let segs = crate::syntax::segment_names(&func.path);
        let boxes = matches!(
            segs.iter()
                .rev()
                .take(2)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice(),
            ["pin" | "new", "Box"]
        );
        if !boxes || boxing.args.len() != 1 {
            return false;
        }
        match &boxing.args[0] {
            Expr::Call(inner) => self.is_self_call(&inner.func),
            Expr::MethodCall(m) => {
                m.method == self.name
                    && matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"))
            }
            _ => false,
        }
    }

    /// A call of the function inside itself, where its object would contain itself: the
    /// fix that compiles for this kind of object.
    pub(super) fn recursion_error(&self, span: proc_macro2::Span) -> syn::Error {
        let name = &self.name;
        let message = match &self.kind {
            Kind::Coroutine => format!(
                "recursive coroutine: `{name}` would contain itself. Use \
                 `#[coro_core::coroutine(boxed)]`, which returns a boxed coroutine so recursion \
                 has an indirection"
            ),
            kind => format!(
                "recursive generator: `{name}` would contain itself. Store the recursive call \
                 as a boxed trait object, whose size is known: `{}`",
                erased_call(name, kind, &self.output)
            ),
        };
        syn::Error::new(span, message)
    }
}

/// How a generator of `kind` boxes a recursive call of `name` so that it compiles (for a
/// coroutine, which the `boxed` option covers, the same box awaited).
fn erased_call(name: &str, kind: &Kind, output: &syn::Type) -> String {
    let tidy_output = tidy(&quote!(#output));
    let (object, delegate) = match kind {
        Kind::Generator {
            yield_ty,
            resume_ty,
        } => {
            let resume = if matches!(resume_ty, syn::Type::Tuple(t) if t.elems.is_empty()) {
                String::new()
            } else {
                format!("{}, ", tidy(&quote!(#resume_ty)))
            };
            let yield_ty = tidy(&quote!(#yield_ty));
            let object =
                format!("coro_core::Generator<{resume}Yield = {yield_ty}, Return = {tidy_output}>");
            (object, "yield_from!")
        }
        Kind::Stream { yield_ty } => {
            let object = format!("coro_core::Stream<Item = {}>", tidy(&quote!(#yield_ty)));
            (object, "yield_from!")
        }
        Kind::Coroutine => (format!("coro_core::Coroutine<Output = {tidy_output}>"), ""),
    };
    let boxed = format!("Box::pin({name}(..)) as Pin<Box<dyn {object} + '_>>");
    if delegate.is_empty() {
        format!("({boxed}).await")
    } else {
        format!("{delegate}({boxed})")
    }
}

/// A type as a user would write it: `Vec<u32>`, not `Vec < u32 >`.
fn tidy(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let prev = out.chars().last();
        let drop_space = c == ' '
            && (matches!(next, Some('<' | '>' | ',' | ')' | ':'))
                || matches!(prev, Some('<' | '(' | '&' | ':')));
        if !drop_space {
            out.push(c);
        }
    }
    out
}
