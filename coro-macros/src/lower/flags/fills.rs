//! An assignment, on some paths or nested, after a decision (ARCHITECTURE.md, "Drop flags",
//! **Filled after the decision**; difftest finding 12). Once a statement of a block has
//! decided `x` on every path (the locals `seq` hands on, refills.rs), the flag holds whatever
//! `x` holds, and `x` itself is moved. A later statement of the block that names `x` only as
//! the target of plain assignments (`if c { x = e; }`, an `else` branch, a nested block, a
//! loop body) puts the new value in the flag instead. `flag = Some(e)` runs in rustc's order:
//! `e` first, then the old value (if the flag held one) drops, then the new one is stored.
//!
//! Input: `let t = <match that decides x>; if c { x = D::new(); } f().await;`
//! Output: `let t = <the match, setting __flagN>; if c { __flagN = Some(D::new()); }
//! f().await;` (stores `__flagN`)
//!
//! When every path that completes the statement assigns `x` exactly once, and none leaves it
//! (`leaves`: no `break` or `continue` out of it, no `return` or `?`), `x` is certainly there
//! again afterwards: it takes its value back from the flag (`x = Option::unwrap(__flagN);`,
//! never `None` there) and is an ordinary local from there on, which later statements may use.
//!
//! The first pass has no flag yet: it reads such an assignment as `drop(e)` (the same uses,
//! and not a use of `x`, so the watch goes on), and a node that claims to assign `x` makes the
//! second pass run whatever the first found. The second pass rewrites the statement only for
//! an `x` the first confirmed; otherwise it lowers the statement as written.

use super::formats::may_capture;
use crate::lower::{Lowerer, Node};
use crate::normalize::has_await;
use crate::vars::VarId;
use proc_macro2::{Ident, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Stmt};

/// What `fill_flags` made of a statement.
pub(in crate::lower) struct Filled {
    /// The statement, its assignments to the flagged locals rewritten.
    pub stmt: Stmt,
    /// The statements that give each local assigned on every path its value back.
    pub take_back: Vec<Stmt>,
    /// (First pass) nodes to lower before the statement.
    pub before: Vec<Node>,
}

impl Lowerer {
    /// Does `stmt` assign `v` on every path that completes it, naming it only as the target of
    /// `v = e` (see `only_assigns` and `assigns_once`)? Then, like `v = e;`, it initialises `v`
    /// and does not read it (lower/plain.rs).
    pub(in crate::lower) fn definitely_assigns(&self, stmt: &Stmt, v: VarId) -> bool {
        self.only_assigns(stmt, v) && assigns_once(stmt, &self.vars.all[v].ident)
    }

    /// Does `stmt` name `v` only as the target of `v = e` (`only_assigns`)? It does not read
    /// `v` then (lower/plain.rs). (In a `let`, a pattern that binds the name is a mention.)
    pub(in crate::lower) fn only_assigns(&self, stmt: &Stmt, v: VarId) -> bool {
        let var = &self.vars.all[v];
        let name = &var.ident;
        var.current.as_ref() == Some(name)
            && self.vars.lookup(&name.to_string()) == Some(v)
            && matches!(stmt, Stmt::Expr(..) | Stmt::Local(_))
            && only_assigns(stmt, name)
    }

    /// Takes out of `uses` (what `stmt` names) the locals that `stmt` names only as the
    /// target of `x = e` (`only_assigns`), and notes them for `assigned_ahead`, with whether
    /// every path that completes `stmt` assigns them (`definitely_assigns`): the code assigns
    /// them, or may, and reads none of them (difftest finding 13). Counted as a read, such an
    /// assignment made a moved `x` live, and stored, at the suspensions before it (E0382):
    /// `let y = { if c { x = e; } 1 };`, or the same in a condition, a scrutinee, an awaited
    /// future's expression or a `let … else`. A statement does the same itself
    /// (lower/plain.rs), and so does a jump's value (`Jump::fills`).
    pub(in crate::lower) fn take_assigned(&mut self, stmt: &Stmt, uses: &mut Vec<VarId>) {
        let assigned: Vec<(VarId, bool)> = uses
            .iter()
            .copied()
            .filter(|&u| self.only_assigns(stmt, u))
            .map(|u| (u, self.definitely_assigns(stmt, u)))
            .collect();
        uses.retain(|u| !assigned.iter().any(|(a, _)| a == u));
        self.assigned_ahead.extend(assigned);
    }

    /// For a jump's value: the locals it names only as the target of `x = e`, taken out of
    /// `uses` (`Jump::fills`), and those of them it assigns on every path that completes it,
    /// which the jump defines (`Jump::defs`: dead before it, whatever they held).
    pub(in crate::lower) fn value_fills(
        &self,
        value: Option<&Expr>,
        uses: &mut Vec<VarId>,
    ) -> (Vec<VarId>, Vec<VarId>) {
        let Some(value) = value else {
            return (Vec::new(), Vec::new());
        };
        let stmt = Stmt::Expr(value.clone(), None);
        let fills: Vec<VarId> = uses
            .iter()
            .copied()
            .filter(|&u| self.only_assigns(&stmt, u))
            .collect();
        uses.retain(|u| !fills.contains(u));
        let surely = fills
            .iter()
            .copied()
            .filter(|&u| self.definitely_assigns(&stmt, u))
            .collect();
        (fills, surely)
    }

    /// The nodes that go next to the construct (or `let`) whose code `take_assigned` read
    /// last, if that assigns locals: they say so, and print nothing. One that assigns on
    /// every path is a definition, as `x = e;` is (its old value is dead before the
    /// construct); one that may assign kills nothing. The arm declares such a local again if
    /// it does not store it (`liveness::redeclared`).
    pub(in crate::lower) fn assigned_ahead(&mut self) -> Vec<Node> {
        let assigned = std::mem::take(&mut self.assigned_ahead);
        [true, false]
            .into_iter()
            .filter_map(|surely| {
                let defs: Vec<VarId> = assigned
                    .iter()
                    .filter(|(_, s)| *s == surely)
                    .map(|(v, _)| *v)
                    .collect();
                (!defs.is_empty()).then(|| Node::Code {
                    tokens: TokenStream::new(),
                    uses: Vec::new(),
                    moves: Vec::new(),
                    defs,
                    assigns: true,
                    uninit: !surely,
                    jumps: Vec::new(),
                })
            })
            .collect()
    }

    /// Does `stmt` name some local only as the target of `x = e` (`only_assigns`)?
    pub(in crate::lower) fn assigns_a_local(&self, stmt: &Stmt) -> bool {
        let mut targets = Vec::new();
        assign_targets(stmt, &mut targets);
        targets.iter().any(|name| {
            self.vars
                .lookup(&name.to_string())
                .is_some_and(|v| self.only_assigns(stmt, v))
        })
    }

    /// Reads `stmt`, the next statement of a block after statements that decided `handed`:
    /// for each of them that `stmt` names only as the target of plain `x = e;` assignments,
    /// the rewrite described above. `None` when there is none. A local that takes its value
    /// back leaves `handed` (it is an ordinary local again) and its watch ends there.
    pub(in crate::lower) fn fill_flags(
        &mut self,
        stmt: &Stmt,
        handed: &mut Vec<VarId>,
    ) -> Option<Filled> {
        let mut filled: Option<Filled> = None;
        for v in handed.clone() {
            let var = &self.vars.all[v];
            let name = var.ident.clone();
            if var.current.as_ref() != Some(&name) || self.vars.lookup(&name.to_string()) != Some(v)
            {
                continue;
            }
            // The first pass watches `x` (no use seen yet); the second rewrites only what the
            // first confirmed, and no longer watches it.
            let first_pass = self.vars.first_pass();
            let flag = self.vars.all[v].flag;
            let watched = self.vars.watched.get(&v) == Some(&false);
            // A local a statement moved for certain (emptied.rs) is watched from here on.
            let emptied = first_pass
                && !self.vars.watched.contains_key(&v)
                && !self.deciding.iter().any(|(d, _)| *d == v);
            if (first_pass && !watched && !emptied) || (!first_pass && flag.is_none()) {
                continue;
            }
            let target = flag.map(|f| self.vars.all[f].ident.clone());
            // A new value that the statement moves again goes through the flag
            // (moved_again.rs); what is left names `x` only as an assignment's target.
            let current = filled.as_ref().map_or(stmt, |f| &f.stmt).clone();
            let (current, runs) = self.moved_again(&current, v, &name, target.as_ref());
            let named = mentions(&in_scope(&current, &name).to_token_stream(), &name) > 0;
            if named && !only_assigns(&current, &name) || !named && runs == 0 {
                continue;
            }
            let once =
                assigns_once(&current, &name) && !leaves(&current) && !self.bypassed.contains(&v);
            if emptied {
                // A definition, as without a flag: nothing to keep in one.
                if once {
                    continue;
                }
                self.vars.watched.insert(v, false);
                self.watch.push((v, false));
            }
            let mut next = current;
            Fill {
                name: &name,
                flag: target.as_ref(),
            }
            .visit_stmt_mut(&mut next);
            let out = filled.get_or_insert_with(|| Filled {
                stmt: next.clone(),
                take_back: Vec::new(),
                before: Vec::new(),
            });
            out.stmt = next;
            if first_pass {
                // Makes the second pass run: the statement written here is not the program's.
                out.before.push(Node::Code {
                    tokens: TokenStream::new(),
                    uses: Vec::new(),
                    moves: Vec::new(),
                    defs: vec![v],
                    assigns: true,
                    uninit: false,
                    jumps: Vec::new(),
                });
            }
            if once {
                // (The first pass's value only has to name nothing.)
                let value = target.as_ref().map_or_else(
                    || quote!(::core::unreachable!()),
                    |f| quote!(::core::option::Option::unwrap(#f)),
                );
                out.take_back.push(syn::parse_quote!(#name = #value;));
                handed.retain(|&h| h != v);
                self.vars.watched.remove(&v);
                self.refilled.push(v);
            }
        }
        filled
    }
}

/// The names that `stmt` assigns by `name = e` (outside closures, async blocks and items).
pub(in crate::lower) fn assign_targets(stmt: &Stmt, out: &mut Vec<Ident>) {
    struct Targets<'a>(&'a mut Vec<Ident>);
    impl<'ast> Visit<'ast> for Targets<'_> {
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            if let Expr::Path(p) = &*a.left {
                self.0.extend(p.path.get_ident().cloned());
            }
            visit::visit_expr_assign(self, a);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    Targets(out).visit_stmt(stmt);
}

/// Does `stmt` name `name`, and only as the target of `name = e` (outside closures and async
/// blocks, `e` naming neither `name` nor an `.await`)?
fn only_assigns(stmt: &Stmt, name: &Ident) -> bool {
    struct Targets<'a> {
        name: &'a Ident,
        found: usize,
        bad: bool,
    }
    impl<'ast> Visit<'ast> for Targets<'_> {
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            if is_name(&a.left, self.name) {
                self.found += 1;
                self.bad |= has_await(&a.right);
                self.visit_expr(&a.right);
            } else {
                visit::visit_expr_assign(self, a);
            }
        }
        // An assignment in a closure or async block runs when that does: not followed.
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    }
    let mut t = Targets {
        name,
        found: 0,
        bad: false,
    };
    let stmt = &in_scope(stmt, name);
    t.visit_stmt(stmt);
    // Every other mention (a read, a binding, a macro's tokens, a closure) is a use.
    !t.bad && t.found > 0 && t.found == mentions(&stmt.to_token_stream(), name)
}

/// `stmt` where `name` still means the local: in each block, what follows a `let` that
/// binds `name` is cut, and that `let`'s pattern (or `stmt`'s own, for a `let`) becomes `_`
/// (its initialiser and `else` block still see the local). (`{ x = e; let x = 1; f(x) }`
/// and `let x = { x = e; 1 };` name the local once.)
pub(super) fn in_scope(stmt: &Stmt, name: &Ident) -> Stmt {
    struct Cut<'a>(&'a Ident);
    impl VisitMut for Cut<'_> {
        fn visit_block_mut(&mut self, b: &mut syn::Block) {
            if let Some(at) = b.stmts.iter().position(|s| binds_name(s, self.0)) {
                b.stmts.truncate(at + 1);
                if let Some(Stmt::Local(l)) = b.stmts.last_mut() {
                    l.pat = syn::parse_quote!(_);
                }
            }
            visit_mut::visit_block_mut(self, b);
        }
    }
    let mut stmt = stmt.clone();
    // (So does a `let` statement's own initialiser.)
    if let Stmt::Local(l) = &mut stmt {
        if binds_name(&Stmt::Local(l.clone()), name) {
            l.pat = syn::parse_quote!(_);
        }
    }
    Cut(name).visit_stmt_mut(&mut stmt);
    stmt
}

/// Is `stmt` a `let` whose pattern binds `name`?
pub(super) fn binds_name(stmt: &Stmt, name: &Ident) -> bool {
    super::lets_bind(std::slice::from_ref(stmt), name)
}

/// `expr` is the path `name`.
pub(super) fn is_name(expr: &Expr, name: &Ident) -> bool {
    matches!(expr, Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// How many times the identifier `name` occurs in `tokens` where it may name a local
/// (`names_a_local`), or a string literal may capture it as a format string.
pub(super) fn mentions(tokens: &TokenStream, name: &Ident) -> usize {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    (0..tokens.len())
        .map(|k| match &tokens[k] {
            TokenTree::Ident(i) => usize::from(i == name && names_a_local(&tokens, k)),
            TokenTree::Group(g) => mentions(&g.stream(), name),
            // A format string's capture (`format!("{x}")`) names it too (formats.rs).
            TokenTree::Literal(l) => usize::from(may_capture(l, name)),
            TokenTree::Punct(_) => 0,
        })
        .sum()
}

/// May the identifier `tokens[k]` name a local? Not as a field or method (`.x`), a path's
/// later segment (`a::x`) or a label (`'x`), nor as a path's first segment (`x::`), a macro's
/// name (`x!`) or a field's name in a struct expression or pattern (`P { x: e }`; a shorthand
/// field, `P { x }`, does name the local).
pub(super) fn names_a_local(tokens: &[TokenTree], k: usize) -> bool {
    let punct = |k: usize| match tokens.get(k) {
        Some(TokenTree::Punct(p)) => Some((p.as_char(), p.spacing())),
        _ => None,
    };
    let before = k.checked_sub(1).and_then(punct);
    let path_segment = before == Some((':', Spacing::Alone))
        && k.checked_sub(2).and_then(punct) == Some((':', Spacing::Joint));
    !matches!(before, Some(('.' | '\'', _)))
        && !path_segment
        && !matches!(punct(k + 1), Some(('!' | ':', _)))
}

/// Could `stmt` leave before it completes, other than by a panic: a `break`/`continue` not
/// aimed at a loop or labelled block inside it (`'b: { if c { break 'b; } .. }` stays), a
/// `return` or a `?` (not in a closure or async block, which are bodies of their own)? A
/// macro's tokens count when they hold any of those (they may expand to one).
pub(super) fn leaves(stmt: &Stmt) -> bool {
    let mut l = Leaves {
        loops: 0,
        labels: Vec::new(),
        found: false,
    };
    l.visit_stmt(stmt);
    l.found
}

struct Leaves<'a> {
    /// How many loops around the code being read, inside the statement.
    loops: usize,
    /// The labels of the loops and blocks around it, inside the statement.
    labels: Vec<&'a Ident>,
    found: bool,
}

impl<'a> Leaves<'a> {
    fn jump(&mut self, label: Option<&syn::Lifetime>) {
        self.found |= match label {
            Some(l) => !self.labels.contains(&&l.ident),
            None => self.loops == 0,
        };
    }

    /// Reads `body`, the body of a loop or labelled block inside the statement.
    fn inside(&mut self, label: Option<&'a syn::Label>, is_loop: bool, body: &'a syn::Block) {
        self.labels.extend(label.map(|l| &l.name.ident));
        self.loops += usize::from(is_loop);
        self.visit_block(body);
        self.loops -= usize::from(is_loop);
        if label.is_some() {
            self.labels.pop();
        }
    }
}

impl<'a> Visit<'a> for Leaves<'a> {
    fn visit_expr(&mut self, e: &'a Expr) {
        match e {
            Expr::Break(b) => {
                self.jump(b.label.as_ref());
                visit::visit_expr(self, e);
            }
            Expr::Continue(c) => self.jump(c.label.as_ref()),
            Expr::Return(_) | Expr::Try(_) => {
                self.found = true;
            }
            Expr::Loop(l) => self.inside(l.label.as_ref(), true, &l.body),
            // A `for` loop's iterator is read outside its loop (a `while` condition may
            // not hold an unlabelled `break` either: E0590).
            Expr::While(w) => {
                self.visit_expr(&w.cond);
                self.inside(w.label.as_ref(), true, &w.body);
            }
            Expr::ForLoop(f) => {
                self.visit_expr(&f.expr);
                self.inside(f.label.as_ref(), true, &f.body);
            }
            Expr::Block(b) if b.label.is_some() => self.inside(b.label.as_ref(), false, &b.block),
            Expr::Closure(_) | Expr::Async(_) => {}
            _ => visit::visit_expr(self, e),
        }
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        self.found |= jump_tokens(&m.tokens);
    }
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// Do `tokens` hold `break`, `continue`, `return` or `?`?
fn jump_tokens(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == "break" || i == "continue" || i == "return",
        TokenTree::Punct(p) => p.as_char() == '?',
        TokenTree::Group(g) => jump_tokens(&g.stream()),
        TokenTree::Literal(_) => false,
    })
}

/// Does every path that completes `stmt` assign `name` exactly once (`stmt` names it only as
/// an assignment's target, `only_assigns`)?
fn assigns_once(stmt: &Stmt, name: &Ident) -> bool {
    fn expr(e: &Expr, name: &Ident) -> bool {
        match e {
            Expr::Assign(a) => is_name(&a.left, name),
            Expr::Paren(p) => expr(&p.expr, name),
            Expr::Block(b) if b.label.is_none() => block(&b.block, name),
            Expr::If(i) => {
                let Some((_, els)) = &i.else_branch else {
                    return false;
                };
                mentions(&i.cond.to_token_stream(), name) == 0
                    && block(&i.then_branch, name)
                    && expr(els, name)
            }
            Expr::Match(m) => {
                mentions(&m.expr.to_token_stream(), name) == 0
                    && !m.arms.is_empty()
                    && m.arms.iter().all(|arm| {
                        let guard = arm.guard.as_ref().map(|(_, g)| g.to_token_stream());
                        guard.is_none_or(|g| mentions(&g, name) == 0) && expr(&arm.body, name)
                    })
            }
            // Operands that always run, in order: the one that names `name` must assign it.
            Expr::Call(c) => one_of(std::iter::once(&*c.func).chain(&c.args), name),
            Expr::MethodCall(m) => one_of(std::iter::once(&*m.receiver).chain(&m.args), name),
            Expr::Tuple(t) => one_of(&t.elems, name),
            Expr::Array(a) => one_of(&a.elems, name),
            Expr::Binary(b) if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                one_of([&*b.left, &*b.right], name)
            }
            Expr::Await(a) => expr(&a.base, name),
            Expr::Loop(l) => once_through(l, name),
            Expr::Unary(u) => expr(&u.expr, name),
            Expr::Reference(r) => expr(&r.expr, name),
            Expr::Cast(c) => expr(&c.expr, name),
            _ => false,
        }
    }
    fn one_of<'a>(operands: impl IntoIterator<Item = &'a Expr>, name: &Ident) -> bool {
        let mut naming = operands
            .into_iter()
            .filter(|e| mentions(&e.to_token_stream(), name) > 0);
        match (naming.next(), naming.next()) {
            (Some(e), None) => expr(e, name),
            _ => false,
        }
    }
    fn block(b: &syn::Block, name: &Ident) -> bool {
        let mut naming = b
            .stmts
            .iter()
            .filter(|s| mentions(&s.to_token_stream(), name) > 0);
        match (naming.next(), naming.next()) {
            (Some(Stmt::Expr(e, _)), None) => expr(e, name),
            _ => false,
        }
    }
    // A loop whose body runs once: every statement but the last completes (none leaves),
    // and the last is a `break` out of it; one of them names `name` and assigns it once.
    fn once_through(l: &syn::ExprLoop, name: &Ident) -> bool {
        let Some((Stmt::Expr(Expr::Break(b), _), rest)) = l.body.stmts.split_last() else {
            return false;
        };
        let ours = match (&b.label, &l.label) {
            (None, _) => true,
            (Some(to), Some(own)) => to.ident == own.name.ident,
            (Some(_), None) => false,
        };
        let mut naming = rest
            .iter()
            .filter(|s| mentions(&s.to_token_stream(), name) > 0);
        match (naming.next(), naming.next()) {
            (Some(Stmt::Expr(e, _)), None) => {
                ours && !rest.iter().any(leaves)
                    && mentions(&b.to_token_stream(), name) == 0
                    && expr(e, name)
            }
            _ => false,
        }
    }
    match &in_scope(stmt, name) {
        Stmt::Expr(e, _) => expr(e, name),
        Stmt::Local(syn::Local {
            init: Some(init), ..
        }) if init.diverge.is_none() => expr(&init.expr, name),
        _ => false,
    }
}

/// Rewrites each `name = e` into `flag = Some(e)`, or, without a flag (the first pass),
/// `drop(e)`.
struct Fill<'a> {
    name: &'a Ident,
    flag: Option<&'a Ident>,
}

impl VisitMut for Fill<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Assign(a) = e {
            if is_name(&a.left, self.name) {
                // (`x = { x = a; b }` assigns twice.)
                self.visit_expr_mut(&mut a.right);
                let (right, span) = (&a.right, a.span());
                *e = match self.flag {
                    Some(flag) => syn::parse_quote_spanned!(span=>
                        #flag = ::core::option::Option::Some(#right)
                    ),
                    None => syn::parse_quote_spanned!(span=> ::core::mem::drop(#right)),
                };
                return;
            }
        }
        visit_mut::visit_expr_mut(self, e);
    }
    // After a `let` that binds the name, it means that binding.
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        for stmt in &mut b.stmts {
            self.visit_stmt_mut(stmt);
            if binds_name(stmt, self.name) {
                break;
            }
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
}
