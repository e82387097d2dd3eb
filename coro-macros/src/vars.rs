//! Variables of the coroutine body: declaration, scoping, and what each fragment of user code
//! reads. The lowering needs this without type information, so it works from syntax:
//!
//! - a *use* is a single-identifier path that resolves to a variable of the body (fragment-local
//!   bindings shadow);
//! - a use *may move* the variable unless it is under `&`/`&mut`, on the left of an assignment,
//!   the base of an index, or an argument of a formatting macro. A variable that is never used in
//!   a moving position is still initialised at every point of its scope, so it can be stored
//!   across a suspension even when nothing reads it afterwards (keeping rustc's drop order).

use proc_macro2::Ident;
use syn::visit::Visit;
use syn::{Expr, Pat};

mod collector;
mod values;
pub(crate) use values::{
    borrowed_root, code_text, fresh_value, place_root, ref_bindings, surely_copy, surely_copy_let,
    surely_owned, surely_reference,
};

pub(crate) type VarId = usize;

// Independent facts about one variable, each a yes/no question.
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct Var {
    /// The binding as the user spelled it (its span resolves the user's uses).
    pub ident: Ident,
    /// How the variable can be named right now: its own ident, a hidden name it was moved to
    /// when a `let` shadowed it, or `None` when a pattern shadows it.
    pub current: Option<Ident>,
    pub mutable: bool,
    /// Some use may move it, so it is stored across a suspension only while still needed.
    pub maybe_moved: bool,
    /// `let r = &x;` / `&mut x`: rebuilt after each resume instead of stored.
    pub alias: Option<(VarId, bool)>,
    /// Position among the user's variables (hidden helpers have none): how a later pass over
    /// the same body finds what an earlier pass learnt about this variable.
    pub user_index: Option<usize>,
    /// A hidden zero-sized variable that remembers this variable's type, for states that must
    /// declare it again uninitialised (see `liveness::redeclared`).
    pub type_of: Option<VarId>,
    /// A hidden `Option` that takes this variable over where an await-free `if`/`match` moves
    /// it on some branches only: rustc's drop flag, made a value (see `lower::Lowerer::flags`).
    pub flag: Option<VarId>,
    /// Certainly `Copy`, by its declared type or its literal value: a by-value use does not
    /// move it, so it never needs a drop flag.
    pub copy: bool,
    /// Certainly owned by the coroutine (a by-value parameter of a non-reference type, or a
    /// `let` of a freshly built value): a borrow of it cannot outlive a suspension.
    pub owned: bool,
    /// The variable this one certainly borrows from (`let it = v.iter();`, `let h = &v[0];`,
    /// a `ref` binding of a match on `v`), with the code that borrows it, for errors.
    pub borrows: Option<(VarId, String)>,
    /// Certainly a reference into a place, or a `Copy` value read through one (`ref x`, or a
    /// binding of a pattern matched against `&v`, `v.as_ref()`, …): it has no drop glue, so
    /// it is stored only while live (dropping it at its scope's end would change nothing, and
    /// storing it beside what it borrows cannot compile).
    pub reference: bool,
    /// `let a = pin!(fut);`: where the `pin!` is. `a` borrows a temporary of the statement,
    /// which cannot be kept across a suspension (liveness/borrows.rs `held_borrows`).
    pub pinned: Option<proc_macro2::Span>,
    /// A use that may move it has been read already, in this pass (lowering reads the body in
    /// source order): where this is still `false`, nothing before can have moved it.
    pub moved_yet: bool,
}

/// What a previous lowering pass learnt about one user variable.
#[derive(Clone, Copy, Default)]
pub(crate) struct Known {
    /// Some use may move it.
    pub maybe_moved: bool,
    /// A plain `x = e;` assigns it somewhere.
    pub assigned: bool,
    /// It needs a drop flag (see `Var::flag`).
    pub flagged: bool,
}

#[derive(Default)]
pub(crate) struct Vars {
    pub all: Vec<Var>,
    stack: Vec<Vec<VarId>>,
    /// Per open scope: the names to restore when it closes.
    renames: Vec<Vec<(VarId, Option<Ident>)>>,
    /// Per user variable (by `user_index`), what a previous pass found.
    known: Vec<Known>,
    users: usize,
    /// The variables the last `uses_*` call saw in a position that may move them.
    last_moves: Vec<VarId>,
    /// Those the last `uses_stmt_with_exits` call saw moved only in blocks that end by jumping
    /// out of the statement (see `Collector::exits`).
    last_jump_moves: Vec<VarId>,
    /// Where each variable was first hidden by a binding of the same name, for errors.
    pub hidden_by: std::collections::HashMap<VarId, proc_macro2::Span>,
    /// Variables being watched for any further use (see `lower::Lowerer::flags`): `true` once
    /// one is seen.
    pub watched: std::collections::HashMap<VarId, bool>,
}

/// A variable as it can be named at one program point.
pub(crate) type Visible = Vec<(VarId, Option<Ident>)>;

impl Vars {
    /// Starts with what a previous pass learnt about each user variable.
    pub fn with_known(known: Vec<Known>) -> Self {
        Self {
            known,
            ..Self::default()
        }
    }

    /// The variables the last `uses_expr`/`uses_stmt` call found possibly moved.
    pub fn moves(&self) -> Vec<VarId> {
        self.last_moves.clone()
    }

    /// Is this the first lowering pass (nothing known from a previous one)?
    pub fn first_pass(&self) -> bool {
        self.known.is_empty()
    }

    /// Was user variable `id` assigned by `x = e;` anywhere, according to the previous pass?
    pub fn known_assigned(&self, id: VarId) -> bool {
        self.all[id]
            .user_index
            .and_then(|i| self.known.get(i))
            .is_some_and(|k| k.assigned)
    }

    /// Did the previous pass find that user variable `id` needs a drop flag?
    pub fn known_flagged(&self, id: VarId) -> bool {
        self.all[id]
            .user_index
            .and_then(|i| self.known.get(i))
            .is_some_and(|k| k.flagged)
    }

    /// How deep in the open scopes `id` was declared (0 = the outermost).
    pub fn depth_of(&self, id: VarId) -> Option<usize> {
        self.stack.iter().position(|scope| scope.contains(&id))
    }

    /// How many scopes are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Declares a hidden helper variable: never moved, so stored wherever it is in scope.
    pub fn declare_hidden(&mut self, ident: Ident) -> VarId {
        let id = self.all.len();
        self.all.push(Var {
            current: Some(ident.clone()),
            ident,
            mutable: false,
            maybe_moved: false,
            alias: None,
            user_index: None,
            type_of: None,
            flag: None,
            copy: false,
            owned: false,
            borrows: None,
            reference: false,
            pinned: None,
            moved_yet: false,
        });
        self.stack.last_mut().expect("a scope is open").push(id);
        id
    }

    /// `declare_hidden`, placed right after `after` in its scope (so in the declaration, and
    /// drop, order of the stored variables, it takes `after`'s place).
    pub fn declare_hidden_after(&mut self, ident: Ident, after: VarId) -> VarId {
        let id = self.declare_hidden(ident);
        self.stack.last_mut().expect("a scope is open").pop();
        let scope = self
            .stack
            .iter_mut()
            .rev()
            .find(|scope| scope.contains(&after))
            .expect("`after` is in scope");
        let at = scope.iter().position(|&v| v == after).expect("found") + 1;
        scope.insert(at, id);
        id
    }

    pub fn push(&mut self) {
        self.stack.push(Vec::new());
        self.renames.push(Vec::new());
    }

    pub fn pop(&mut self) {
        self.stack.pop();
        for (id, old) in self
            .renames
            .pop()
            .expect("a scope is open")
            .into_iter()
            .rev()
        {
            self.all[id].current = old;
        }
    }

    pub fn declare(&mut self, ident: Ident, mutable: bool, maybe_moved: bool) -> VarId {
        // Whatever the name meant before is out of reach from here on (unless the caller
        // already moved it to a hidden name), so no two visible variables share a name.
        let shadowed: Vec<VarId> = self
            .stack
            .iter()
            .flatten()
            .copied()
            .filter(|&v| self.all[v].current.as_ref() == Some(&ident))
            .collect();
        for v in shadowed {
            self.hide(v, &ident);
        }
        let id = self.all.len();
        let user_index = self.users;
        self.users += 1;
        let maybe_moved = maybe_moved || self.known.get(user_index).is_some_and(|k| k.maybe_moved);
        self.all.push(Var {
            current: Some(ident.clone()),
            ident,
            mutable,
            maybe_moved,
            alias: None,
            user_index: Some(user_index),
            type_of: None,
            flag: None,
            copy: false,
            owned: false,
            borrows: None,
            reference: false,
            pinned: None,
            moved_yet: false,
        });
        self.stack.last_mut().expect("a scope is open").push(id);
        id
    }

    /// Renames `id` until the innermost scope closes (`None`: it cannot be named).
    pub fn rename(&mut self, id: VarId, to: Option<Ident>) {
        let old = std::mem::replace(&mut self.all[id].current, to);
        self.renames
            .last_mut()
            .expect("a scope is open")
            .push((id, old));
    }

    /// Makes `id` unnameable until the innermost scope closes: `by` shadows it.
    pub fn hide(&mut self, id: VarId, by: &Ident) {
        self.hidden_by.entry(id).or_insert_with(|| by.span());
        self.rename(id, None);
    }

    /// Every variable in scope, outermost first, in declaration order, with its current name.
    pub fn visible(&self) -> Visible {
        self.stack
            .iter()
            .flatten()
            .map(|&id| (id, self.all[id].current.clone()))
            .collect()
    }

    /// The variable the name resolves to here.
    pub fn lookup(&self, name: &str) -> Option<VarId> {
        self.stack
            .iter()
            .flatten()
            .rev()
            .copied()
            .find(|&id| self.all[id].ident == name)
    }

    /// Declares the bindings of `pat` in the innermost scope, in source order.
    pub fn declare_pattern(&mut self, pat: &Pat) -> Vec<VarId> {
        let mut found = Vec::new();
        bindings(pat, &mut found);
        found
            .into_iter()
            .map(|(ident, mutable)| self.declare(ident, mutable, false))
            .collect()
    }

    /// Marks the bindings `defs` of `pat`, matched against `scrutinee` (an arm's, or a `let`'s
    /// initialiser), that are certainly references (`Var::reference`): all of them when the
    /// scrutinee's value is one, its `ref` bindings when it is a place of a variable. (A `ref`
    /// binding of a temporary, `let ref r = D::new();`, keeps that temporary alive: not one.)
    pub fn mark_references(&mut self, scrutinee: &Expr, pat: &Pat, defs: &[VarId]) {
        let all = surely_reference(scrutinee);
        let by_ref = if place_root(scrutinee).is_some() {
            ref_bindings(pat)
        } else {
            Vec::new()
        };
        for &d in defs {
            if all || by_ref.contains(&self.all[d].ident) {
                self.all[d].reference = true;
            }
        }
    }

    /// The variables `node` reads, in first-use order; marks those it may move.
    pub fn uses_expr(&mut self, expr: &Expr) -> Vec<VarId> {
        self.collect(false, |c| c.visit_expr(expr))
    }

    /// `uses_expr` for `expr` matched against `pats` on its own (an awaiting `match`'s or
    /// `if let`'s scrutinee, an awaiting `let … else`'s value): a place that no pattern binds
    /// by value is matched in place, read and not moved (`Collector::scrutinee`).
    pub fn uses_scrutinee<'p>(
        &mut self,
        expr: &Expr,
        pats: impl IntoIterator<Item = &'p Pat>,
    ) -> Vec<VarId> {
        self.collect(false, |c| c.scrutinee(expr, pats))
    }

    pub fn uses_stmt(&mut self, stmt: &syn::Stmt) -> Vec<VarId> {
        self.collect(false, |c| c.visit_stmt(stmt))
    }

    /// `uses_stmt` for a whole statement whose jumps out of it (`break`/`continue` aimed at a
    /// loop or labelled block around it) are recorded: a variable moved only in a branch that
    /// ends in such a jump is moved on that jump's path, not for the code after the statement.
    /// `moves` leaves those out; `jump_moves` lists them.
    pub fn uses_stmt_with_exits(&mut self, stmt: &syn::Stmt) -> Vec<VarId> {
        self.collect(true, |c| c.visit_stmt(stmt))
    }

    /// `uses_stmt_with_exits` for an expression evaluated on its own (a condition, a
    /// scrutinee, an awaited future).
    pub fn uses_expr_with_exits(&mut self, expr: &Expr) -> Vec<VarId> {
        self.collect(true, |c| c.visit_expr(expr))
    }

    /// The variables the last `uses_stmt_with_exits` call found moved only on jumps out of the
    /// statement.
    pub fn jump_moves(&self) -> Vec<VarId> {
        self.last_jump_moves.clone()
    }
}

/// Bindings introduced by a pattern. An identifier starting with an upper-case letter is taken
/// to be a constant or unit variant, as rustc's naming lints assume.
pub(crate) fn bindings(pat: &Pat, out: &mut Vec<(Ident, bool)>) {
    struct B<'a>(&'a mut Vec<(Ident, bool)>);
    impl Visit<'_> for B<'_> {
        fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
            let upper = p.ident.to_string().starts_with(|c: char| c.is_uppercase());
            if !upper || p.subpat.is_some() {
                self.0.push((p.ident.clone(), p.mutability.is_some()));
            }
            if let Some((_, sub)) = &p.subpat {
                self.visit_pat(sub);
            }
        }
        fn visit_expr(&mut self, _: &Expr) {}
    }
    B(out).visit_pat(pat);
}

/// `pin!`, `std::pin::pin!` or `core::pin::pin!`: the macro that pins a value in place, as a
/// temporary of the statement it is in.
pub(crate) fn is_pin_macro(mac: &syn::Macro) -> bool {
    let segments = crate::syntax::segment_names(&mac.path);
    match segments.as_slice() {
        [pin] => pin == "pin",
        [root, module, pin] => (root == "std" || root == "core") && module == "pin" && pin == "pin",
        _ => false,
    }
}
