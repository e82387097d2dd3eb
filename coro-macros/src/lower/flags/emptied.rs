//! A local that an await-free statement (or an awaited future's expression) moves for
//! certain, then given a new value on some paths only (ARCHITECTURE.md, "Drop flags", **Emptied by a certain move**; difftest
//! finding 1). rustc's drop flag for `x` is clear after the move and set again by the
//! assignment, so the new value drops at the end of `x`'s scope. Without a flag, `x` may be
//! moved and, when no later code reads it, dead: a state does not store it, and the new
//! value drops at the next state boundary.
//!
//! The statement that moves `x` is a decision whose every path moves it: `x` joins the locals
//! it decided (`take_decided`), and fills.rs puts a later assignment's value in the flag. The
//! flag starts empty, set just before the move (while `x` is still there to give it a type):
//!
//! ```text
//! drop(x);                          ==>  __flagN = None; if false { __flagN = Some(<x's type>) }
//! if c { later().await }                 drop(x);
//! else { x = D::new(); }                 if c { later().await } else { __flagN = Some(D::new()); }
//! later().await;                         later().await;                      // stores __flagN
//! ```
//!
//! An expression evaluated on its own empties the flag in a tuple's first field, before the
//! expression (`({ __flagN = None; .. }, e).1`), which keeps `e`'s temporaries alive as long
//! as before.
//!
//! The first pass watches `x` from its first new value on (fills.rs), so a move that nothing
//! fills again, or whose new value no state boundary follows, gets no flag.

use super::ways::certain;
use crate::lower::{Lowerer, Node};
use crate::names;
use crate::vars::VarId;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Stmt};

impl Lowerer {
    /// The locals that `stmt`, an await-free statement not lowered yet, moves whenever it
    /// completes (`certain`: not in a branch, loop or closure). Read ahead: the statement's
    /// own lowering reads them again.
    pub(super) fn moved_for_certain(&mut self, stmt: &Stmt) -> Vec<VarId> {
        let expr = match stmt {
            Stmt::Expr(e, _) => e,
            Stmt::Local(l) => match &l.init {
                Some(init) => &init.expr,
                None => return Vec::new(),
            },
            Stmt::Item(_) | Stmt::Macro(_) => return Vec::new(),
        };
        self.reading_ahead(|l| {
            l.vars.uses_expr(&certain(expr));
            l.vars.moves()
        })
    }

    /// `stmt`, lowered into `nodes`, moved `moved` for certain (`moved_for_certain`): those
    /// that a later assignment may fill join the locals it decided, and, when the previous
    /// pass gave one a flag, the flag is emptied before the statement.
    pub(super) fn empty_flags(&mut self, stmt: &Stmt, moved: Vec<VarId>, nodes: &mut Vec<Node>) {
        let (tokens, flags, emptied) = self.empty(stmt, moved);
        if !flags.is_empty() {
            let node = Node::Code {
                tokens,
                uses: emptied,
                moves: Vec::new(),
                defs: flags,
                assigns: true,
                uninit: false,
                jumps: Vec::new(),
            };
            nodes.insert(0, node);
        }
    }

    /// `empty_flags` for an expression evaluated on its own (an awaited future's, a
    /// condition, a scrutinee): the flags are emptied in a tuple's first field, and the
    /// expression is its second, so its temporaries live as long as before (a block would end
    /// them). A place expression stays as it is (in a tuple it would be moved, where a
    /// scrutinee only borrows it), and decides nothing. Returns the expression and adds the
    /// flags it sets to `flags`.
    pub(super) fn empty_flags_expr(
        &mut self,
        e: Expr,
        moved: Vec<VarId>,
        flags: &mut Vec<VarId>,
    ) -> Expr {
        if is_place(&e) {
            return e;
        }
        // A generator's `__coro_yield(v)` must stay that call for the lowering to see a
        // `yield_!` (lower/constructs.rs): the flags are emptied in its argument instead.
        if let Expr::Call(mut call) = e {
            if !names::is_yield_marker(&call.func) || call.args.len() != 1 {
                return self.empty_flags_expr_of(Expr::Call(call), moved, flags);
            }
            if let Some(value) = call.args.pop() {
                let value = self.empty_flags_expr_of(value.into_value(), moved, flags);
                call.args.push(value);
            }
            return Expr::Call(call);
        }
        self.empty_flags_expr_of(e, moved, flags)
    }

    /// `empty_flags_expr` once the expression is known to be one the flags may wrap.
    fn empty_flags_expr_of(&mut self, e: Expr, moved: Vec<VarId>, flags: &mut Vec<VarId>) -> Expr {
        let (tokens, emptied, _) = self.empty(&Stmt::Expr(e.clone(), None), moved);
        if emptied.is_empty() {
            return e;
        }
        flags.extend(emptied);
        syn::parse_quote!(({ #tokens }, #e).1)
    }

    /// Those of `moved` that `stmt` leaves moved (`emptied`) join the locals it decided.
    /// Returns the code that empties the flags the previous pass gave them, those flags, and
    /// the locals it names.
    fn empty(&mut self, stmt: &Stmt, moved: Vec<VarId>) -> (TokenStream, Vec<VarId>, Vec<VarId>) {
        let mut tokens = TokenStream::new();
        let (mut flags, mut named) = (Vec::new(), Vec::new());
        for v in moved {
            if !self.emptied(stmt, v) {
                continue;
            }
            self.decided.push(v);
            let (Some(flag), Some(name)) = (self.vars.all[v].flag, &self.vars.all[v].current)
            else {
                continue;
            };
            let name = names::expr_name(name);
            let flag_name = &self.vars.all[flag].ident;
            // `None` alone has no type where no `Some` reaches the same binding (an arm that
            // returns next): the dead assignment gives it `x`'s.
            tokens.extend(quote! {
                #flag_name = ::core::option::Option::None;
                if false {
                    #flag_name = ::core::option::Option::Some(
                        ::coro_core::__private::type_of(&#name).never(),
                    );
                }
            });
            flags.push(flag);
            named.push(v);
        }
        (tokens, flags, named)
    }

    /// Can `v`, moved for certain by `stmt`, take a flag that a later assignment fills? The
    /// conditions of any flag (ARCHITECTURE.md, "Drop flags", **What must hold**), and the
    /// statement leaves it moved: it neither assigns it nor hides its name, and no other
    /// decision of the statement, of a site around it or of a loop's exits holds it.
    fn emptied(&self, stmt: &Stmt, v: VarId) -> bool {
        let var = &self.vars.all[v];
        let Some(name) = var.current.as_ref() else {
            return false;
        };
        var.user_index.is_some()
            && *name == var.ident
            && self.vars.lookup(&name.to_string()) == Some(v)
            && !var.copy
            && var.alias.is_none()
            && !self.declared_outside_innermost_loop(v)
            && !self.by_exits.contains(&v)
            && !self.deciding.iter().any(|(d, _)| *d == v)
            && !self.decided.contains(&v)
            && !super::assigns(stmt, name)
    }
}

/// Is `e` a place expression (a path, field, index or dereference)?
fn is_place(e: &Expr) -> bool {
    match e {
        Expr::Path(_) | Expr::Field(_) | Expr::Index(_) => true,
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)),
        Expr::Paren(p) => is_place(&p.expr),
        _ => false,
    }
}
