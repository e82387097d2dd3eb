//! Assignments whose assignee awaits (`v[i.await] = x`, `(a, v[i.await]) = t`,
//! `v[i.await] += x.await`): the assignee stays a place, and the two sides are evaluated in
//! rustc's order.
//!
//! rustc evaluates `place = value` value first, then the operands of the place (an index, the
//! pointer of a `*p`); a destructuring assignment is `let` of the value followed by one
//! assignment per place, so again the value first. A compound assignment on primitive operands
//! (`n += 1`) also evaluates the value first; one that calls an operator trait
//! (`s += &t`, `AddAssign::add_assign(&mut place, value)`) evaluates the place first. The
//! macro cannot see types: it takes the trait's order when the value is a reference or a
//! string literal (no primitive operator takes either), the primitive order otherwise.

use super::Normalizer;
use super::scan::{has_await, is_constant_path, is_deferrable, leaves_part_unbound, mentioned_in};
use crate::syntax::{block_expr, ident_expr, ident_pat, let_ident, let_pat, tail_block};
use proc_macro2::{Ident, Span, TokenStream};
use syn::{Expr, Pat, Stmt, Token};

/// Is `e` a destructuring assignee (a tuple, array, struct or tuple struct of places)?
fn destructures(e: &Expr) -> bool {
    match e {
        Expr::Tuple(_) | Expr::Array(_) | Expr::Struct(_) => true,
        Expr::Call(c) => matches!(&*c.func, Expr::Path(_)),
        Expr::Paren(p) => destructures(&p.expr),
        _ => false,
    }
}

/// Does a compound assignment with this right operand call an operator trait (and so evaluate
/// its place first)? A reference or a string literal is never a primitive operand.
fn calls_operator_trait(value: &Expr) -> bool {
    match value {
        Expr::Reference(_) => true,
        Expr::Lit(l) => matches!(
            l.lit,
            syn::Lit::Str(_) | syn::Lit::ByteStr(_) | syn::Lit::CStr(_)
        ),
        Expr::Paren(p) => calls_operator_trait(&p.expr),
        _ => false,
    }
}

/// Does `stmt` bind the name `path` is (a `let` the rewrite pushed for a hidden local)?
fn binds(stmt: &Stmt, path: &syn::ExprPath) -> bool {
    matches!(stmt, Stmt::Local(l)
        if matches!(&l.pat, Pat::Ident(i) if path.path.get_ident() == Some(&i.ident)))
}

/// A value that reads the same after an await as before it.
fn is_fixed(value: &Expr) -> bool {
    matches!(value, Expr::Lit(_)) || is_constant_path(value)
}

impl Normalizer {
    /// `left = right` where something awaits.
    pub(super) fn assign(
        &mut self,
        mut a: syn::ExprAssign,
        pre: &mut Vec<Stmt>,
    ) -> syn::Result<Expr> {
        if destructures(&a.left) && has_await(&a.left) {
            return self.destructure(*a.left, *a.right, pre);
        }
        self.assignment(&mut a.left, &mut a.right, false, pre)?;
        Ok(Expr::Assign(a))
    }

    /// `left = right` (`op` is `None`) or `left op= right` where the assignee `left` awaits.
    ///
    /// Input: `v[i.await] = x.await;`.
    /// Output: `let __aw1 = x.await; let __aw2 = i.await; v[__aw2] = __aw1;`.
    pub(super) fn assignment(
        &mut self,
        left: &mut Expr,
        right: &mut Expr,
        compound: bool,
        pre: &mut Vec<Stmt>,
    ) -> syn::Result<()> {
        let take = |e: &mut Expr| std::mem::replace(e, Expr::Verbatim(TokenStream::new()));
        if !has_await(left) {
            // The place has nothing to wait for: the value's awaits come first either way.
            *right = self.expr(take(right), pre)?;
            return Ok(());
        }
        if compound && calls_operator_trait(right) {
            // `AddAssign::add_assign(&mut place, value)`: the place's operands, then the value.
            *left = self.place(take(left), true, pre)?;
            *right = self.expr(take(right), pre)?;
            return Ok(());
        }
        let value = self.expr(take(right), pre)?;
        let later: [&mut Expr; 1] = [left];
        *right = if is_fixed(&value)
            || single_result(pre, &value)
            || (is_deferrable(&value)
                && !matches!(value, Expr::Reference(_))
                && !mentioned_in(&value, &later))
        {
            value
        } else {
            let t = self.fresh("t");
            pre.push(let_ident(true, &t, value));
            ident_expr(&t)
        };
        let [left] = later;
        *left = self.place(take(left), false, pre)?;
        Ok(())
    }

    /// A destructuring assignment is a `let` of the value followed by one assignment per place,
    /// each place's operands evaluated right before it is assigned (as rustc desugars it).
    ///
    /// Input: `(a, v[i.await], _) = t;`.
    /// Output: `let (__t1, __t2, _) = t; a = __t1; let __aw3 = i.await; v[__aw3] = __t2; ()`.
    fn destructure(&mut self, left: Expr, right: Expr, pre: &mut Vec<Stmt>) -> syn::Result<Expr> {
        let mut before = Vec::new();
        let mut value = self.expr(right, &mut before)?;
        let ours = matches!(&value, Expr::Path(p) if before.iter().any(|s| binds(s, p)));
        pre.extend(before);
        let mut leaves = Vec::new();
        let pat = self.pattern(left, &mut leaves)?;
        if ours && leaves_part_unbound(&pat) {
            // As for `let`: what `_` leaves of a value drops at the end of the statement, so
            // the pattern takes our hidden local's value through a block (a temporary).
            value = block_expr(tail_block(value));
        }
        pre.push(let_pat(pat, value));
        for (t, place) in leaves {
            let mut place = place;
            let mut value = ident_expr(&t);
            self.assignment(&mut place, &mut value, false, pre)?;
            pre.push(Stmt::Expr(
                Expr::Assign(syn::ExprAssign {
                    attrs: vec![],
                    left: Box::new(place),
                    eq_token: Token![=](Span::call_site()),
                    right: Box::new(value),
                }),
                Some(Token![;](Span::call_site())),
            ));
        }
        Ok(Expr::Tuple(syn::ExprTuple {
            attrs: vec![],
            paren_token: syn::token::Paren::default(),
            elems: syn::punctuated::Punctuated::new(),
        }))
    }

    /// The pattern a destructuring assignee takes its value apart with: each place becomes a
    /// fresh binding, pushed with the place onto `leaves`.
    fn pattern(&mut self, e: Expr, leaves: &mut Vec<(Ident, Expr)>) -> syn::Result<Pat> {
        use syn::punctuated::Punctuated;
        let at = Span::call_site();
        let mut parts = |elems: Punctuated<Expr, Token![,]>,
                         leaves: &mut Vec<(Ident, Expr)>|
         -> syn::Result<Punctuated<Pat, Token![,]>> {
            elems.into_iter().map(|e| self.pattern(e, leaves)).collect()
        };
        Ok(match e {
            Expr::Infer(_) => Pat::Wild(syn::PatWild {
                attrs: vec![],
                underscore_token: Token![_](at),
            }),
            Expr::Range(r) if r.start.is_none() && r.end.is_none() => Pat::Rest(syn::PatRest {
                attrs: vec![],
                dot2_token: Token![..](at),
            }),
            Expr::Paren(p) => self.pattern(*p.expr, leaves)?,
            Expr::Tuple(t) => Pat::Tuple(syn::PatTuple {
                attrs: vec![],
                paren_token: t.paren_token,
                elems: parts(t.elems, leaves)?,
            }),
            Expr::Array(a) => Pat::Slice(syn::PatSlice {
                attrs: vec![],
                bracket_token: a.bracket_token,
                elems: parts(a.elems, leaves)?,
            }),
            Expr::Call(c) if matches!(&*c.func, Expr::Path(_)) => {
                let Expr::Path(p) = *c.func else {
                    unreachable!("matched a path")
                };
                Pat::TupleStruct(syn::PatTupleStruct {
                    attrs: vec![],
                    qself: p.qself,
                    path: p.path,
                    paren_token: c.paren_token,
                    elems: parts(c.args, leaves)?,
                })
            }
            Expr::Struct(s) => {
                let mut fields = Punctuated::new();
                for field in s.fields {
                    let pat = self.pattern(field.expr, leaves)?;
                    fields.push(syn::FieldPat {
                        attrs: field.attrs,
                        member: field.member,
                        colon_token: Some(Token![:](at)),
                        pat: Box::new(pat),
                    });
                }
                Pat::Struct(syn::PatStruct {
                    attrs: vec![],
                    qself: s.qself,
                    path: s.path,
                    brace_token: s.brace_token,
                    fields,
                    rest: s.dot2_token.map(|dot2_token| syn::PatRest {
                        attrs: vec![],
                        dot2_token,
                    }),
                })
            }
            place => {
                let t = self.fresh("t");
                leaves.push((t.clone(), place));
                ident_pat(t)
            }
        })
    }

    /// Normalizes the assignee `e` keeping it a place: only the value operands inside it (an
    /// index, the pointer of `*p`, a call a field is read from) are evaluated, and, when
    /// `settle` is set (a later part of the assignment awaits), moved into temporaries so they
    /// run before that await, as rustc runs them.
    fn place(&mut self, e: Expr, settle: bool, pre: &mut Vec<Stmt>) -> syn::Result<Expr> {
        if !settle && !has_await(&e) {
            return Ok(e);
        }
        Ok(match e {
            Expr::Path(_) | Expr::Lit(_) | Expr::Infer(_) | Expr::Verbatim(_) => e,
            Expr::Paren(mut p) => {
                *p.expr = self.place(*p.expr, settle, pre)?;
                Expr::Paren(p)
            }
            Expr::Group(mut g) => {
                *g.expr = self.place(*g.expr, settle, pre)?;
                Expr::Group(g)
            }
            Expr::Field(mut f) => {
                *f.base = self.place_base(*f.base, settle, pre)?;
                Expr::Field(f)
            }
            Expr::Index(mut i) => {
                let index_awaits = has_await(&i.index);
                *i.expr = self.place_base(*i.expr, settle || index_awaits, pre)?;
                *i.index = self.settled(*i.index, settle, pre)?;
                Expr::Index(i)
            }
            Expr::Unary(mut u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                *u.expr = self.settled(*u.expr, settle, pre)?;
                Expr::Unary(u)
            }
            other => {
                let span = crate::check::has_await_in_closure(&other)
                    .unwrap_or_else(|| syn::spanned::Spanned::span(&other));
                return Err(syn::Error::new(
                    span,
                    "`.await` in this part of an assignee is not supported: await before the \
                     assignment and bind the result to a local",
                ));
            }
        })
    }

    /// The base of a field or index in an assignee: a place itself (`v`, `v.f`, `v[i]`, `*p`),
    /// or a value a place is taken in (`f()[i]`, `*p.get_mut()`).
    fn place_base(&mut self, e: Expr, settle: bool, pre: &mut Vec<Stmt>) -> syn::Result<Expr> {
        match e {
            Expr::Path(_)
            | Expr::Paren(_)
            | Expr::Group(_)
            | Expr::Field(_)
            | Expr::Index(_)
            | Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                ..
            }) => self.place(e, settle, pre),
            value => {
                let mut value = self.settled(value, settle, pre)?;
                self.mutable_place(&mut value, pre);
                Ok(value)
            }
        }
    }

    /// A value operand inside an assignee: normalized, then moved into a temporary when
    /// `settle` asks for it to be evaluated now.
    fn settled(&mut self, e: Expr, settle: bool, pre: &mut Vec<Stmt>) -> syn::Result<Expr> {
        let value = self.expr(e, pre)?;
        let named = is_deferrable(&value) && !matches!(value, Expr::Reference(_));
        if !settle || named || is_fixed(&value) || single_result(pre, &value) {
            return Ok(value);
        }
        let mut value = value;
        self.hoist_temporaries(&mut value, pre);
        let t = self.fresh("t");
        pre.push(let_ident(true, &t, value));
        Ok(ident_expr(&t))
    }
}

/// Is `value` the name of the last await's result (already evaluated, nothing to move)?
fn single_result(pre: &[Stmt], value: &Expr) -> bool {
    pre.last()
        .is_some_and(|last| super::scan::single_await(std::slice::from_ref(last), value).is_some())
}
