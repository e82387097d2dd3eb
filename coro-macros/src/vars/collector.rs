//! The walk over user code that finds which variables a fragment reads and which uses may
//! move them (`Vars::uses_expr` and friends). It is one `syn::visit` pass with a few modes
//! (under `&`, in a `move` closure, in a branch that leaves the function or jumps out of the
//! statement); kept apart from `Vars`' bookkeeping of declarations and scopes, which it only
//! reads.
//!
//! This file holds the walk's state (`Collector`), how one use or binding is recorded, and
//! how the uses found are folded back into `Vars` (`Vars::collect`). How each form of
//! expression, statement and pattern is read is walk.rs; the branches that leave the
//! function or jump out of the statement are exits.rs; macro invocations, read as tokens and
//! format strings, are macros.rs.

use super::{VarId, Vars, bindings};
use std::collections::HashSet;
use syn::visit::Visit;
use syn::{Expr, Pat};

mod exits;
mod macros;
mod walk;

impl Vars {
    pub(super) fn collect(
        &mut self,
        exits: bool,
        f: impl FnOnce(&mut Collector<'_>),
    ) -> Vec<VarId> {
        let mut c = Collector {
            vars: self,
            shadow: vec![HashSet::new()],
            found: Vec::new(),
            borrow: false,
            leaving: false,
            capturing: false,
            exits,
            jumping: false,
            inner_loops: 0,
            inner_labels: Vec::new(),
        };
        f(&mut c);
        let found = c.found;
        let mut ids = Vec::new();
        self.last_moves.clear();
        self.last_jump_moves.clear();
        for &(id, moving, jumping) in &found {
            if let Some(seen) = self.watched.get_mut(&id) {
                *seen = true;
            }
            self.all[id].maybe_moved |= moving;
            self.all[id].moved_yet |= moving;
            if moving && !jumping && !self.last_moves.contains(&id) {
                self.last_moves.push(id);
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        for (id, moving, jumping) in found {
            let elsewhere = self.last_moves.contains(&id) || self.last_jump_moves.contains(&id);
            if moving && jumping && !elsewhere {
                self.last_jump_moves.push(id);
            }
        }
        ids
    }
}

// Independent modes of one walk over user code (where a use sits), each a yes/no question.
#[allow(clippy::struct_excessive_bools)]
pub(super) struct Collector<'a> {
    vars: &'a Vars,
    /// Names bound inside the fragment itself (closure parameters, inner `let`s, arm bindings).
    shadow: Vec<HashSet<String>>,
    /// Each use: the variable, whether it may move it, whether inside a `jumping` branch.
    found: Vec<(VarId, bool, bool)>,
    /// Inside `&place` or an assignment target: a use here does not move.
    borrow: bool,
    /// Inside a block that always leaves the function (see `leaves_the_function`): what it
    /// moves is gone only on a path that never reaches later code, so it is not a move there.
    leaving: bool,
    /// Inside a `move` closure or `async move` block: every variable it names is moved into
    /// it when it is created (or copied, which drops nothing), however the body uses it.
    capturing: bool,
    /// Reading a whole statement for `Vars::uses_stmt_with_exits`.
    exits: bool,
    /// Inside a branch that ends by jumping out of the statement (see `branch`): what it
    /// moves is moved on the jump's path only.
    jumping: bool,
    /// Loops, and labels of loops and blocks, inside the statement around this point: a
    /// `break`/`continue` aimed at one of them stays in the statement.
    inner_loops: usize,
    inner_labels: Vec<String>,
}

impl Collector<'_> {
    fn use_name(&mut self, name: &str, moving: bool) {
        if self.shadow.iter().any(|s| s.contains(name)) {
            return;
        }
        if let Some(id) = self.vars.lookup(name) {
            let moving = (moving || self.capturing) && !self.leaving;
            self.found.push((id, moving, self.jumping));
        }
    }

    fn with_scope(&mut self, f: impl FnOnce(&mut Self)) {
        self.shadow.push(HashSet::new());
        f(self);
        self.shadow.pop();
    }

    fn bind(&mut self, pat: &Pat) {
        let mut b = Vec::new();
        bindings(pat, &mut b);
        let top = self.shadow.last_mut().expect("scope");
        top.extend(b.into_iter().map(|(i, _)| i.to_string()));
    }

    fn place(&mut self, expr: &Expr) {
        match expr {
            Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                let name = p.path.segments[0].ident.to_string();
                self.use_name(&name, false);
            }
            Expr::Field(f) => self.place(&f.base),
            Expr::Paren(p) => self.place(&p.expr),
            Expr::Index(i) => {
                self.place(&i.expr);
                self.borrow = false;
                self.visit_expr(&i.index);
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.place(&u.expr),
            other => {
                self.borrow = false;
                self.visit_expr(other);
            }
        }
    }

    /// Reads `t.f` without moving `t`.
    fn field_read(&mut self, field: &Expr) {
        let was = std::mem::replace(&mut self.borrow, true);
        self.place(field);
        self.borrow = was;
    }
}
