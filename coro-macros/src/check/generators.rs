//! The generators' suspension macros: `yield_!(v)` becomes an await of a marker call that the
//! later phases cut at like any other, and `yield_from!(g)` a loop of such yields. Separate
//! from check.rs, which rewrites what a coroutine and a generator share.

use super::Checker;
use crate::kind::Kind;
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Block, Expr, Item, Macro};

/// The two suspension macros of generators.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Suspend {
    Yield,
    YieldFrom,
}

/// `yield_!` / `yield_from!`, spelled bare or with a path (`coro_core::yield_!`).
pub(super) fn suspend_macro(mac: &Macro) -> Option<Suspend> {
    let last = mac.path.segments.last()?;
    if last.ident == "yield_" {
        Some(Suspend::Yield)
    } else if last.ident == "yield_from" {
        Some(Suspend::YieldFrom)
    } else {
        None
    }
}

/// What an import of `yield_!`/`yield_from!` needs beside a failed expansion, whose stub has
/// no body: one marker invocation (expanding to nothing, in item position) per spelling the
/// body used, so the error does not come with an "unused import" warning.
pub(crate) fn suspend_markers(body: &Block) -> TokenStream {
    struct Find(Vec<syn::Path>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_macro(&mut self, m: &Macro) {
            if suspend_macro(m).is_some() && !self.0.contains(&m.path) {
                self.0.push(m.path.clone());
            }
        }
        fn visit_item(&mut self, _: &Item) {}
    }
    let mut f = Find(Vec::new());
    syn::visit::visit_block(&mut f, body);
    let paths = f.0;
    quote!(#(#paths!(@__coro_used);)*)
}

/// The first `yield_!`/`yield_from!` in `expr`, closures and `async` blocks included.
pub(super) fn find_yield_macro(expr: &Expr) -> Option<proc_macro2::Span> {
    struct Find(Option<proc_macro2::Span>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_macro(&mut self, m: &Macro) {
            if suspend_macro(m).is_some() {
                self.0.get_or_insert(m.path.span());
            }
        }
        fn visit_item(&mut self, _: &Item) {}
    }
    let mut f = Find(None);
    syn::visit::visit_expr(&mut f, expr);
    f.0
}

impl Checker {
    /// Rewrites a suspension macro into what the later phases already know how to cut at.
    ///
    /// Input: `yield_!(v)`. Output: `__coro_yield(v).await`, an await of a marker call that
    /// `lower` turns into a suspension handing `v` out; its value is what is sent back in.
    ///
    /// Input: `yield_from!(inner)`. Output: a loop that starts `inner`, yields each of its values
    /// and passes each sent value on, breaking with its return value:
    /// ```text
    /// { let mut g = inner; let mut sent = None;
    ///   loop { match (match sent.take() { None => start(pin(&mut g)), Some(v) => resume(pin(&mut g), v) }) {
    ///       Yielded(y) => sent = Some(yield_!(y)),
    ///       Complete(r) => break r } } }
    /// ```
    pub(super) fn suspend(&mut self, mac: &Macro) -> syn::Result<Expr> {
        if !self.suspend_paths.contains(&mac.path) {
            self.suspend_paths.push(mac.path.clone());
        }
        let which = suspend_macro(mac).expect("checked by the caller");
        let span = mac.path.span();
        let name = if which == Suspend::Yield {
            "yield_"
        } else {
            "yield_from"
        };
        if !self.kind.is_generator() {
            return Err(syn::Error::new(
                span,
                format!(
                    "`{name}!` in a coroutine that does not yield: declare what it yields with \
                     `#[coro_core::coroutine(yield = Type)]`"
                ),
            ));
        }
        let value: Expr = if mac.tokens.is_empty() {
            syn::parse_quote!(())
        } else {
            mac.parse_body()?
        };
        let marker = names::yield_marker();
        if which == Suspend::Yield {
            return Ok(syn::parse_quote_spanned!(span=> #marker(#value).await));
        }
        if matches!(self.kind, Kind::Stream { .. }) {
            // In an async generator, `yield_from!(stream)` yields every item of an inner
            // stream. The stream moves into each `next` future and back out of it, so no
            // local is borrowed across the await (it must be `Unpin`: `Box::pin` it if not).
            // Output: `{ let mut s = inner; loop { let (item, back) = next_owned(s).await;
            //            s = back; match item { Some(y) => yield_!(y), None => break } } }`
            let (stream, item, back, y) = (
                names::hidden("__stream"),
                names::hidden("__item"),
                names::hidden("__back"),
                names::hidden("__y"),
            );
            return Ok(syn::parse_quote_spanned! {span=> {
                let mut #stream = #value;
                loop {
                    let (#item, #back) = ::coro_core::__private::next_owned(#stream).await;
                    #stream = #back;
                    match #item {
                        ::core::option::Option::Some(#y) => { #marker(#y).await; }
                        ::core::option::Option::None => break,
                    }
                }
            }});
        }
        let (inner, sent, st, y, r, v) = (
            names::hidden("__inner"),
            names::hidden("__sent"),
            names::hidden("__st"),
            names::hidden("__y"),
            names::hidden("__r"),
            names::hidden("__v"),
        );
        let p = quote!(::coro_core::__private);
        Ok(syn::parse_quote_spanned! {span=> {
            let mut #inner = #value;
            let mut #sent = ::core::option::Option::None;
            loop {
                let #st = match ::core::option::Option::take(&mut #sent) {
                    ::core::option::Option::None =>
                        #p::Generator::start(#p::Pin::new(&mut #inner)),
                    ::core::option::Option::Some(#v) =>
                        #p::Generator::resume(#p::Pin::new(&mut #inner), #v),
                };
                match #st {
                    #p::GeneratorState::Yielded(#y) => {
                        #sent = ::core::option::Option::Some(#marker(#y).await);
                    }
                    #p::GeneratorState::Complete(#r) => break #r,
                }
            }
        }})
    }
}
