//! Phase 2: reject what the lowering cannot express, and rewrite the three things whose meaning
//! changes once the body runs inside the step closure:
//!
//! - `self` becomes a hidden local (a closure cannot bind `self`);
//! - `return e` becomes `return Poll::Ready(e)` (the closure returns `Poll<T>`);
//! - `e?` becomes a `match` on `__private::Branch` that returns `Poll::Ready(residual)`.
//!
//! Closures, `async` blocks and nested items keep their own `return`, `?` and `self`, so the
//! visitor does not rewrite inside them.

use crate::names;
use crate::signature::Parsed;
use proc_macro2::{Group, TokenStream, TokenTree};
use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprPath, Item, Macro};

pub(crate) fn check(parsed: &Parsed, body: &mut Block) -> syn::Result<()> {
    let mut checker = Checker {
        name: parsed.sig.ident.to_string(),
        boxed: parsed.boxed,
        errors: None,
    };
    checker.visit_block_mut(body);
    match checker.errors {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

struct Checker {
    name: String,
    boxed: bool,
    errors: Option<syn::Error>,
}

impl Checker {
    fn error(&mut self, err: syn::Error) {
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
        }
    }

    fn is_self_call(&self, func: &Expr) -> bool {
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
}

/// Does `.await` appear in `expr` outside closures and `async` blocks?
pub(crate) fn has_await_in_closure(expr: &Expr) -> Option<proc_macro2::Span> {
    struct Find(Option<proc_macro2::Span>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_await(&mut self, e: &syn::ExprAwait) {
            self.0.get_or_insert(e.await_token.span);
        }
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
        fn visit_item(&mut self, _: &Item) {}
    }
    let mut f = Find(None);
    syn::visit::visit_expr(&mut f, expr);
    f.0
}

impl VisitMut for Checker {
    fn visit_item_mut(&mut self, _: &mut Item) {}

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Async(_) => {}
            Expr::Closure(c) => {
                if c.asyncness.is_none() {
                    if let Some(span) = has_await_in_closure(&c.body) {
                        self.error(syn::Error::new(
                            span,
                            "`.await` inside a closure: the closure is not part of the \
                             coroutine's state machine. Use an `async` block or closure, or \
                             move the `.await` out of the closure",
                        ));
                    }
                }
                // Only `self` is renamed inside closures: `return` and `?` belong to them.
                rename_self_everywhere(&mut c.body);
            }
            Expr::Path(p) if p.qself.is_none() && p.path.is_ident("self") => {
                *expr = Expr::Path(ExprPath {
                    attrs: p.attrs.clone(),
                    qself: None,
                    path: names::self_var().into(),
                });
            }
            Expr::Return(r) => {
                visit_mut::visit_expr_return_mut(self, r);
                let span = r.return_token.span;
                let value = r.expr.take().map_or_else(|| quote!(()), |e| quote!(#e));
                *expr = syn::parse_quote_spanned! {span=>
                    return ::coro_core::__private::Poll::Ready(#value)
                };
            }
            Expr::Try(t) => {
                visit_mut::visit_expr_try_mut(self, t);
                let span = t.question_token.span;
                let inner = &t.expr;
                let (v, r) = (names::hidden("__ok"), names::hidden("__residual"));
                *expr = syn::parse_quote_spanned! {span=>
                    match ::coro_core::__private::Branch::branch(#inner) {
                        ::coro_core::__private::ControlFlow::Continue(#v) => #v,
                        ::coro_core::__private::ControlFlow::Break(#r) => {
                            return ::coro_core::__private::Poll::Ready(
                                ::coro_core::__private::FromResidual::from_residual(#r),
                            )
                        }
                    }
                };
            }
            Expr::Yield(y) => self.error(syn::Error::new(
                y.yield_token.span,
                "`yield` is not supported in a `#[coroutine]` fn",
            )),
            Expr::Unsafe(u)
                if has_await_in_closure(&Expr::Block(syn::ExprBlock {
                    attrs: vec![],
                    label: None,
                    block: u.block.clone(),
                }))
                .is_some() =>
            {
                self.error(syn::Error::new(
                    u.unsafe_token.span,
                    "`.await` inside an `unsafe` block is not supported: keep the `unsafe` \
                     block to the operation that needs it and `.await` outside it",
                ));
            }
            Expr::Call(c) if !self.boxed && self.is_self_call(&c.func) => {
                let name = &self.name;
                self.error(syn::Error::new(
                    c.func.span(),
                    format!(
                        "recursive coroutine: `{name}` would contain itself. Use \
                         `#[coro_core::coroutine(boxed)]`, which returns a boxed coroutine \
                         so recursion has an indirection"
                    ),
                ));
            }
            Expr::MethodCall(m)
                if !self.boxed
                    && m.method == self.name
                    && matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) =>
            {
                let name = &self.name;
                self.error(syn::Error::new(
                    m.method.span(),
                    format!(
                        "recursive coroutine: `{name}` would contain itself. Use \
                         `#[coro_core::coroutine(boxed)]`, which returns a boxed coroutine \
                         so recursion has an indirection"
                    ),
                ));
                visit_mut::visit_expr_mut(self, expr);
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        mac.tokens = rename_self_tokens(std::mem::take(&mut mac.tokens));
    }
}

/// Renames `self` inside a closure body (which keeps its own `return` and `?`).
fn rename_self_everywhere(expr: &mut Expr) {
    struct Rename;
    impl VisitMut for Rename {
        fn visit_item_mut(&mut self, _: &mut Item) {}
        fn visit_expr_path_mut(&mut self, p: &mut ExprPath) {
            if p.qself.is_none() && p.path.is_ident("self") {
                p.path = names::self_var().into();
            }
        }
        fn visit_macro_mut(&mut self, mac: &mut Macro) {
            mac.tokens = rename_self_tokens(std::mem::take(&mut mac.tokens));
        }
    }
    Rename.visit_expr_mut(expr);
}

/// Renames `self` tokens inside a macro's input, except `self::path` and `self` after `::`.
fn rename_self_tokens(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    for (i, tt) in trees.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "self" => {
                let path_next =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                let path_prev =
                    i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':');
                if path_next || path_prev {
                    out.push(tt.clone());
                } else {
                    let mut id = names::self_var();
                    id.set_span(id.span().located_at(tt.span()));
                    out.push(TokenTree::Ident(id));
                }
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), rename_self_tokens(g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            other => out.push(other.clone()),
        }
    }
    out.into_iter().collect()
}
