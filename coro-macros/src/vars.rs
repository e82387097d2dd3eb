//! Variables of the coroutine body: declaration, scoping, and what each fragment of user code
//! reads. The lowering needs this without type information, so it works from syntax:
//!
//! - a *use* is a single-identifier path that resolves to a variable of the body (fragment-local
//!   bindings shadow);
//! - a use *may move* the variable unless it is under `&`/`&mut`, on the left of an assignment,
//!   the base of an index, or an argument of a formatting macro. A variable that is never used in
//!   a moving position is still initialised at every point of its scope, so it can be stored
//!   across a suspension even when nothing reads it afterwards (keeping rustc's drop order).

use proc_macro2::{Ident, TokenStream, TokenTree};
use std::collections::HashSet;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Macro, Pat, Token};

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

    /// The variables `node` reads, in first-use order; marks those it may move.
    pub fn uses_expr(&mut self, expr: &Expr) -> Vec<VarId> {
        self.collect(false, |c| c.visit_expr(expr))
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

    fn collect(&mut self, exits: bool, f: impl FnOnce(&mut Collector<'_>)) -> Vec<VarId> {
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

// Independent modes of one walk over user code (where a use sits), each a yes/no question.
#[allow(clippy::struct_excessive_bools)]
struct Collector<'a> {
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

const FORMAT_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "format_args",
    "todo",
    "unimplemented",
    "unreachable",
];

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

    fn tokens(&mut self, tokens: TokenStream, moving: bool) {
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => self.use_name(&i.to_string(), moving),
                TokenTree::Group(g) => self.tokens(g.stream(), moving),
                TokenTree::Literal(l) => self.format_string(&l.to_string()),
                TokenTree::Punct(_) => {}
            }
        }
    }

    /// `{name}` and `{name:?}` in a format string read `name`.
    fn format_string(&mut self, lit: &str) {
        if !lit.starts_with('"') && !lit.starts_with('r') {
            return;
        }
        let mut rest = lit;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            if rest.starts_with('{') {
                rest = &rest[1..];
                continue;
            }
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                self.use_name(name, false);
            }
        }
    }
}

impl Collector<'_> {
    fn leaving_if(&mut self, leaves: bool, f: impl FnOnce(&mut Self)) {
        let was = self.leaving;
        self.leaving |= leaves;
        f(self);
        self.leaving = was;
    }

    /// Visits the branch `block` (of an `if` or a `match` arm), as `jumping` if it ends by
    /// jumping out of the statement: its last statement is a `break`/`continue` aimed outside
    /// the statement (with `exits` on, the statement is all that is read), and no other
    /// `break`/`continue` in it leaves the block, so every path through it that reaches its
    /// end takes that jump (or leaves the function).
    fn branch(&mut self, block: &syn::Block) {
        let jumps_out = self.exits
            && block.stmts.split_last().is_some_and(|(last, rest)| {
                let (label, value) = match last {
                    syn::Stmt::Expr(Expr::Break(b), _) => (b.label.as_ref(), b.expr.as_deref()),
                    syn::Stmt::Expr(Expr::Continue(c), _) => (c.label.as_ref(), None),
                    _ => return false,
                };
                let leaves = match label {
                    Some(l) => !self.inner_labels.contains(&l.ident.to_string()),
                    None => self.inner_loops == 0,
                };
                leaves
                    && rest.iter().all(|s| !escapes(|v| v.visit_stmt(s)))
                    && value.is_none_or(|e| !escapes(|v| v.visit_expr(e)))
            });
        let was = self.jumping;
        self.jumping |= jumps_out;
        self.visit_block(block);
        self.jumping = was;
    }

    /// Visits a loop's (or labelled block's) body with its label and, for a loop, its
    /// unlabelled `break`s counted as staying inside the statement.
    fn inside(&mut self, label: Option<&syn::Label>, is_loop: bool, f: impl FnOnce(&mut Self)) {
        self.inner_labels
            .extend(label.map(|l| l.name.ident.to_string()));
        self.inner_loops += usize::from(is_loop);
        f(self);
        self.inner_loops -= usize::from(is_loop);
        if label.is_some() {
            self.inner_labels.pop();
        }
    }

    /// Reads `t.f` without moving `t`.
    fn field_read(&mut self, field: &Expr) {
        let was = std::mem::replace(&mut self.borrow, true);
        self.place(field);
        self.borrow = was;
    }
}

/// `x`, `t.f`, `(x)`: a variable or a field path rooted at one.
fn is_place_read(expr: &Expr) -> bool {
    match expr {
        Expr::Path(p) => p.qself.is_none() && p.path.get_ident().is_some(),
        Expr::Paren(p) => is_place_read(&p.expr),
        other => is_field_place(other),
    }
}

fn is_short_circuit(op: &syn::BinOp) -> bool {
    matches!(op, syn::BinOp::And(_) | syn::BinOp::Or(_))
}

/// `t.f`, `t.0.g`, ...: a field path rooted at a plain variable.
fn is_field_place(expr: &Expr) -> bool {
    let Expr::Field(f) = expr else {
        return false;
    };
    match &*f.base {
        Expr::Path(p) => p.qself.is_none() && p.path.get_ident().is_some(),
        base @ Expr::Field(_) => is_field_place(base),
        _ => false,
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, _: &syn::Item) {}

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.with_scope(|c| visit::visit_block(c, b));
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            // The `else` block always leaves: when by a jump out of the statement, what it
            // moves is moved on that jump's path only, as for a branch (`branch`).
            if let Some((_, e)) = &init.diverge {
                self.leaving_if(leaves_the_function(e), |c| match &**e {
                    Expr::Block(b) if b.label.is_none() => c.branch(&b.block),
                    e => c.visit_expr(e),
                });
            }
        }
        self.bind(&l.pat);
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        // What an `if let` binds is in scope in the rest of its condition and in the `then`
        // block, not in the `else` branch nor after the `if`.
        self.with_scope(|c| {
            c.visit_expr(&i.cond);
            let then = Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block: i.then_branch.clone(),
            });
            c.leaving_if(leaves_the_function(&then), |c| c.branch(&i.then_branch));
        });
        if let Some((_, e)) = &i.else_branch {
            self.leaving_if(leaves_the_function(e), |c| match &**e {
                Expr::Block(b) if b.label.is_none() => c.branch(&b.block),
                e => c.visit_expr(e),
            });
        }
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.with_scope(|c| {
            c.bind(&arm.pat);
            if let Some((_, g)) = &arm.guard {
                c.visit_expr(g);
            }
            match &*arm.body {
                Expr::Block(b) if b.label.is_none() => c.branch(&b.block),
                body => c.visit_expr(body),
            }
        });
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.inside(l.label.as_ref(), true, |c| visit::visit_expr_loop(c, l));
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        // What a `while let` binds is in scope in the body only: a use of the same name
        // after the loop reads the outer variable.
        self.inside(w.label.as_ref(), true, |c| {
            c.with_scope(|c| visit::visit_expr_while(c, w));
        });
    }

    fn visit_expr_block(&mut self, b: &'ast syn::ExprBlock) {
        self.inside(b.label.as_ref(), false, |c| visit::visit_expr_block(c, b));
    }

    fn visit_expr_closure(&mut self, cl: &'ast syn::ExprClosure) {
        let was = self.capturing;
        self.capturing |= cl.capture.is_some();
        self.with_scope(|c| {
            for p in &cl.inputs {
                c.bind(p);
            }
            c.visit_expr(&cl.body);
        });
        self.capturing = was;
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        let was = self.capturing;
        self.capturing |= a.capture.is_some();
        self.visit_block(&a.block);
        self.capturing = was;
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.inside(f.label.as_ref(), true, |c| {
            c.with_scope(|c| {
                c.bind(&f.pat);
                c.visit_block(&f.body);
            });
        });
    }

    /// Binds into the scope that `visit_expr_if` / `visit_expr_while` opened for the
    /// condition and the block it guards. (Shadowing a name for too long is not harmless: a
    /// later use of the outer variable would go unseen, and a state that must store it
    /// would not, E0425.)
    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        self.visit_expr(&l.expr);
        self.bind(&l.pat);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                let name = p.path.segments[0].ident.to_string();
                let moving = !self.borrow;
                self.use_name(&name, moving);
            }
            Expr::Reference(r) => {
                let was = std::mem::replace(&mut self.borrow, true);
                self.place(&r.expr);
                self.borrow = was;
            }
            Expr::Assign(a) => {
                let was = std::mem::replace(&mut self.borrow, true);
                match &*a.left {
                    // The targets of a destructuring assignment, `(a, b) = ..`.
                    Expr::Tuple(t) => t.elems.iter().for_each(|e| self.place(e)),
                    left => self.place(left),
                }
                self.borrow = was;
                self.visit_expr(&a.right);
            }
            // Comparisons take both sides by reference (`PartialEq::eq(&a, &b)`).
            Expr::Binary(b) if is_comparison(&b.op) => {
                let was = std::mem::replace(&mut self.borrow, true);
                self.place(&b.left);
                self.borrow = true;
                self.place(&b.right);
                self.borrow = was;
            }
            Expr::Binary(b) if is_assign(&b.op) => {
                let was = std::mem::replace(&mut self.borrow, true);
                self.place(&b.left);
                self.borrow = was;
                self.visit_expr(&b.right);
            }
            Expr::Index(i) => {
                let was = std::mem::replace(&mut self.borrow, true);
                self.place(&i.expr);
                self.borrow = was;
                self.visit_expr(&i.index);
            }
            // A field as a method receiver (`t.items.len()`) or as an operand of arithmetic,
            // negation or a cast (`t.v + 1`, `t.n as u64`) is nearly always borrowed or a
            // `Copy` read: it does not move `t`. (A field moved out this way leaves `t`
            // partly moved, which rustc then reports if `t` is stored across a suspension.)
            Expr::MethodCall(m) if is_field_place(&m.receiver) => {
                self.field_read(&m.receiver);
                for arg in &m.args {
                    self.visit_expr(arg);
                }
            }
            // Operands of arithmetic, bit operations, negation and casts are nearly always
            // `Copy` numbers: a variable or field read there is not moved. (`s + "x"` with a
            // `String` does move `s`; if `s` is then stored across a suspension, rustc
            // reports the use after move: an error, never a silent difference.)
            Expr::Binary(b) if !is_short_circuit(&b.op) => {
                for side in [&*b.left, &*b.right] {
                    if is_place_read(side) {
                        self.field_read(side);
                    } else {
                        self.visit_expr(side);
                    }
                }
            }
            Expr::Unary(u) if !matches!(u.op, syn::UnOp::Deref(_)) && is_place_read(&u.expr) => {
                self.field_read(&u.expr);
            }
            Expr::Cast(c) if is_place_read(&c.expr) => self.field_read(&c.expr),
            _ => {
                let was = std::mem::replace(&mut self.borrow, false);
                visit::visit_expr(self, expr);
                self.borrow = was;
            }
        }
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if FORMAT_MACROS.contains(&name.as_str()) {
            if let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                for arg in &args {
                    if let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = arg
                    {
                        self.format_string(&format!("{:?}", s.value()));
                    } else {
                        // The formatting machinery only takes references to its arguments.
                        let was = std::mem::replace(&mut self.borrow, true);
                        self.place(arg);
                        self.borrow = was;
                    }
                }
                return;
            }
        }
        self.tokens(mac.tokens.clone(), true);
    }
}

fn is_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp as B;
    matches!(
        op,
        B::AddAssign(_)
            | B::SubAssign(_)
            | B::MulAssign(_)
            | B::DivAssign(_)
            | B::RemAssign(_)
            | B::BitXorAssign(_)
            | B::BitAndAssign(_)
            | B::BitOrAssign(_)
            | B::ShlAssign(_)
            | B::ShrAssign(_)
    )
}

fn is_comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp as B;
    matches!(
        op,
        B::Eq(_) | B::Ne(_) | B::Lt(_) | B::Le(_) | B::Gt(_) | B::Ge(_)
    )
}

/// Is `ty` certainly `Copy` whatever the rest of the program says: primitives, shared
/// references, raw and function pointers, and tuples and arrays of those.
pub(crate) fn surely_copy(ty: &syn::Type) -> bool {
    use syn::Type;
    const PRIMITIVES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64", "bool", "char",
    ];
    match ty {
        Type::Path(p) => {
            p.qself.is_none()
                && p.path
                    .get_ident()
                    .is_some_and(|i| PRIMITIVES.contains(&i.to_string().as_str()))
        }
        Type::Reference(r) => r.mutability.is_none(),
        Type::Ptr(_) | Type::BareFn(_) | Type::Never(_) => true,
        Type::Tuple(t) => t.elems.iter().all(surely_copy),
        Type::Array(a) => surely_copy(&a.elem),
        Type::Paren(p) => surely_copy(&p.elem),
        Type::Group(g) => surely_copy(&g.elem),
        _ => false,
    }
}

/// A `let` that binds one variable to a certainly `Copy` value: declared with such a type, or
/// initialised with a literal.
pub(crate) fn surely_copy_let(local: &syn::Local) -> bool {
    let literal = |e: &Expr| match e {
        Expr::Lit(_) => true,
        Expr::Unary(u) => matches!(&*u.expr, Expr::Lit(_)),
        _ => false,
    };
    match &local.pat {
        Pat::Type(t) => {
            matches!(&*t.pat, Pat::Ident(i) if i.subpat.is_none()) && surely_copy(&t.ty)
        }
        Pat::Ident(i) if i.subpat.is_none() => {
            local.init.as_ref().is_some_and(|init| literal(&init.expr))
        }
        _ => false,
    }
}

/// Is `ty` certainly an owned type (no reference inside at the top): a path that is not one
/// of the function's type parameters (`generics`), or an array or tuple of such.
pub(crate) fn surely_owned(ty: &syn::Type, generics: &[Ident]) -> bool {
    use syn::Type;
    match ty {
        Type::Path(p) => {
            p.qself.is_none()
                && !p.path.get_ident().is_some_and(|i| generics.contains(i))
                && p.path.segments.iter().all(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().all(|g| match g {
                        syn::GenericArgument::Type(t) => surely_owned(t, generics),
                        syn::GenericArgument::Lifetime(_) => false,
                        _ => true,
                    }),
                    syn::PathArguments::None => true,
                    syn::PathArguments::Parenthesized(_) => false,
                })
        }
        Type::Tuple(t) => t.elems.iter().all(|t| surely_owned(t, generics)),
        Type::Array(a) => surely_owned(&a.elem, generics),
        Type::Paren(p) => surely_owned(&p.elem, generics),
        _ => false,
    }
}

/// Is `init` certainly a freshly built value, not a reference: `vec![..]`/`format!(..)`, a
/// struct, array or tuple literal, `T::new(..)`/`from`/`with_capacity`/`default`, a tuple
/// struct or variant, or a call chain ending in `.to_owned()`/`.to_string()`/`.to_vec()`/
/// `.collect()`/`.clone()`? (Borrowing such a variable borrows the coroutine's own storage.)
pub(crate) fn fresh_value(init: &Expr) -> bool {
    match init {
        Expr::Macro(m) => m
            .mac
            .path
            .get_ident()
            .is_some_and(|i| i == "vec" || i == "format"),
        Expr::Struct(_) => true,
        Expr::Array(a) => a.elems.iter().all(fresh_value),
        Expr::Tuple(t) => t.elems.iter().all(fresh_value),
        // `T::new(..)` and friends, or a tuple struct or variant (`Some(..)`, `Wrapper(..)`):
        // a value, not a reference.
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            (p.path.segments.len() >= 2
                && ["new", "from", "with_capacity", "default"].contains(&name.as_str()))
                || name.starts_with(|c: char| c.is_ascii_uppercase())
        })),
        Expr::MethodCall(m) => ["to_owned", "to_string", "to_vec", "collect", "clone"]
            .contains(&m.method.to_string().as_str()),
        Expr::Paren(p) => fresh_value(&p.expr),
        _ => false,
    }
}

/// The variable `init` certainly borrows, as `let x = init;` keeps it: `&v.f` / `&v[i]` (a
/// plain `&v` is an alias, rebuilt after each resume), `v.iter()` and the like followed only by
/// iterator adapters, or `v.as_str()` and the like as the last call.
pub(crate) fn borrowed_root(init: &Expr) -> Option<Ident> {
    const ITERATORS: &[&str] = &[
        "iter",
        "iter_mut",
        "chars",
        "char_indices",
        "bytes",
        "lines",
        "split_whitespace",
        "windows",
        "chunks",
        "keys",
        "values",
        "values_mut",
        "drain",
    ];
    const ADAPTERS: &[&str] = &[
        "enumerate",
        "rev",
        "map",
        "filter",
        "filter_map",
        "skip",
        "take",
        "step_by",
        "peekable",
        "zip",
        "chain",
        "skip_while",
        "take_while",
        "inspect",
        "fuse",
        "cloned",
        "copied",
        "flat_map",
        "flatten",
    ];
    const REFERENCES: &[&str] = &[
        "as_str",
        "as_slice",
        "as_bytes",
        "as_mut_slice",
        "first",
        "last",
        "get",
        "get_mut",
        "first_mut",
        "last_mut",
        "trim",
        "as_deref",
        "as_deref_mut",
    ];
    match init {
        Expr::Reference(r) if !matches!(&*r.expr, Expr::Path(_)) => place_root(&r.expr),
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if REFERENCES.contains(&name.as_str()) {
                return place_root(&m.receiver);
            }
            let mut call = m;
            while ADAPTERS.contains(&call.method.to_string().as_str()) {
                let Expr::MethodCall(inner) = &*call.receiver else {
                    return None;
                };
                call = inner;
            }
            ITERATORS
                .contains(&call.method.to_string().as_str())
                .then(|| place_root(&call.receiver))
                .flatten()
        }
        Expr::Paren(p) => borrowed_root(&p.expr),
        _ => None,
    }
}

/// The variable a place expression (`v`, `v.f`, `v[i]`, `(v)`) is rooted at.
pub(crate) fn place_root(expr: &Expr) -> Option<Ident> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().cloned(),
        Expr::Field(f) => place_root(&f.base),
        Expr::Index(i) => place_root(&i.expr),
        Expr::Paren(p) => place_root(&p.expr),
        _ => None,
    }
}

/// The bindings of `pat` written `ref x` / `ref mut x`.
pub(crate) fn ref_bindings(pat: &Pat) -> Vec<Ident> {
    struct Finder(Vec<Ident>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            if p.by_ref.is_some() {
                self.0.push(p.ident.clone());
            }
            visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut f = Finder(Vec::new());
    f.visit_pat(pat);
    f.0
}

/// `tokens` as a user would write them: `& v [0]` → `&v[0]`.
pub(crate) fn code_text(tokens: &TokenStream) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [
        (" . ", "."),
        (" .", "."),
        (". ", "."),
        ("& ", "&"),
        (" [", "["),
        ("[ ", "["),
        (" ]", "]"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" ,", ","),
        (" :: ", "::"),
        (" !", "!"),
    ] {
        text = text.replace(from, to);
    }
    text
}

/// Does code that `visit` walks hold a `break`/`continue` that leaves it (one not aimed at a
/// loop or labelled block inside it; closures and async blocks are their own bodies)?
fn escapes(visit: impl FnOnce(&mut Escapes)) -> bool {
    let mut e = Escapes {
        loops: 0,
        labels: Vec::new(),
        found: false,
    };
    visit(&mut e);
    e.found
}

struct Escapes {
    loops: usize,
    labels: Vec<String>,
    found: bool,
}

impl Escapes {
    fn jump(&mut self, label: Option<&syn::Lifetime>) {
        self.found |= match label {
            Some(l) => !self.labels.contains(&l.ident.to_string()),
            None => self.loops == 0,
        };
    }

    fn inside(&mut self, label: Option<&syn::Label>, is_loop: bool, e: &Expr) {
        self.labels.extend(label.map(|l| l.name.ident.to_string()));
        self.loops += usize::from(is_loop);
        visit::visit_expr(self, e);
        self.loops -= usize::from(is_loop);
        if label.is_some() {
            self.labels.pop();
        }
    }
}

impl<'ast> Visit<'ast> for Escapes {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Break(b) => {
                self.jump(b.label.as_ref());
                visit::visit_expr(self, e);
            }
            Expr::Continue(c) => self.jump(c.label.as_ref()),
            Expr::Loop(l) => self.inside(l.label.as_ref(), true, e),
            Expr::While(w) => self.inside(w.label.as_ref(), true, e),
            // The iterated expression runs outside the loop.
            Expr::ForLoop(f) => {
                self.visit_expr(&f.expr);
                self.labels
                    .extend(f.label.as_ref().map(|l| l.name.ident.to_string()));
                self.loops += 1;
                self.visit_block(&f.body);
                self.loops -= 1;
                if f.label.is_some() {
                    self.labels.pop();
                }
            }
            Expr::Block(b) if b.label.is_some() => self.inside(b.label.as_ref(), false, e),
            Expr::Closure(_) | Expr::Async(_) => {}
            _ => visit::visit_expr(self, e),
        }
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Does the block `e` always leave the function: its last statement is a `return`, and it
/// holds no `break`/`continue` (which could leave it for later code of the same function)?
/// Then a variable it moves is moved only on a path that never reaches anything after it.
pub(crate) fn leaves_the_function(e: &Expr) -> bool {
    struct Exits(bool);
    impl<'ast> Visit<'ast> for Exits {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Break(_) | Expr::Continue(_) | Expr::Try(_) => self.0 = true,
                Expr::Closure(_) | Expr::Async(_) => {}
                _ => visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let Expr::Block(b) = e else { return false };
    let last_leaves = matches!(
        b.block.stmts.last(),
        Some(syn::Stmt::Expr(Expr::Return(_), _))
    );
    if !last_leaves {
        return false;
    }
    let mut exits = Exits(false);
    exits.visit_block(&b.block);
    !exits.0
}
