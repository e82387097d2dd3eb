//! Phase 2: reject what the lowering cannot express, and rewrite the three things whose meaning
//! changes once the body runs inside the step closure:
//!
//! - `self` becomes a hidden local (a closure cannot bind `self`; [`self_local`]);
//! - `return e` becomes `return Poll::Ready(e)` (the closure returns `Poll<T>`);
//! - `e?` becomes a `match` on `__private::Branch` that returns `Poll::Ready(residual)`
//!   (these two in [`returns`]).
//!
//! A call of the function inside itself is rejected with the indirection that fixes it
//! ([`recursion`]), and a `break`/`continue` that rustc would reject in an `async fn` with
//! rustc's reason ([`jumps`]: the lowering would otherwise aim it at its own loops). It also rewrites the generators' `yield_!`/`yield_from!`
//! (check/generators.rs), and expands `dbg!` and a message-less `assert!` around an `.await`
//! itself, so the text they print is the user's and not that of the temporary `normalize`
//! hoists the await into (check/printing.rs).
//!
//! Closures, `async` blocks and nested items keep their own `return`, `?` and `self`, so the
//! visitor does not rewrite inside them.

mod generators;
mod jumps;
mod printing;
mod recursion;
mod returns;
mod self_local;

pub(crate) use generators::suspend_markers;
use generators::{find_yield_macro, suspend_macro};
use printing::{is_bare_assert_with_await, is_dbg_with_await, is_debug_assert_with_await};
use self_local::{
    plain_self_field, postfix_base, rename_self_everywhere, rename_self_tokens, self_at,
};

use crate::kind::Kind;
use crate::signature::Parsed;
use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprPath, Item, Macro, Stmt};

pub(crate) fn check(parsed: &Parsed, body: &mut Block) -> syn::Result<()> {
    let mut checker = Checker {
        name: parsed.sig.ident.to_string(),
        boxed: parsed.boxed,
        kind: Kind::of(parsed)?,
        output: parsed.output.clone(),
        output_tokens: None,
        recursion_reported: false,
        suspend_paths: Vec::new(),
        errors: None,
    };
    // The jumps are checked on the body as written, before `yield_from!` becomes a loop.
    if let Some(err) = jumps::check(body) {
        checker.error(err);
    }
    checker.visit_block_mut(body);
    // `yield_!(v)` is rewritten away, so a `use coro_core::yield_;` would look unused: invoke
    // each path once with the marker arm, which expands to nothing.
    for path in checker.suspend_paths.drain(..).rev() {
        body.stmts
            .insert(0, syn::parse_quote!(#path!(@__coro_used);));
    }
    match checker.errors {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

struct Checker {
    name: String,
    boxed: bool,
    kind: Kind,
    /// The declared return type, which `?` converts its residual into.
    output: syn::Type,
    /// `output` as tokens, and whether they name `impl` (see `output_tokens`).
    output_tokens: Option<(TokenStream, bool)>,
    /// One recursion error per function: `f(n - 1).await + f(n - 2).await` is one mistake.
    recursion_reported: bool,
    /// The paths `yield_!`/`yield_from!` were spelled with, one of each spelling.
    suspend_paths: Vec<syn::Path>,
    errors: Option<syn::Error>,
}

impl Checker {
    fn error(&mut self, err: syn::Error) {
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
        }
    }
}

fn mentions_ident(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => mentions_ident(&g.stream(), name),
        _ => false,
    })
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
        let user_self = postfix_base(expr).and_then(|base| match base {
            Expr::Path(p) if p.qself.is_none() && p.path.is_ident("self") => Some(p.path.span()),
            _ => None,
        });
        self.rewrite_expr(expr);
        if let (Some(span), Some(base)) = (user_self, postfix_base(expr)) {
            // Input: `self.1`. Output: `(__self).1`, the parentheses on the user's `self`.
            // The hidden name's hygiene is the macro's, the field's the user's, and rustc
            // cannot join spans of two contexts into one: `__self.1` would be reported as
            // `self` alone (and its suggestions edit `self`, as `self.to_string().1`). The
            // parentheses carry the user's context, so `(__self).1` spans `self.1`.
            let inner = std::mem::replace(base, Expr::Verbatim(TokenStream::new()));
            *base = Expr::Paren(syn::ExprParen {
                attrs: vec![],
                paren_token: syn::token::Paren(span),
                expr: Box::new(inner),
            });
        }
        // The lowering reads a field path rooted at a variable (`self.items.len()`,
        // `self.n + 1`) as a borrow or a copy, not a move, and knows it by that shape only:
        // there the field keeps the plain `__self`.
        match expr {
            Expr::MethodCall(m) => plain_self_field(&mut m.receiver),
            Expr::Binary(b) if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                plain_self_field(&mut b.left);
                plain_self_field(&mut b.right);
            }
            Expr::Unary(u) if !matches!(u.op, syn::UnOp::Deref(_)) => plain_self_field(&mut u.expr),
            Expr::Cast(c) => plain_self_field(&mut c.expr),
            _ => {}
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        // The arguments of `vec!` and the formatting family are ordinary expressions, which
        // `normalize` may cut apart at an `.await`: their `return`, `?` and `self` are the
        // coroutine's and get the same rewrites. Other macros only get `self` renamed.
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        if name.as_deref() == Some("vec") {
            if let Ok((mut elem, mut count)) = mac.parse_body_with(crate::normalize::vec_repeat) {
                self.visit_expr_mut(&mut elem);
                self.visit_expr_mut(&mut count);
                mac.tokens = quote!(#elem; #count);
                return;
            }
        }
        if name.is_some_and(|n| crate::normalize::EXPRESSION_MACROS.contains(&n.as_str())) {
            if let Ok(mut args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
            ) {
                for arg in &mut args {
                    self.visit_expr_mut(arg);
                }
                mac.tokens = quote!(#args);
                return;
            }
        }
        mac.tokens = rename_self_tokens(std::mem::take(&mut mac.tokens));
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt {
            if suspend_macro(&m.mac).is_some()
                || is_dbg_with_await(&m.mac)
                || is_bare_assert_with_await(&m.mac)
                || is_debug_assert_with_await(&m.mac).is_some()
            {
                // `yield_!(v);` as a statement: the same as the expression statement.
                let mut expr = Expr::Macro(syn::ExprMacro {
                    attrs: m.attrs.clone(),
                    mac: m.mac.clone(),
                });
                self.visit_expr_mut(&mut expr);
                *stmt = Stmt::Expr(expr, Some(m.semi_token.unwrap_or_default()));
                return;
            }
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }
}

impl Checker {
    fn rewrite_expr(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Async(a) => {
                let block = Expr::Block(syn::ExprBlock {
                    attrs: vec![],
                    label: None,
                    block: a.block.clone(),
                });
                if let Some(span) = find_yield_macro(&block) {
                    self.error(syn::Error::new(
                        span,
                        "`yield_!` inside an `async` block: the block is a separate future, not \
                         part of the generator. Move the `yield_!` out of it",
                    ));
                }
                // The block keeps its own `return`, `?` and `.await`; its `self` is ours.
                rename_self_everywhere(expr);
            }
            Expr::Macro(m) if is_dbg_with_await(&m.mac) => {
                // Unparsable arguments stay as they are: `normalize` reports them.
                if let Some(new) = self.dbg(&m.mac) {
                    *expr = new;
                }
            }
            Expr::Macro(m) if is_bare_assert_with_await(&m.mac) => {
                if let Some(new) = self.bare_assert(&m.mac) {
                    *expr = new;
                }
            }
            Expr::Macro(m) if is_debug_assert_with_await(&m.mac).is_some() => {
                if let Some(new) = self.debug_assert(&m.mac) {
                    *expr = new;
                }
            }
            Expr::Macro(m) if suspend_macro(&m.mac).is_some() => match self.suspend(&m.mac) {
                Ok(mut new) => {
                    self.visit_expr_mut(&mut new);
                    *expr = new;
                }
                Err(err) => self.error(err),
            },
            Expr::Closure(c) => {
                if let Some(span) = find_yield_macro(&c.body) {
                    self.error(syn::Error::new(
                        span,
                        "`yield_!` inside a closure: the closure is not part of the generator's \
                         state machine. Move the `yield_!` out of the closure",
                    ));
                }
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
                    path: self_at(p.path.span()).into(),
                });
            }
            Expr::Return(r) => *expr = self.rewrite_return(r),
            Expr::Try(t) => *expr = self.rewrite_try(t),
            Expr::Yield(y) => self.error(syn::Error::new(
                y.yield_token.span,
                "`yield` cannot be used in a `#[coroutine]` fn (rustc rejects it before the \
                 attribute runs): write `coro_core::yield_!(value)` in a \
                 `#[coro_core::coroutine(yield = Type)]` fn",
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
            Expr::Cast(c) if self.is_erased_self_call(c) => {
                // `Box::pin(f(..)) as Pin<Box<dyn ..>>`: the object stores a trait object, not
                // its own type, so the recursion has an indirection of known size. Only the
                // call's arguments are checked; rustc still rejects a cast that does not erase.
                if let Expr::Call(boxing) = &mut *c.expr {
                    match boxing.args.first_mut() {
                        Some(Expr::Call(inner)) => {
                            for arg in &mut inner.args {
                                self.visit_expr_mut(arg);
                            }
                        }
                        Some(Expr::MethodCall(inner)) => {
                            self.visit_expr_mut(&mut inner.receiver);
                            for arg in &mut inner.args {
                                self.visit_expr_mut(arg);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Expr::Call(c) if !self.boxed && self.is_self_call(&c.func) => {
                visit_mut::visit_expr_call_mut(self, c);
                if std::mem::replace(&mut self.recursion_reported, true) {
                    return;
                }
                let err = self.recursion_error(c.func.span());
                self.error(err);
            }
            Expr::MethodCall(m)
                if !self.boxed
                    && m.method == self.name
                    && matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) =>
            {
                if std::mem::replace(&mut self.recursion_reported, true) {
                    visit_mut::visit_expr_mut(self, expr);
                    return;
                }
                let err = self.recursion_error(m.method.span());
                self.error(err);
                visit_mut::visit_expr_mut(self, expr);
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }
}
