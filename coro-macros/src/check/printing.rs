//! `dbg!` and a message-less `assert!` whose arguments await. Both print their argument's
//! source text (`stringify!`), which hoisting the await out of them would turn into the
//! macro's temporary (`__aw1 = 1`, "assertion failed: __aw1 == 2"): `check` expands them
//! itself, with the text as written. Separate from check.rs, whose rewrites change meaning
//! (`self`, `return`, `?`) rather than printed text.

use super::Checker;
use crate::names;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::visit_mut::VisitMut;
use syn::{Expr, Macro, Token};

/// `dbg!(..)` whose arguments await.
pub(super) fn is_dbg_with_await(mac: &Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| s.ident == "dbg")
        && crate::normalize::tokens_have_await(mac.tokens.clone())
}

/// `assert!(cond)` / `debug_assert!(cond)` without a message, whose condition awaits: its
/// panic message is the condition's text.
pub(super) fn is_bare_assert_with_await(mac: &Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "assert" || s.ident == "debug_assert")
        && crate::normalize::tokens_have_await(mac.tokens.clone())
        && mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated)
            .is_ok_and(|args| args.len() == 1)
}

/// `debug_assert_eq!` / `debug_assert_ne!` / `debug_assert!` with a message, whose checked
/// operands await: the `assert` it stands for, to run only with debug assertions on. (An
/// await in the message is left to `normalize`, which rejects it naming the macro written.)
pub(super) fn is_debug_assert_with_await(mac: &Macro) -> Option<&'static str> {
    let name = mac.path.segments.last()?.ident.to_string();
    let (assert, checked) = match name.as_str() {
        "debug_assert" => ("assert", 1),
        "debug_assert_eq" => ("assert_eq", 2),
        "debug_assert_ne" => ("assert_ne", 2),
        _ => return None,
    };
    if !crate::normalize::tokens_have_await(mac.tokens.clone()) {
        return None;
    }
    let args = mac
        .parse_body_with(syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated)
        .ok()?;
    let message_awaits = args
        .iter()
        .skip(checked)
        .any(|arg| super::has_await_in_closure(arg).is_some());
    (!message_awaits).then_some(assert)
}

impl Checker {
    /// Without debug assertions a `debug_assert*!` evaluates nothing; `normalize` would hoist
    /// the awaits out of it and run them in every build, so it is expanded here first, as the
    /// standard library expands it.
    ///
    /// Input: `debug_assert_eq!(f().await, 1)`.
    /// Output: `if cfg!(debug_assertions) { assert_eq!(f().await, 1) }`.
    pub(super) fn debug_assert(&mut self, mac: &Macro) -> Option<Expr> {
        let assert = is_debug_assert_with_await(mac)?;
        let name = &mac.path.segments.last()?.ident;
        let span = name.span();
        let assert = proc_macro2::Ident::new(assert, span);
        let args = &mac.tokens;
        let tokens = quote_spanned! {span=>
            if ::core::cfg!(debug_assertions) { ::core::#assert!(#args) }
        };
        let mut expr = syn::parse2(tokens).ok()?;
        self.visit_expr_mut(&mut expr);
        Some(expr)
    }

    /// `assert!(cond)` panics with "assertion failed: " and the condition's text, which
    /// hoisting the await out of it would turn into the macro's temporary: expand it here.
    ///
    /// Input: `assert!(f().await == 1)`.
    /// Output: `if !(f().await == 1) { panic!("assertion failed: {}", "f().await == 1") }`
    /// (`debug_assert!`: under `if cfg!(debug_assertions)`).
    pub(super) fn bare_assert(&mut self, mac: &Macro) -> Option<Expr> {
        let args = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated)
            .ok()?;
        let text = dbg_texts(mac, &args).pop()?;
        let mut cond = args.into_iter().next()?;
        self.visit_expr_mut(&mut cond);
        let name = &mac.path.segments.last()?.ident;
        let span = name.span();
        let check = quote_spanned! {span=>
            if !(#cond) {
                ::core::panic!("assertion failed: {}", #text)
            }
        };
        let tokens = if name == "debug_assert" {
            quote_spanned! {span=> if ::core::cfg!(debug_assertions) { #check } }
        } else {
            check
        };
        syn::parse2(tokens).ok()
    }

    /// `dbg!` prints its argument's text, which hoisting the await out of it would turn into
    /// the macro's temporary (`__aw1 = 1`): expand it here, with the text as written.
    ///
    /// Input: `dbg!(f().await)`.
    /// Output: `match f().await { v => { eprintln!("[{}:{}:{}] {} = {:#?}", file!(), line!(),
    /// column!(), "f().await", &v); v } }` (several arguments: a tuple of those, as `dbg!`).
    pub(super) fn dbg(&mut self, mac: &Macro) -> Option<Expr> {
        let args = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated)
            .ok()?;
        let texts = dbg_texts(mac, &args);
        let span = mac.path.segments.last()?.ident.span();
        let value = names::hidden("__coro_dbg");
        let mut each: Vec<TokenStream> = Vec::new();
        for (mut arg, text) in args.into_iter().zip(texts) {
            self.visit_expr_mut(&mut arg);
            each.push(quote_spanned! {span=>
                match #arg {
                    #value => {
                        ::std::eprintln!(
                            "[{}:{}:{}] {} = {:#?}",
                            ::std::file!(), ::std::line!(), ::std::column!(), #text, &#value
                        );
                        #value
                    }
                }
            });
        }
        let tokens = match each.as_slice() {
            [one] => one.clone(),
            many => quote!((#(#many),*,)),
        };
        syn::parse2(tokens).ok()
    }
}

/// The text of each of `dbg!`'s arguments as written (rustc's `dbg!` prints `stringify!` of
/// it); where the source is not at hand, the tokens printed.
fn dbg_texts(mac: &Macro, args: &syn::punctuated::Punctuated<Expr, Token![,]>) -> Vec<String> {
    let source = mac.delimiter.span().join().source_text();
    if let Some(inner) = source
        .as_deref()
        .and_then(|s| s.get(1..s.len().saturating_sub(1)))
    {
        let pieces = split_top_level(inner);
        // The source must spell the arguments (not, in a `macro_rules!`, `$e.await`), on one
        // line (`stringify!` does not keep line breaks: the tokens printed come closer).
        let same = |(piece, arg): (&String, &Expr)| {
            !piece.contains('\n')
                && syn::parse_str::<TokenStream>(piece)
                    .is_ok_and(|t| t.to_string() == quote!(#arg).to_string())
        };
        if pieces.len() == args.len() && pieces.iter().zip(args).all(same) {
            return pieces;
        }
    }
    args.iter()
        .map(|a| {
            quote!(#a)
                .to_string()
                .replace(" :: ", "::")
                .replace(":: ", "::")
                .replace("! (", "!(")
                .replace("! [", "![")
        })
        .collect()
}

/// `a, f(b, c), "x,y",` → `["a", "f(b, c)", "\"x,y\""]`: split at the commas outside brackets
/// and string literals, leaving comments out (`stringify!` has none). A char literal `','`
/// splits wrongly; the caller then falls back.
fn split_top_level(text: &str) -> Vec<String> {
    let (mut pieces, mut current, mut depth) = (Vec::new(), String::new(), 0i32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                current.extend(chars.by_ref().find(|&d| d == '\n'));
                continue;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '"' => {
                current.push(c);
                while let Some(d) = chars.next() {
                    current.push(d);
                    if d == '\\' {
                        current.extend(chars.next());
                    } else if d == '"' {
                        break;
                    }
                }
                continue;
            }
            ',' if depth == 0 => {
                pieces.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    let last = current.trim();
    if !last.is_empty() {
        pieces.push(last.to_owned());
    }
    pieces
}
