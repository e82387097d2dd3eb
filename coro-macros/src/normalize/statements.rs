//! Statements of phase 3: a block is normalized one statement at a time. A statement that
//! awaits is preceded by its hoisted operands and awaits, scoped as rustc scopes its
//! temporaries (an expression statement's end with it, a block tail's with the block), and a
//! `let` hands its pattern the awaited value so that what the pattern leaves unbound still
//! drops at the end of the statement.

use super::Normalizer;
use super::compound;
use super::scan::{is_compound, leaves_part_unbound, single_await, stmt_has_await};
use super::temporaries::{drop_temporaries, single_await_past_temporaries};
use crate::syntax::{block_expr, ident_expr, ident_pat, let_ident, paren, preceded, tail_block};
use proc_macro2::{Span, TokenStream};
use syn::{Block, Expr, Local, LocalInit, Stmt};

impl Normalizer {
    pub(super) fn block(&mut self, block: Block) -> syn::Result<Block> {
        let mut stmts = Vec::with_capacity(block.stmts.len());
        for stmt in block.stmts {
            self.stmt(stmt, &mut stmts)?;
        }
        Ok(Block {
            brace_token: block.brace_token,
            stmts,
        })
    }

    fn stmt(&mut self, stmt: Stmt, out: &mut Vec<Stmt>) -> syn::Result<()> {
        // `compound` hands a construct that does not await back as it is: asked here too, the
        // question would walk the whole construct twice.
        let asks_itself = matches!(&stmt, Stmt::Expr(e, _) if is_compound(e));
        if !asks_itself && !stmt_has_await(&stmt) {
            out.push(stmt);
            return Ok(());
        }
        match stmt {
            Stmt::Local(local) => self.local(local, out),
            Stmt::Expr(expr, semi) if is_compound(&expr) => {
                out.push(Stmt::Expr(self.compound(expr)?, semi));
                Ok(())
            }
            Stmt::Expr(expr, None) => {
                // A block tail: its temporaries may live to the end of the block, as rustc's do.
                let spans = await_spans(&expr);
                let tail = self.expr(expr, out)?;
                out.push(Stmt::Expr(on_user_spans(tail, spans), None));
                Ok(())
            }
            Stmt::Expr(expr, Some(semi)) => {
                let mut pre = Vec::new();
                let value = self.expr(expr, &mut pre)?;
                if let Some(aw) = single_await(&pre, &value) {
                    // `f().await;`: drop the output right away, as the statement would.
                    out.extend(pre);
                    out.push(syn::parse_quote!(::core::mem::drop(#aw);));
                } else {
                    // Scope the temporaries to the statement, as rustc does. The value stays a
                    // statement (not the block's tail), so `x = aw;` is still seen as an
                    // assignment that initialises `x`.
                    pre.push(Stmt::Expr(value, Some(semi)));
                    let block = Block {
                        brace_token: syn::token::Brace::default(),
                        stmts: pre,
                    };
                    out.push(Stmt::Expr(
                        Expr::Block(syn::ExprBlock {
                            attrs: vec![],
                            label: None,
                            block,
                        }),
                        Some(semi),
                    ));
                }
                Ok(())
            }
            Stmt::Macro(m) => {
                let expr = Expr::Macro(syn::ExprMacro {
                    attrs: m.attrs,
                    mac: m.mac,
                });
                self.stmt(
                    Stmt::Expr(expr, Some(m.semi_token.unwrap_or_default())),
                    out,
                )
            }
            Stmt::Item(_) => unreachable!("items never contain the body's awaits"),
        }
    }

    fn local(&mut self, mut local: Local, out: &mut Vec<Stmt>) -> syn::Result<()> {
        let Some(init) = local.init.take() else {
            unreachable!("checked by stmt_has_await")
        };
        let LocalInit {
            eq_token,
            expr,
            diverge,
        } = init;
        let mut diverge = match diverge {
            Some((else_token, els)) => Some((else_token, Box::new(self.compound(*els)?))),
            None => None,
        };
        // `let _ = f.await;`, `let (_, k) = ..`: rustc drops what the pattern leaves unbound at
        // the end of the statement. Bound from a hidden local (`let _ = __aw1;`) it would stay
        // there until the local drops, so the pattern takes the value through a block, whose
        // value is a temporary of the statement (`let _ = { __aw1 };`).
        let unbound = leaves_part_unbound(&local.pat);
        // The temporaries a hoisted `let` borrows, ended right after it (see below).
        let mut ends = Vec::new();
        let expr = if let Some((_, els)) = &mut diverge {
            // `let P = e else { .. }` binds into the enclosing scope, so its hoisted statements
            // go there too, and the temporaries they borrow are dropped explicitly where rustc
            // drops them: at the end of the statement, and before the `else` block runs.
            let mut pre = Vec::new();
            let value = self.expr(*expr, &mut pre)?;
            let single = single_await_past_temporaries(&pre, &value).is_some();
            ends = drop_temporaries(&pre);
            if !ends.is_empty() {
                let user = std::mem::replace(&mut **els, Expr::Verbatim(TokenStream::new()));
                **els = preceded(ends.clone(), user);
            }
            out.extend(pre);
            if unbound && single {
                // A block right before `else` is not allowed: `let P = ({ __aw1 }) else { .. }`.
                paren(block_expr(tail_block(value)))
            } else {
                value
            }
        } else {
            let (value, hidden) = if is_compound(&expr) {
                (self.compound(*expr)?, false)
            } else {
                let mut pre = Vec::new();
                let spans = await_spans(&expr);
                let value = self.expr(*expr, &mut pre)?;
                if single_await_past_temporaries(&pre, &value).is_some() {
                    // `let r = f(&D::new()).await;`: the temporary the future borrows lasts
                    // to the end of the statement, after what the pattern leaves unbound.
                    ends = drop_temporaries(&pre);
                    out.extend(pre);
                    let mut value = on_user_spans(value, spans);
                    if compound::binds_by_mut_ref(&local.pat) {
                        // `let (ref mut a, _) = f.await;` borrows the value mutably in place.
                        self.mutable_place(&mut value, out);
                    }
                    (value, true)
                } else {
                    pre.push(Stmt::Expr(value, None));
                    let block = Block {
                        brace_token: syn::token::Brace::default(),
                        stmts: pre,
                    };
                    let block = Expr::Block(syn::ExprBlock {
                        attrs: vec![],
                        label: None,
                        block,
                    });
                    (block, false)
                }
            };
            if !unbound {
                value
            } else if hidden {
                block_expr(tail_block(value))
            } else {
                // An awaiting construct hands its value over through a hidden local too: bind
                // it to a temporary of ours first, with the user's type if there is one (it
                // may be what the construct's branches coerce to).
                // Input: `let (_, k): T = if c { (f.await, 1) } else { g() };`.
                // Output: `let __t1: T = if c { .. } else { .. }; let (_, k) = { __t1 };`.
                let t = self.fresh("t");
                let mut temp = let_ident(false, &t, value);
                let pat = std::mem::replace(&mut local.pat, syn::Pat::Verbatim(TokenStream::new()));
                local.pat = match pat {
                    syn::Pat::Type(mut typed) => {
                        let user = std::mem::replace(&mut *typed.pat, ident_pat(t.clone()));
                        if let Stmt::Local(l) = &mut temp {
                            l.pat = syn::Pat::Type(typed);
                        }
                        user
                    }
                    pat => pat,
                };
                out.push(temp);
                block_expr(tail_block(ident_expr(&t)))
            }
        };
        local.init = Some(LocalInit {
            eq_token,
            expr: Box::new(expr),
            diverge,
        });
        out.push(Stmt::Local(local));
        out.extend(ends);
        Ok(())
    }
}

/// For `FUT.await`, the span of `await`: the hidden result (`__aw1`) located there makes rustc
/// report a type error in using it on the user's `.await`, not on the attribute.
fn await_spans(e: &Expr) -> Option<Span> {
    let Expr::Await(a) = e else { return None };
    Some(a.await_token.span)
}

/// `value`, a hidden result, located at `span` (see [`await_spans`]); it still resolves as
/// the macro's name.
fn on_user_spans(mut value: Expr, span: Option<Span>) -> Expr {
    if let (Some(span), Expr::Path(p)) = (span, &mut value) {
        if let Some(segment) = p.path.segments.first_mut() {
            let ident = &mut segment.ident;
            ident.set_span(span.resolved_at(ident.span()));
        }
    }
    value
}
