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
//! Control-flow constructs that await (kept, or desugared for the loops) are in [`compound`];
//! the questions the rewrite asks about expressions (does it await, may it be read later, what
//! are its operands) in [`scan`]; the trees it builds around the user's code in
//! [`crate::syntax`].

mod assign;
mod compound;
mod scan;

pub(crate) use scan::{
    EXPRESSION_MACROS, borrowed_variable, has_await, stmt_has_await, tokens_have_await,
};

use crate::names;
use crate::syntax::{block_expr, ident_expr, ident_pat, let_ident, paren, tail_block};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use scan::{
    binds_tighter_than_postfix, creates_temporary, is_assign_op, is_compound, is_constant_path,
    is_deferrable, leaves_part_unbound, let_in_chain, mentioned_in, operands, operands_by_ref,
    single_await,
};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Block, Expr, Local, LocalInit, Macro, Stmt, Token};

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

/// `vec![elem; n]`'s two operands.
pub(crate) fn vec_repeat(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let elem = input.parse()?;
    input.parse::<Token![;]>()?;
    let count = input.parse()?;
    Ok((elem, count))
}

impl Normalizer {
    fn fresh(&mut self, prefix: &str) -> proc_macro2::Ident {
        self.next += 1;
        names::temp(prefix, self.next)
    }

    fn block(&mut self, block: Block) -> syn::Result<Block> {
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
        let diverge = match diverge {
            Some((else_token, els)) => Some((else_token, Box::new(self.compound(*els)?))),
            None => None,
        };
        // `let _ = f.await;`, `let (_, k) = ..`: rustc drops what the pattern leaves unbound at
        // the end of the statement. Bound from a hidden local (`let _ = __aw1;`) it would stay
        // there until the local drops, so the pattern takes the value through a block, whose
        // value is a temporary of the statement (`let _ = { __aw1 };`).
        let unbound = leaves_part_unbound(&local.pat);
        let expr = if diverge.is_some() {
            // `let P = e else { .. }` binds into the enclosing scope, so its temporaries do too.
            let mut pre = Vec::new();
            let value = self.expr(*expr, &mut pre)?;
            let single = single_await(&pre, &value).is_some();
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
                if single_await(&pre, &value).is_some() {
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
        Ok(())
    }

    /// Returns the value of `expr` after pushing, onto `pre`, the statements that must run
    /// before it (hoisted operands and awaits), in evaluation order.
    fn expr(&mut self, expr: Expr, pre: &mut Vec<Stmt>) -> syn::Result<Expr> {
        if !has_await(&expr) {
            return Ok(expr);
        }
        match expr {
            Expr::Await(a) => {
                let future = self.expr(*a.base, pre)?;
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
            Expr::Binary(mut b) if is_assign_op(&b.op) => {
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

    /// If `place` is the hidden result of an await in `pre` (`__aw1`), moves it into a
    /// `let mut` local first, which can be borrowed mutably as rustc's temporary of `f.await`
    /// can, and lives where the hidden local would have.
    ///
    /// Input: `__aw1` in `__aw1.push(2)`. Output: `let mut __t2 = __aw1;`, `__t2.push(2)`.
    pub(super) fn mutable_place(&mut self, place: &mut Expr, pre: &mut Vec<Stmt>) {
        let result = pre
            .iter()
            .rev()
            .any(|stmt| single_await(std::slice::from_ref(stmt), place).is_some());
        if result {
            let t = self.fresh("t");
            let value = std::mem::replace(place, ident_expr(&t));
            pre.push(let_ident(true, &t, value));
        }
    }

    /// In an operand about to be hoisted in front of an await (`let __tN = f(&D::new(), 1);`),
    /// the temporaries it borrows (`&D::new()`) would now end with that `let`, before the
    /// await; rustc keeps them to the end of the whole statement. Each one evaluated before
    /// anything else with side effects is hoisted into a local of its own first
    /// (`let __tmpM = D::new();`), which lives in the statement's block, so it drops at the
    /// statement's end, after the await, as in rustc. Returns whether everything evaluated so
    /// far was free of side effects (hoisting stops at the first thing that is not).
    fn hoist_temporaries(&mut self, e: &mut Expr, pre: &mut Vec<Stmt>) -> bool {
        self.hoist_borrowed(e, pre, creates_temporary)
    }

    /// [`Self::hoist_temporaries`] for the borrowed expressions `temporary` accepts.
    fn hoist_borrowed(
        &mut self,
        e: &mut Expr,
        pre: &mut Vec<Stmt>,
        temporary: fn(&Expr) -> bool,
    ) -> bool {
        match e {
            Expr::Reference(r) if temporary(&r.expr) => {
                let tmp = self.fresh("tmp");
                let value = std::mem::replace(&mut *r.expr, ident_expr(&tmp));
                pre.push(let_ident(true, &tmp, value));
                true
            }
            Expr::Reference(r) => self.hoist_borrowed(&mut r.expr, pre, temporary),
            Expr::Lit(_) | Expr::Path(_) => true,
            Expr::Paren(p) => self.hoist_borrowed(&mut p.expr, pre, temporary),
            Expr::Field(f) => self.hoist_borrowed(&mut f.base, pre, temporary),
            Expr::Cast(c) => self.hoist_borrowed(&mut c.expr, pre, temporary),
            Expr::Tuple(t) => t
                .elems
                .iter_mut()
                .all(|x| self.hoist_borrowed(x, pre, temporary)),
            Expr::Array(a) => a
                .elems
                .iter_mut()
                .all(|x| self.hoist_borrowed(x, pre, temporary)),
            // Evaluating the operands may still hoist; the call itself has side effects.
            Expr::Call(c) => {
                if self.hoist_borrowed(&mut c.func, pre, temporary) {
                    let _ = c
                        .args
                        .iter_mut()
                        .all(|x| self.hoist_borrowed(x, pre, temporary));
                }
                false
            }
            Expr::MethodCall(m) => {
                if self.hoist_borrowed(&mut m.receiver, pre, temporary) {
                    let _ = m
                        .args
                        .iter_mut()
                        .all(|x| self.hoist_borrowed(x, pre, temporary));
                }
                false
            }
            Expr::Binary(b) if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                if self.hoist_borrowed(&mut b.left, pre, temporary) {
                    self.hoist_borrowed(&mut b.right, pre, temporary);
                }
                false
            }
            _ => false,
        }
    }

    /// `.await` inside a formatting-style macro: its arguments are ordinary expressions.
    fn macro_args(&mut self, mac: Macro, pre: &mut Vec<Stmt>) -> syn::Result<Macro> {
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
