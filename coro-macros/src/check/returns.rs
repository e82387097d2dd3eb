//! `return e` and `e?`, whose meaning changes inside the step closure: the closure returns
//! `Poll<T>` (a generator's state, for a generator), so `return e` returns `e` wrapped as the
//! body's completion (`Kind::complete_at`), and `e?` becomes a `match` on `__private::Branch`
//! that returns the residual, converted into the declared output type, wrapped the same way.
//! The wrapper's tokens sit on the user's `return` or `?`, so a type error is reported there
//! and not on the attribute.

use super::{Checker, mentions_ident};
use crate::names;
use crate::syntax;
use proc_macro2::{Group, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::visit_mut;
use syn::{Expr, Token};

impl Checker {
    /// The declared output type as tokens, and whether they name `impl` (an `impl Trait` is
    /// no type a `?` can name in `<T as FromResidual<_>>`): printed on the first `?` and kept
    /// for the others.
    fn output_tokens(&mut self) -> &(TokenStream, bool) {
        let output = &self.output;
        self.output_tokens.get_or_insert_with(|| {
            let tokens = quote!(#output);
            let names_impl = mentions_ident(&tokens, "impl");
            (tokens, names_impl)
        })
    }

    /// Input: `return e`. Output: `return Poll::Ready(e)` (in a coroutine; see `Kind`).
    pub(super) fn rewrite_return(&mut self, r: &mut syn::ExprReturn) -> Expr {
        visit_mut::visit_expr_return_mut(self, r);
        let span = r.return_token.span;
        let value = r.expr.take().map_or_else(|| quote!(()), |e| quote!(#e));
        // The wrapper's tokens take the `return`'s span, so a type mismatch is reported
        // on the user's `return`, not on the attribute.
        let complete = self.kind.complete_at(wrapper_span(span), &value);
        syn::parse_quote_spanned! {span=> return #complete }
    }

    /// Input: `e?`. Output: a `match` that returns the converted residual (spelled out below).
    pub(super) fn rewrite_try(&mut self, t: &mut syn::ExprTry) -> Expr {
        visit_mut::visit_expr_try_mut(self, t);
        let span = t.question_token.span;
        let (v, r) = (names::hidden("__ok"), names::hidden("__residual"));
        // Naming the output type, spanned on the `?`, puts a wrong return type's error
        // on the `?`. `<impl Trait as ..>` is not an expression: infer it then.
        let (output, names_impl) = self.output_tokens();
        let convert = if *names_impl {
            quote!(::coro_core::__private::FromResidual::from_residual(#r))
        } else {
            let output = respan(output.clone(), span);
            quote_spanned!(span=> <#output as ::coro_core::__private::FromResidual<_>>::from_residual(#r))
        };
        let complete = self.kind.complete_at(wrapper_span(span), &convert);
        // Input: `inner?`.
        // Output: `match Branch::branch(operand(inner)) { Continue(__ok) => __ok,
        // Break(__residual) => return <complete>, }`, built as a tree around `inner`
        // (see `syntax`). The `return`'s value holds no user code, so later phases
        // need not look inside it: it stays tokens.
        let private =
            |name: &str, item: &str| syntax::path(span, &["coro_core", "__private", name, item]);
        let scrutinee = syntax::call(
            span,
            private("Branch", "branch"),
            vec![syntax::call(
                span,
                syntax::path(span, &["coro_core", "__private", "operand"]),
                vec![std::mem::replace(
                    &mut *t.expr,
                    Expr::Verbatim(TokenStream::new()),
                )],
            )],
        );
        let ret = Expr::Return(syn::ExprReturn {
            attrs: vec![],
            return_token: Token![return](span),
            expr: Some(Box::new(Expr::Verbatim(complete))),
        });
        let arms = vec![
            syntax::arm(
                span,
                syntax::tuple_struct_pat(
                    span,
                    private("ControlFlow", "Continue"),
                    syntax::ident_pat(v.clone()),
                ),
                syntax::ident_expr(&v),
            ),
            syntax::arm(
                span,
                syntax::tuple_struct_pat(
                    span,
                    private("ControlFlow", "Break"),
                    syntax::ident_pat(r),
                ),
                ret,
            ),
        ];
        syntax::match_expr(span, scrutinee, arms)
    }
}

/// Where the tokens the macro wraps around a user's `return` or `?` go: at that token, with
/// the hygiene of the macro's own (`quote!`'s) tokens, as [`respan`] would move them.
fn wrapper_span(user: proc_macro2::Span) -> proc_macro2::Span {
    proc_macro2::Span::call_site().located_at(user)
}

/// `tokens` with every span moved to `span` (keeping each token's hygiene).
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(g) = &tt {
                let mut ng = Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(g.span().located_at(span));
                return TokenTree::Group(ng);
            }
            tt.set_span(tt.span().located_at(span));
            tt
        })
        .collect()
}
