//! The walk over user code that finds which variables a fragment reads and which uses may
//! move them (`Vars::uses_expr` and friends). It is one `syn::visit` pass with a few modes
//! (under `&`, in a `move` closure, in a branch that leaves the function or jumps out of the
//! statement); kept apart from `Vars`' bookkeeping of declarations and scopes, which it only
//! reads.

use super::{VarId, Vars, bindings};
use proc_macro2::{TokenStream, TokenTree};
use std::collections::HashSet;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Macro, Pat, Token};

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

/// Does `pat` bind nothing by value: only `_`, `..`, literals, ranges, paths (unit structs,
/// constants) and `ref`/`ref mut` bindings, in any tuple, struct, slice or `|` around them?
/// Matching a place against such a pattern moves nothing out of it. A plain binding (`_x`,
/// `a` in `(a, _)`) moves, wholly or in part; a `&` pattern or a macro is not looked into.
fn binds_nothing_by_value(pat: &Pat) -> bool {
    match pat {
        Pat::Wild(_) | Pat::Rest(_) | Pat::Lit(_) | Pat::Range(_) | Pat::Path(_) => true,
        Pat::Ident(i) => {
            i.by_ref.is_some()
                && i.subpat
                    .as_ref()
                    .is_none_or(|(_, sub)| binds_nothing_by_value(sub))
        }
        Pat::Type(t) => binds_nothing_by_value(&t.pat),
        Pat::Paren(p) => binds_nothing_by_value(&p.pat),
        Pat::Tuple(t) => t.elems.iter().all(binds_nothing_by_value),
        Pat::TupleStruct(t) => t.elems.iter().all(binds_nothing_by_value),
        Pat::Slice(s) => s.elems.iter().all(binds_nothing_by_value),
        Pat::Struct(s) => s.fields.iter().all(|f| binds_nothing_by_value(&f.pat)),
        Pat::Or(o) => o.cases.iter().all(binds_nothing_by_value),
        _ => false,
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
            // `let _ = g;`, `let P(ref n, _) = g;`: a pattern that binds nothing by value
            // matches the place `g` in place, as `match g { .. }` does; `g` stays whole and
            // drops at the end of its scope. A value that is not a place (`let _ = f(g);`)
            // is still read as usual.
            if binds_nothing_by_value(&l.pat) {
                self.field_read(&init.expr);
            } else {
                self.visit_expr(&init.expr);
            }
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
fn leaves_the_function(e: &Expr) -> bool {
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
