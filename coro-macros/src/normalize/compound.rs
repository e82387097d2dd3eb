//! The control-flow constructs of phase 3: an `if`, `match`, `loop` or block that awaits
//! keeps its shape with its parts normalized, and `while`, `while let` and `for` that await are
//! desugared to `loop` + `match` the way rustc desugars them.

use super::Normalizer;
use super::scan::{borrowed_variable, has_await, is_compound, surely_runtime_temporary};
use crate::syntax::{self, block_expr, ident_expr, let_ident, paren, preceded, tail_block};
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Block, Expr, Pat, Stmt, Token};

/// The one statement of a desugaring's `loop` body: parsed from a small template with an
/// empty block where the user's loop body goes (printing the body and parsing it again would
/// cost more than the rest of the phase), which the caller then puts in place.
fn loop_statement(desugared: &mut Expr) -> &mut Expr {
    let Expr::Loop(l) = desugared else {
        unreachable!("the template is a `loop`")
    };
    let Some(Stmt::Expr(inner, None)) = l.body.stmts.first_mut() else {
        unreachable!("the template's loop holds one expression")
    };
    inner
}

/// Does `pat` bind something by `ref mut` (which needs its scrutinee to be a mutable place)?
pub(super) fn binds_by_mut_ref(pat: &Pat) -> bool {
    struct Find(bool);
    impl syn::visit::Visit<'_> for Find {
        fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
            self.0 |= p.by_ref.is_some() && p.mutability.is_some();
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &Expr) {}
    }
    let mut f = Find(false);
    syn::visit::visit_pat(&mut f, pat);
    f.0
}

/// Is the first suspension in `expr` a `yield_!` (which `check` wrote as
/// `__coro_yield(v).await`) rather than an `.await`?
fn yields_first(expr: &Expr) -> bool {
    struct Find(Option<bool>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_await(&mut self, e: &syn::ExprAwait) {
            syn::visit::visit_expr(self, &e.base);
            let yields =
                matches!(&*e.base, Expr::Call(c) if crate::names::is_yield_marker(&c.func));
            self.0.get_or_insert(yields);
        }
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
        fn visit_expr_closure(&mut self, _: &syn::ExprClosure) {}
        fn visit_item(&mut self, _: &syn::Item) {}
    }
    let mut f = Find(None);
    syn::visit::visit_expr(&mut f, expr);
    f.0.unwrap_or(false)
}

impl Normalizer {
    /// Normalizes inside a control-flow construct, keeping the construct.
    pub(super) fn compound(&mut self, expr: Expr) -> syn::Result<Expr> {
        if !has_await(&expr) {
            return Ok(expr);
        }
        Ok(match expr {
            Expr::Block(mut b) => {
                b.block = self.block(b.block)?;
                Expr::Block(b)
            }
            Expr::If(mut i) => {
                let mut pre = Vec::new();
                if let Expr::Let(l) = &mut *i.cond {
                    let scrutinee =
                        std::mem::replace(&mut *l.expr, Expr::Verbatim(TokenStream::new()));
                    *l.expr = self.expr(scrutinee, &mut pre)?;
                    if binds_by_mut_ref(&l.pat) {
                        self.mutable_place(&mut l.expr, &mut pre);
                    }
                } else if has_await(&i.cond) {
                    // rustc drops the condition's temporaries before the branch runs (each
                    // time round, for a `while`), so the awaited values live in a block of
                    // their own that ends with the condition.
                    // Input: `if f().await.ok() { .. }`.
                    // Output: `{ let __t2 = { let __aw1 = f().await; __aw1.ok() }; if __t2 { .. } }`.
                    let cond = std::mem::replace(&mut *i.cond, Expr::Verbatim(TokenStream::new()));
                    let mut scoped = Vec::new();
                    let value = self.expr(cond, &mut scoped)?;
                    let t = self.fresh("t");
                    pre.push(let_ident(false, &t, preceded(scoped, value)));
                    *i.cond = ident_expr(&t);
                }
                i.then_branch = self.block(i.then_branch)?;
                if let Some((else_token, els)) = i.else_branch.take() {
                    i.else_branch = Some((else_token, Box::new(self.compound(*els)?)));
                }
                preceded(pre, Expr::If(i))
            }
            Expr::Match(mut m) => {
                let mut pre = Vec::new();
                let scrutinee = std::mem::replace(&mut *m.expr, Expr::Verbatim(TokenStream::new()));
                *m.expr = self.expr(scrutinee, &mut pre)?;
                if m.arms.iter().any(|arm| binds_by_mut_ref(&arm.pat)) {
                    self.mutable_place(&mut m.expr, &mut pre);
                }
                // The scrutinee's temporaries last until the `match` ends: one it borrows
                // (`f(&D::new())`) becomes a local of the block around the `match`.
                self.hoist_borrowed(&mut m.expr, &mut pre, surely_runtime_temporary, false);
                for arm in &mut m.arms {
                    if let Some((_, guard)) = &arm.guard {
                        if has_await(guard) {
                            let span = crate::check::has_await_in_closure(guard)
                                .unwrap_or_else(|| guard.span());
                            let message = if yields_first(guard) {
                                "`yield_!` in a match guard is not supported: yield before the \
                                 `match` and bind the value sent in"
                            } else {
                                "`.await` in a match guard is not supported: await before the \
                                 `match` and bind the result"
                            };
                            return Err(syn::Error::new(span, message));
                        }
                    }
                    let body =
                        std::mem::replace(&mut *arm.body, Expr::Verbatim(TokenStream::new()));
                    *arm.body = self.arm_body(body)?;
                }
                preceded(pre, Expr::Match(m))
            }
            Expr::Loop(mut l) => {
                l.body = self.block(l.body)?;
                Expr::Loop(l)
            }
            Expr::While(w) => {
                let syn::ExprWhile {
                    label, cond, body, ..
                } = w;
                // Input: `'a: while c { body }` / `'a: while let p = e { body }`.
                // Output: `'a: loop { if c { body } else { break } }` /
                // `'a: loop { match e { p => { body }, _ => break } }`.
                let desugared: Expr = match *cond {
                    Expr::Let(l) => {
                        let mut desugared: Expr =
                            syn::parse_quote! { #label loop { match () { _ => {}, _ => break } } };
                        let Expr::Match(m) = loop_statement(&mut desugared) else {
                            unreachable!("the template's loop holds a `match`")
                        };
                        m.expr = l.expr;
                        m.arms[0].pat = *l.pat;
                        *m.arms[0].body = block_expr(body);
                        desugared
                    }
                    cond => {
                        let mut desugared: Expr =
                            syn::parse_quote! { #label loop { if () {} else { break } } };
                        let Expr::If(i) = loop_statement(&mut desugared) else {
                            unreachable!("the template's loop holds an `if`")
                        };
                        *i.cond = cond;
                        i.then_branch = body;
                        desugared
                    }
                };
                self.compound(desugared)?
            }
            Expr::ForLoop(f) => {
                if let Some(var) = borrowed_variable(&f.expr) {
                    let Expr::Reference(r) = &*f.expr else {
                        unreachable!("borrowed_variable matched a reference")
                    };
                    return Err(syn::Error::new(
                        r.expr.span(),
                        format!(
                            "this loop borrows `{var}` while its body suspends at an `.await`: \
                             a coroutine's locals move into its state when it suspends, so \
                             they cannot stay borrowed. Iterate over indices (`for i in \
                             0..{var}.len()`), over an owned copy (`{var}.clone()`), or move \
                             `{var}` into the loop (`for x in {var}`)"
                        ),
                    ));
                }
                let iter = self.fresh("iter");
                // Input: `'a: for pat in iterable { body }`.
                // Output: `{ let mut __iterN = IntoIterator::into_iter(iterable);
                // 'a: loop { match Iterator::next(&mut __iterN) { Some(pat) => { body },
                // None => break, } } }`, built as a tree (see `syntax`). rustc's `for` is a
                // `match` on the iterator, so the iterable's temporaries last until the loop
                // ends: its awaits and a temporary it borrows (`f(&D::new())`, hoisted to a
                // `let __tmpM`) become locals of the block before the iterator, which lives
                // as long and drops before them.
                let at = Span::call_site();
                let syn::ExprForLoop {
                    label,
                    pat,
                    expr: iterable,
                    body,
                    ..
                } = f;
                let mut pre = Vec::new();
                let mut iterable = self.expr(*iterable, &mut pre)?;
                self.hoist_borrowed(&mut iterable, &mut pre, surely_runtime_temporary, false);
                let into_iter = syntax::call(
                    at,
                    syntax::path(at, &["core", "iter", "IntoIterator", "into_iter"]),
                    vec![iterable],
                );
                let next = syntax::call(
                    at,
                    syntax::path(at, &["core", "iter", "Iterator", "next"]),
                    vec![Expr::Reference(syn::ExprReference {
                        attrs: vec![],
                        and_token: Token![&](at),
                        mutability: Some(Token![mut](at)),
                        expr: Box::new(ident_expr(&iter)),
                    })],
                );
                let option =
                    |variant: &str| syntax::path(at, &["core", "option", "Option", variant]);
                let arms = vec![
                    syntax::arm(
                        at,
                        syntax::tuple_struct_pat(at, option("Some"), *pat),
                        block_expr(body),
                    ),
                    syntax::arm(
                        at,
                        Pat::Path(syn::ExprPath {
                            attrs: vec![],
                            qself: None,
                            path: option("None"),
                        }),
                        Expr::Break(syn::ExprBreak {
                            attrs: vec![],
                            break_token: Token![break](at),
                            label: None,
                            expr: None,
                        }),
                    ),
                ];
                let looped = Expr::Loop(syn::ExprLoop {
                    attrs: vec![],
                    label,
                    loop_token: Token![loop](at),
                    body: tail_block(syntax::match_expr(at, next, arms)),
                });
                pre.push(let_ident(true, &iter, into_iter));
                pre.push(Stmt::Expr(self.compound(looped)?, None));
                block_expr(Block {
                    brace_token: syn::token::Brace::default(),
                    stmts: pre,
                })
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "unsupported construct around `.await`",
                ));
            }
        })
    }

    pub(super) fn arm_body(&mut self, body: Expr) -> syn::Result<Expr> {
        if !has_await(&body) || is_compound(&body) {
            return self.compound(body);
        }
        // Parenthesised: printed bare, a body like `{ a } - b` would re-parse as a block
        // statement followed by a stray `- b`.
        let block = tail_block(paren(body));
        Ok(block_expr(self.block(block)?))
    }
}
