//! Macro calls whose arguments await. `vec!` and the formatting and assertion family take
//! ordinary expressions, which are normalized like a call's operands (an assertion's message
//! excepted: it runs only when the assertion fails); an `.await` in any other macro is an
//! error that shows how to bind it first.

use super::Normalizer;
use super::scan::{EXPRESSION_MACROS, tokens_have_await};
use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Macro, Stmt, Token};

/// `vec![elem; n]`'s two operands.
pub(crate) fn vec_repeat(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let elem = input.parse()?;
    input.parse::<Token![;]>()?;
    let count = input.parse()?;
    Ok((elem, count))
}

impl Normalizer {
    /// `.await` inside a formatting-style macro: its arguments are ordinary expressions.
    pub(super) fn macro_args(&mut self, mac: Macro, pre: &mut Vec<Stmt>) -> syn::Result<Macro> {
        const FORMAT_LIKE: &[&str] = EXPRESSION_MACROS;
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if name == "vec" {
            if let Ok((mut elem, mut count)) = mac.parse_body_with(vec_repeat) {
                // `vec![elem; n]`: the element, then the count, both by value (the element is
                // cloned into place).
                // Input: `vec![f().await; g().await]`.
                // Output: `let __aw1 = f().await; let __aw2 = g().await; vec![__aw1; __aw2]`.
                self.operands(&mut [&mut elem, &mut count], &[false, false], pre)?;
                let tokens = quote!(#elem; #count);
                return Ok(Macro { tokens, ..mac });
            }
        }
        let parsed = if FORMAT_LIKE.contains(&name.as_str()) {
            mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
                .ok()
        } else {
            None
        };
        let Some(args) = parsed else {
            let shape = argument_shape(&mac.tokens);
            return Err(syn::Error::new(
                mac.path.span(),
                format!(
                    "`.await` inside `{name}!(..)` is not supported: bind the awaited value to \
                     a local before the macro (`let v = fut.await; {name}!({shape})`)"
                ),
            ));
        };
        let mut args: Vec<Expr> = args.into_iter().collect();
        // The message of an assertion is only evaluated when it fails; hoisting its awaits
        // would run them (and suspend) every time.
        let checked = match name.as_str() {
            "assert" | "debug_assert" => 1,
            "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => 2,
            _ => usize::MAX,
        };
        if let Some(span) = args
            .iter()
            .skip(checked)
            .find_map(crate::check::has_await_in_closure)
        {
            return Err(syn::Error::new(
                span,
                format!(
                    "`.await` in the message of `{name}!` is not supported: the message is only \
                     evaluated when the assertion fails. Write `if !(..) {{ panic!(..) }}` \
                     instead, or bind the value before the assertion"
                ),
            ));
        }
        {
            // Formatting and assertions take their arguments by reference; `vec!` by value.
            let by_ref = vec![name != "vec"; args.len()];
            let mut ops: Vec<&mut Expr> = args.iter_mut().collect();
            self.operands(&mut ops, &by_ref, pre)?;
        }
        let tokens = quote!(#(#args),*);
        Ok(Macro { tokens, ..mac })
    }
}

/// The arguments of a macro call as a hint writes them: `v` for the first one that awaits,
/// `..` for the others (`matches!(v, ..)`, `my_macro!(.., v)`).
fn argument_shape(tokens: &TokenStream) -> String {
    let mut args: Vec<TokenStream> = vec![TokenStream::new()];
    for tt in tokens.clone() {
        match &tt {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => {
                args.push(TokenStream::new());
            }
            _ => args.last_mut().expect("starts with one").extend([tt]),
        }
    }
    if args.len() > 1 && args.last().is_some_and(TokenStream::is_empty) {
        args.pop();
    }
    let awaiting = args
        .iter()
        .position(|a| tokens_have_await(a.clone()))
        .unwrap_or(0);
    let mut shape: Vec<&str> = vec![".."; args.len()];
    shape[awaiting] = "v";
    shape.dedup_by(|a, b| *a == ".." && *b == "..");
    shape.join(", ")
}
