//! Values the rewrite moves in front of an await that must keep rustc's lifetime and
//! mutability: an awaited value used in place becomes a mutable local, as rustc's temporary is a
//! mutable place, and the temporaries an operand borrows get locals of their own that last to the
//! end of the statement, as rustc's do, instead of ending with the operand's hoisted `let`.

use super::Normalizer;
use super::scan::{
    creates_temporary, is_hoisted_temporary, names_no_variable, single_await,
    surely_runtime_temporary,
};
use crate::syntax::{ident_expr, let_ident};
use proc_macro2::Ident;
use syn::spanned::Spanned;
use syn::{Expr, Stmt};

impl Normalizer {
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
    pub(super) fn hoist_temporaries(&mut self, e: &mut Expr, pre: &mut Vec<Stmt>) -> bool {
        self.hoist_borrowed(e, pre, creates_temporary, false)
    }

    /// The awaited future's own expression (`f(&D::new())` of `f(&D::new()).await`) is made
    /// before the first poll and stored in the state, so its temporaries would end there;
    /// rustc keeps them to the end of the statement, across the await. One it borrows gets a
    /// local of its own, as for an operand hoisted in front of an await: the future holds the
    /// local's borrow only while it is made unless it keeps it, and a future that keeps it
    /// (an `async fn look(d: &D)`) cannot be stored beside the local, which rustc reports on
    /// the user's temporary. Only temporaries rustc cannot promote to constants are hoisted:
    /// `f(&[1, 2]).await` may keep its `'static` borrow. A value borrowed through a projection
    /// (`f(&*LOCK.lock()).await`, a guard) is hoisted too, so the guard is held across the await
    /// as in rustc, when it names no variable.
    ///
    /// Input: `f(&D::new()).await`. Output: `let mut __tmp1 = D::new();`, `f(&__tmp1).await`.
    pub(super) fn hoist_future_temporaries(&mut self, future: &mut Expr, pre: &mut Vec<Stmt>) {
        self.hoist_borrowed(future, pre, surely_runtime_temporary, true);
    }

    /// [`Self::hoist_temporaries`] for the borrowed expressions `temporary` accepts. With
    /// `through_projections`, also for the value a borrowed place is projected from
    /// (`&*m.lock().unwrap()`, `&g().field`, `&g()[i]`) when it names no variable, which it
    /// could borrow: rustc makes that value a temporary of the statement too. Only the awaited
    /// future's own expression asks for it: an operand's hoisted `let __tN = &*__tmpM;` would
    /// hold a borrow of a local across the await.
    pub(super) fn hoist_borrowed(
        &mut self,
        e: &mut Expr,
        pre: &mut Vec<Stmt>,
        temporary: fn(&Expr) -> bool,
        through_projections: bool,
    ) -> bool {
        match e {
            Expr::Reference(r) if temporary(&r.expr) => {
                self.hoist_into_local(&mut r.expr, pre);
                true
            }
            Expr::Reference(r) => match temporary_under_projections(&mut r.expr) {
                Some(root) if through_projections && temporary(root) && names_no_variable(root) => {
                    // What the value borrows itself (`&g(&D::new()).field`) is made first.
                    self.hoist_borrowed(root, pre, temporary, through_projections);
                    self.hoist_into_local(root, pre);
                    // The projections may run `Deref` or `Index` code that later operands must
                    // follow; they stay in place, so nothing after them is hoisted.
                    false
                }
                _ => self.hoist_borrowed(&mut r.expr, pre, temporary, through_projections),
            },
            Expr::Lit(_) | Expr::Path(_) => true,
            Expr::Paren(p) => self.hoist_borrowed(&mut p.expr, pre, temporary, through_projections),
            Expr::Field(f) => self.hoist_borrowed(&mut f.base, pre, temporary, through_projections),
            Expr::Cast(c) => self.hoist_borrowed(&mut c.expr, pre, temporary, through_projections),
            Expr::Tuple(t) => t
                .elems
                .iter_mut()
                .all(|x| self.hoist_borrowed(x, pre, temporary, through_projections)),
            Expr::Array(a) => a
                .elems
                .iter_mut()
                .all(|x| self.hoist_borrowed(x, pre, temporary, through_projections)),
            // Evaluating the operands may still hoist; the call itself has side effects.
            Expr::Call(c) => {
                if self.hoist_borrowed(&mut c.func, pre, temporary, through_projections) {
                    let _ = c
                        .args
                        .iter_mut()
                        .all(|x| self.hoist_borrowed(x, pre, temporary, through_projections));
                }
                false
            }
            Expr::MethodCall(m) => {
                if self.hoist_borrowed(&mut m.receiver, pre, temporary, through_projections) {
                    let _ = m
                        .args
                        .iter_mut()
                        .all(|x| self.hoist_borrowed(x, pre, temporary, through_projections));
                }
                false
            }
            Expr::Binary(b) if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                if self.hoist_borrowed(&mut b.left, pre, temporary, through_projections) {
                    self.hoist_borrowed(&mut b.right, pre, temporary, through_projections);
                }
                false
            }
            _ => false,
        }
    }

    /// Moves the borrowed temporary `value` into a `let mut __tmpN` of `pre` and leaves the
    /// local's name in its place.
    fn hoist_into_local(&mut self, value: &mut Expr, pre: &mut Vec<Stmt>) {
        // Located at the user's expression, so a borrow error names that.
        let mut tmp = self.fresh("tmp");
        tmp.set_span(value.span().resolved_at(tmp.span()));
        let value = std::mem::replace(value, ident_expr(&tmp));
        pre.push(let_ident(true, &tmp, value));
    }
}

/// The value a borrowed place is projected from (`m.lock().unwrap()` of `&*m.lock().unwrap()`,
/// `g()` of `&g().field`, `&(*g()).field` or `&g()[i]`), when there is at least one projection.
/// rustc evaluates a value expression in such a place context into a temporary of the
/// enclosing statement, whose borrow (through `Deref` or `Index` too) the place's borrow is.
fn temporary_under_projections(place: &mut Expr) -> Option<&mut Expr> {
    let base = match place {
        Expr::Field(f) => &mut *f.base,
        Expr::Index(i) => &mut *i.expr,
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &mut *u.expr,
        Expr::Paren(p) => return temporary_under_projections(&mut p.expr),
        _ => return None,
    };
    if is_projection(base) {
        temporary_under_projections(base)
    } else {
        Some(base)
    }
}

/// Is `e` a field, index or dereference place (`a.b`, `a[i]`, `*a`)?
fn is_projection(e: &Expr) -> bool {
    match e {
        Expr::Field(_) | Expr::Index(_) => true,
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)),
        Expr::Paren(p) => is_projection(&p.expr),
        _ => false,
    }
}

/// The local `hoist_borrowed` made in `stmt` (`let mut __tmp1 = D::new();`), if it is one.
fn hoisted_local(stmt: &Stmt) -> Option<&Ident> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Pat::Ident(pat) = &local.pat else {
        return None;
    };
    is_hoisted_temporary(&pat.ident.to_string()).then_some(&pat.ident)
}

/// If `pre` is one await whose result is `value` besides the temporaries it borrows
/// (`let mut __tmp1 = D::new(); let __aw2 = f(&__tmp1).await;`), returns the result's name.
pub(super) fn single_await_past_temporaries(pre: &[Stmt], value: &Expr) -> Option<Ident> {
    let rest: Vec<&Stmt> = pre.iter().filter(|s| hoisted_local(s).is_none()).collect();
    let [awaited] = rest[..] else { return None };
    single_await(std::slice::from_ref(awaited), value)
}

/// `::core::mem::drop(__tmpN);` for each local `hoist_borrowed` made in `pre`, the last made
/// first: the end of their statement when its hoisted statements are not scoped by a block of
/// their own (a `let`'s, whose bindings outlive the statement).
pub(super) fn drop_temporaries(pre: &[Stmt]) -> Vec<Stmt> {
    pre.iter()
        .rev()
        .filter_map(hoisted_local)
        .map(|tmp| syn::parse_quote!(::core::mem::drop(#tmp);))
        .collect()
}
