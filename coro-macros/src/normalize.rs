//! Phase 3: move every `.await` into statement position without changing evaluation order.
//!
//! After this pass an await appears only as `let __awN = FUTURE.await;` where `FUTURE` contains
//! no await, and every construct whose *control flow* contains an await (`if`, `match`, `loop`,
//! blocks) sits in statement position: as a statement, as a `let` initialiser or as a block tail.
//! `while`, `while let` and `for` loops that contain an await are desugared to `loop` + `match`
//! here, the way rustc desugars them, so later phases know only one loop form.
//!
//! Evaluation order: operands are evaluated left to right, so an operand to the left of an
//! awaiting operand is hoisted into a temporary (`let __tN = operand;`) before the await. A
//! plain place (`v`, `v.field`, `&v`, `&mut v`, a literal or a path) is left in place instead:
//! reading it after the await is indistinguishable, and it keeps a method receiver like the
//! `v` of `v.push(x.await)` from being borrowed across the suspension. So is a field read by
//! arithmetic (`self.n + x.await`): hoisted into a `let`, it would count as a move of `self`.
//!
//! ```text
//! let n = f(a(), b().await) + 1;
//! // becomes
//! let n = { let __t0 = a(); let __aw1 = b().await; f(__t0, __aw1) + 1 };
//! ```
//!
//! This file rewrites an expression and its operands. Statements, and where their temporaries
//! live, are in [`statements`]; control-flow constructs that await (kept, or desugared for the
//! loops) in [`compound`]; assignments in [`assign`]; macro calls in [`macro_args`]; the locals
//! that keep an awaited value a mutable place and a borrowed temporary alive in
//! [`temporaries`]; the questions the rewrite asks about expressions (does it await, may it be
//! read later, what are its operands) in [`scan`]; the trees it builds around the user's code
//! in [`crate::syntax`].

mod assign;
mod compound;
mod macro_args;
mod scan;
mod statements;
mod temporaries;

pub(crate) use macro_args::vec_repeat;
pub(crate) use scan::{
    EXPRESSION_MACROS, borrowed_variable, has_await, stmt_has_await, tokens_have_await,
};

use crate::names;
use crate::syntax::{block_expr, ident_expr, is_compound_assign, let_ident, paren, tail_block};
use proc_macro2::{Span, TokenStream};
use scan::{
    binds_tighter_than_postfix, is_compound, is_constant_path, is_deferrable, let_in_chain,
    mentioned_in, operands, operands_by_ref,
};
use syn::spanned::Spanned;
use syn::{Block, Expr, Stmt, Token};

/// `mut_ref_params`: the `&mut` parameters nothing in the body rebinds
/// (`signature::mut_ref_params`).
pub(crate) fn normalize(body: Block, mut_ref_params: Vec<String>) -> syn::Result<Block> {
    Normalizer {
        next: 0,
        mut_ref_params,
    }
    .block(body)
}

struct Normalizer {
    next: usize,
    /// `&mut` parameters whose name nothing in the body rebinds. Passed by value to a
    /// function (`push(v, x.await)`), such a parameter is reborrowed, not moved, and has no
    /// drop glue; so it is left in place instead of moved into a temporary before the await,
    /// which would end `v` there (and a reborrow stored beside `v` would not compile).
    mut_ref_params: Vec<String>,
}

impl Normalizer {
    fn fresh(&mut self, prefix: &str) -> proc_macro2::Ident {
        self.next += 1;
        names::temp(prefix, self.next)
    }

    /// Returns the value of `expr` after pushing, onto `pre`, the statements that must run
    /// before it (hoisted operands and awaits), in evaluation order.
    fn expr(&mut self, expr: Expr, pre: &mut Vec<Stmt>) -> syn::Result<Expr> {
        if !has_await(&expr) {
            return Ok(expr);
        }
        match expr {
            Expr::Await(a) => {
                let mut future = self.expr(*a.base, pre)?;
                self.hoist_future_temporaries(&mut future, pre);
                let aw = self.fresh("aw");
                let dot = a.dot_token;
                let await_token = a.await_token;
                // A receiver of lower precedence than `.await` (`a + b`) keeps its parens.
                let future = if binds_tighter_than_postfix(&future) {
                    future
                } else {
                    Expr::Paren(syn::ExprParen {
                        attrs: vec![],
                        paren_token: syn::token::Paren::default(),
                        expr: Box::new(future),
                    })
                };
                let awaited = Expr::Await(syn::ExprAwait {
                    attrs: vec![],
                    base: Box::new(future),
                    dot_token: dot,
                    await_token,
                });
                pre.push(let_ident(false, &aw, awaited));
                Ok(ident_expr(&aw))
            }
            Expr::Binary(b)
                if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_))
                    && has_await(&b.right) =>
            {
                if let Some(span) = let_in_chain(&b) {
                    return Err(syn::Error::new(
                        span,
                        "`.await` in a let-chain is not supported: await before the `if` and \
                         bind the result to a local, or nest the `if let`s",
                    ));
                }
                // Input: `l && r.await`. Output: `if (l) { (r.await) } else { false }`. The parens
                // keep each operand one expression when the tokens are parsed again.
                let and = matches!(b.op, syn::BinOp::And(_));
                let (l, r) = (paren(*b.left), tail_block(paren(*b.right)));
                let constant = tail_block(Expr::Lit(syn::ExprLit {
                    attrs: vec![],
                    lit: syn::Lit::Bool(syn::LitBool::new(!and, Span::call_site())),
                }));
                let (then_branch, els) = if and { (r, constant) } else { (constant, r) };
                let as_if = Expr::If(syn::ExprIf {
                    attrs: vec![],
                    if_token: Token![if](Span::call_site()),
                    cond: Box::new(l),
                    then_branch,
                    else_branch: Some((Token![else](Span::call_site()), Box::new(block_expr(els)))),
                });
                self.expr(as_if, pre)
            }
            e if is_compound(&e) => {
                let compound = self.compound(e)?;
                let t = self.fresh("t");
                pre.push(let_ident(false, &t, compound));
                Ok(ident_expr(&t))
            }
            Expr::Macro(mut m) => {
                m.mac = self.macro_args(m.mac, pre)?;
                Ok(Expr::Macro(m))
            }
            Expr::Closure(_) | Expr::Async(_) => Ok(expr),
            Expr::Assign(a) => self.assign(a, pre),
            Expr::Repeat(r) if has_await(&r.len) => Err(compile_time_await(
                &r.len,
                "the length of `[x; N]` is a constant, evaluated at compile time, where nothing \
                 can be awaited. For a length known only at run time, build a `Vec` with \
                 `vec![x; n]`",
            )),
            Expr::Const(c) => Err(compile_time_await(
                &Expr::Const(c),
                "a `const { .. }` block is evaluated at compile time, where nothing can be \
                 awaited. Await outside the block",
            )),
            Expr::Binary(mut b) if is_compound_assign(&b.op) => {
                self.assignment(&mut b.left, &mut b.right, true, pre)?;
                Ok(Expr::Binary(b))
            }
            mut e => {
                let by_ref = operands_by_ref(&e);
                {
                    let mut ops = operands(&mut e);
                    if ops.is_empty() {
                        return Err(syn::Error::new(
                            e.span(),
                            "`.await` in this position is not supported: bind the awaited \
                             value to a local first",
                        ));
                    }
                    self.operands(&mut ops, &by_ref, pre)?;
                }
                if let Expr::Struct(s) = &mut e {
                    spell_out_shorthands(s);
                }
                // An awaited value used in place (`m.lock().await.push(1)`, `&mut f.await`) is
                // a temporary to rustc, and temporaries are mutable places.
                let place = match &mut e {
                    Expr::MethodCall(m) => Some(&mut *m.receiver),
                    Expr::Reference(r) if r.mutability.is_some() => Some(&mut *r.expr),
                    Expr::Field(f) => Some(&mut *f.base),
                    Expr::Index(i) => Some(&mut *i.expr),
                    _ => None,
                };
                if let Some(place) = place {
                    self.mutable_place(place, pre);
                }
                Ok(e)
            }
        }
    }

    /// Left-to-right evaluation of `ops` where some operand awaits.
    fn operands(
        &mut self,
        ops: &mut [&mut Expr],
        by_ref: &[bool],
        pre: &mut Vec<Stmt>,
    ) -> syn::Result<()> {
        let Some(last) = ops.iter().rposition(|e| has_await(e)) else {
            return Ok(());
        };
        for i in 0..=last {
            let (head, later) = ops.split_at_mut(i + 1);
            let op = &mut *head[i];
            let value = self.expr(
                std::mem::replace(op, Expr::Verbatim(TokenStream::new())),
                pre,
            )?;
            // A place operand that is only borrowed (a method receiver, a comparison operand,
            // `&x`) stays where it is, so nothing borrows it across the await. One taken by
            // value is moved into a temporary first, as rustc does (it matters for what a
            // cancelled coroutine drops, and in which order); so is anything else.
            let mut_ref = matches!(&value, Expr::Path(p)
                if p.path.get_ident().is_some_and(|i| self.mut_ref_params.contains(&i.to_string())));
            let borrowed = by_ref.get(i).copied().unwrap_or(false)
                || matches!(value, Expr::Reference(_) | Expr::Lit(_))
                || is_constant_path(&value)
                || mut_ref;
            let keep = i == last
                // `yield_!(yield_!(x))`: the marker must stay the callee `lower` recognises.
                || names::is_yield_marker(&value)
                || (is_deferrable(&value)
                    && borrowed
                    && (matches!(value, Expr::Reference(_)) || !mentioned_in(&value, later)));
            if keep {
                *op = value;
            } else {
                let mut value = value;
                self.hoist_temporaries(&mut value, pre);
                let t = self.fresh("t");
                pre.push(let_ident(true, &t, value));
                *op = ident_expr(&t);
            }
        }
        Ok(())
    }
}

/// A shorthand field (`P { a, .. }`) is printed as its name alone, whatever its expression: once
/// the expression is a hoisted temporary, the field must be written out.
///
/// Input: `P { a, b: __aw1 }` whose `a` now holds `__t0`. Output: `P { a: __t0, b: __aw1 }`.
fn spell_out_shorthands(s: &mut syn::ExprStruct) {
    for field in &mut s.fields {
        let named = |e: &Expr| match (&field.member, e) {
            (syn::Member::Named(m), Expr::Path(p)) => p.path.is_ident(m),
            _ => false,
        };
        if field.colon_token.is_none() && !named(&field.expr) {
            field.colon_token = Some(Token![:](field.member.span()));
        }
    }
}

/// The error for an `.await` in a constant (`why` says which), on that `.await`.
fn compile_time_await(constant: &Expr, why: &str) -> syn::Error {
    let span = crate::check::has_await_in_closure(constant).unwrap_or_else(|| constant.span());
    syn::Error::new(span, format!("`.await` cannot be used here: {why}"))
}
