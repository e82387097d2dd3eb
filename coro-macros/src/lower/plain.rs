//! Await-free statements: one statement lowered as ordinary Rust inside an arm (`plain`), with
//! what that needs around it: `macro_rules!` aliases for variables that a binding shadows, the
//! borrows a pattern binding or `let` takes of another local, and the jump markers put in place
//! of a `break`/`continue` that leaves for another state. Separate from constructs.rs, which
//! takes apart the constructs that contain an await.

use super::marker::Marker;
use super::{Lowerer, Node};
use crate::names;
use crate::vars::VarId;
use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Expr, Pat, Stmt};

impl Lowerer {
    /// Bindings of a match arm or `if let` that shadow a variable: inside the arm the old
    /// variable is named through a `macro_rules!` alias defined before the `match` (see
    /// `plain`), added to `prelude` once per variable.
    pub(super) fn shadowing_pattern(&mut self, pat: &Pat, prelude: &mut TokenStream) {
        let mut found = Vec::new();
        crate::vars::bindings(pat, &mut found);
        for (ident, _) in found {
            let Some(id) = self.vars.lookup(&ident.to_string()) else {
                continue;
            };
            let Some(current) = self.vars.all[id].current.clone() else {
                continue;
            };
            let alias = names::shadow_name(id);
            if current != alias {
                let current = names::expr_name(&current);
                prelude.extend(quote!(macro_rules! #alias { () => { #current } }));
            }
            self.vars.rename(id, Some(alias));
        }
    }

    /// Code defining the macros `shadowing_pattern` collected (nothing to evaluate).
    pub(super) fn prelude(tokens: TokenStream) -> Node {
        Node::Code {
            tokens,
            uses: Vec::new(),
            moves: Vec::new(),
            defs: Vec::new(),
            assigns: false,
            uninit: false,
            jumps: Vec::new(),
        }
    }

    /// The variable `root` names where `def` is declared, through a `let r = &x;` alias.
    fn source_of(&self, root: &proc_macro2::Ident, def: VarId) -> Option<VarId> {
        let v = self.vars.lookup(&root.to_string())?;
        if v == def || self.vars.all[v].current.as_ref() != Some(root) {
            return None;
        }
        Some(self.vars.all[v].alias.map_or(v, |(src, _)| src))
    }

    /// Bindings of an arm (or `if let`) pattern that borrow the scrutinee's variable: all of
    /// them when the scrutinee is `&v..`/`&mut v..`, the `ref` ones when it is a place of `v`.
    pub(super) fn mark_pattern_borrows(&mut self, scrutinee: &Expr, pat: &Pat, defs: &[VarId]) {
        let text = format!(
            "{}` in a match on `{}",
            crate::vars::code_text(&quote!(#pat)),
            crate::vars::code_text(&quote!(#scrutinee))
        );
        self.mark_borrows_by(scrutinee, pat, defs, &text);
    }

    /// The same for a `let` pattern (`let P(_, ref s) = p;`, with or without `else`): its
    /// `ref` bindings borrow `p` as an arm's would.
    pub(super) fn mark_let_borrows(&mut self, init: &Expr, pat: &Pat, defs: &[VarId]) {
        let text = format!(
            "let {} = {}",
            crate::vars::code_text(&quote!(#pat)),
            crate::vars::code_text(&quote!(#init))
        );
        self.mark_borrows_by(init, pat, defs, &text);
    }

    fn mark_borrows_by(&mut self, scrutinee: &Expr, pat: &Pat, defs: &[VarId], text: &str) {
        self.vars.mark_references(scrutinee, pat, defs);
        let (root, all) = match scrutinee {
            Expr::Reference(r) => (crate::vars::place_root(&r.expr), true),
            place => (crate::vars::place_root(place), false),
        };
        let Some(root) = root else { return };
        let by_ref = crate::vars::ref_bindings(pat);
        for &d in defs {
            if !all && !by_ref.contains(&self.vars.all[d].ident) {
                continue;
            }
            if let Some(src) = self.source_of(&root, d) {
                self.vars.all[d].borrows = Some((src, text.to_owned()));
            }
        }
    }

    /// An await-free statement. A `let` that shadows a variable gives the old one a
    /// `macro_rules!` alias first, so later states can still name it (see below).
    pub(super) fn plain(&mut self, stmt: &Stmt) -> Node {
        let mut uses = self.vars.uses_stmt_with_exits(stmt);
        let mut moves = self.vars.moves();
        let jump_moves = self.vars.jump_moves();
        let original = stmt;
        let mut stmt = stmt.clone();
        let (jumps, jump_aliases) = self.mark_jumps_stmt(&mut stmt);
        // A branch that ends by jumping out of the statement (`if c { consume(x); break; }`):
        // what only such branches move is moved on the paths of the statement's jumps (all of
        // them: a move too many there only drops a dead local early), not for the code after
        // it, which those paths never reach.
        self.moved_on_jumps(&jumps, &jump_moves);
        // The `else` block of a `let … else` always leaves (`return`, `break`, `continue`): what
        // only it moves is moved on the paths of its jumps, not for the code after the `let`.
        if let Stmt::Local(syn::Local {
            init:
                Some(syn::LocalInit {
                    expr,
                    diverge: Some((_, els)),
                    ..
                }),
            ..
        }) = original
        {
            self.vars.uses_expr(expr);
            let in_init = self.vars.moves();
            self.vars.uses_expr(els);
            let only_else: Vec<VarId> = self
                .vars
                .moves()
                .into_iter()
                .filter(|v| !in_init.contains(v))
                .collect();
            moves.retain(|v| !only_else.contains(v));
            self.moved_on_jumps(&jumps, &only_else);
        }
        let Stmt::Local(local) = &stmt else {
            // `x = e;` (re)initialises `x`: it is dead just before, whatever it held then.
            // So does `(a, b) = e;` each of `a` and `b`, when every place it assigns is a
            // local (or `_`).
            let mut defs: Vec<VarId> = match &stmt {
                Stmt::Expr(Expr::Assign(a), _) => assigned_locals(&a.left)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|i| self.vars.lookup(&i.to_string()))
                    .filter(|v| self.vars.all[*v].current.is_some())
                    .collect(),
                _ => Vec::new(),
            };
            if defs.is_empty() {
                // A statement that names `x` only as the target of `x = e` and assigns it on
                // every path that completes it (`{ x = e; }`, an `if`/`match` whose branches
                // all do) initialises it as `x = e;` does, whatever it held before: not a read
                // (which would make a moved `x` live, and stored, before it).
                defs = uses
                    .iter()
                    .copied()
                    .filter(|&v| self.definitely_assigns(original, v))
                    .collect();
                uses.retain(|u| !defs.contains(u));
                // One that assigns it on some paths only does not read it either, but leaves
                // it as it was on the others: it may assign `x` (`assigns` with `uninit`).
                let maybe: Vec<VarId> = uses
                    .iter()
                    .copied()
                    .filter(|&v| self.only_assigns(original, v))
                    .collect();
                if defs.is_empty() && !maybe.is_empty() {
                    uses.retain(|u| !maybe.contains(u));
                    return Node::Code {
                        tokens: quote!(#jump_aliases #stmt),
                        uses,
                        moves,
                        assigns: true,
                        uninit: true,
                        defs: maybe,
                        jumps,
                    };
                }
            } else {
                let Stmt::Expr(Expr::Assign(a), _) = &stmt else {
                    unreachable!("defs come from an assignment")
                };
                uses = self.vars.uses_expr(&a.right);
                moves = self.vars.moves();
                // `x = f({ x = a; b })`: the inner assignment does not read `x` either.
                let right = Stmt::Expr((*a.right).clone(), None);
                uses.retain(|&u| !(defs.contains(&u) && self.only_assigns(&right, u)));
            }
            return Node::Code {
                tokens: quote!(#jump_aliases #stmt),
                uses,
                moves,
                assigns: !defs.is_empty(),
                uninit: false,
                defs,
                jumps,
            };
        };
        // An initialiser (or `else` block) that names a local only as an assignment's target
        // does not read it (`plain_then_flags` puts the node that says so after the `let`).
        self.take_assigned(original, &mut uses);
        let mut bound = Vec::new();
        crate::vars::bindings(&local.pat, &mut bound);
        // A `let` that shadows a variable leaves it where it is (it still drops at the end of
        // its own scope, in its own place in the drop order), but later states may still
        // have to store it, and after the `let` its name means the new variable. A
        // `macro_rules!` defined just before the `let` names the old one: a macro's tokens
        // resolve local variables where the macro is defined, so `__shadowedN!()` still
        // means the old variable after the shadowing.
        // Input: `let x = f();` shadowing `x`.
        // Output: `macro_rules! __shadowedN { () => { x } } let x = f();`
        let mut prefix = TokenStream::new();
        for (ident, _) in &bound {
            let Some(old) = self.vars.lookup(&ident.to_string()) else {
                continue;
            };
            let Some(current) = self.vars.all[old].current.clone() else {
                continue;
            };
            let alias = names::shadow_name(old);
            if current != alias {
                let current = names::expr_name(&current);
                prefix.extend(quote!(macro_rules! #alias { () => { #current } }));
            }
            self.vars.rename(old, Some(alias));
        }
        let tokens = quote!(#jump_aliases #prefix #stmt);
        let mut defs = self.vars.declare_pattern(&local.pat);
        if let ([d], true) = (defs.as_slice(), crate::vars::surely_copy_let(local)) {
            self.vars.all[*d].copy = true;
        }
        if let Some(init) = &local.init {
            self.mark_let_borrows(&init.expr, &local.pat, &defs);
        }
        if let ([d], Some(init)) = (defs.as_slice(), &local.init) {
            if let Expr::Macro(m) = &*init.expr {
                if crate::vars::is_pin_macro(&m.mac) {
                    self.vars.all[*d].pinned = Some(syn::spanned::Spanned::span(&m.mac.path));
                }
            }
        }
        if let ([d], Pat::Ident(p), Some(init)) = (defs.as_slice(), &local.pat, &local.init) {
            if p.by_ref.is_none() {
                self.vars.all[*d].owned = crate::vars::fresh_value(&init.expr);
                let source = crate::vars::borrowed_root(&init.expr)
                    .and_then(|root| self.source_of(&root, *d));
                if let Some(src) = source {
                    let init = &init.expr;
                    let text = crate::vars::code_text(&quote!(#init));
                    self.vars.all[*d].borrows = Some((src, text));
                }
            }
        }
        let mut tokens = tokens;
        if local.init.is_none() {
            // `let x;` may still be uninitialised at a suspension: store it only while live.
            for &d in &defs {
                self.vars.all[d].maybe_moved = true;
            }
        } else {
            // A `mut` variable that may be moved and is assigned again may have to be declared
            // anew, uninitialised, in a later state; its type must not be lost then (`x = 6;`
            // alone would make it an `i32`). Remember the type in a zero-sized companion.
            for d in defs.clone() {
                let var = &self.vars.all[d];
                if var.mutable && var.maybe_moved && self.vars.known_assigned(d) {
                    let x = var.ident.clone();
                    let name = names::temp("ty", d);
                    tokens.extend(quote!(let #name = ::coro_core::__private::type_of(&#x);));
                    let companion = self.vars.declare_hidden(name);
                    self.vars.all[d].type_of = Some(companion);
                    defs.push(companion);
                }
            }
        }
        if let (Pat::Ident(p), Some(init)) = (&local.pat, &local.init) {
            if let (Expr::Reference(r), [def]) = (&*init.expr, defs.as_slice()) {
                if let Expr::Path(target) = &*r.expr {
                    if let Some(src) = target
                        .path
                        .get_ident()
                        .and_then(|i| self.vars.lookup(&i.to_string()))
                    {
                        if p.by_ref.is_none() && p.subpat.is_none() && src != *def {
                            self.vars.all[*def].alias = Some((src, r.mutability.is_some()));
                        }
                    }
                }
            }
        }
        Node::Code {
            tokens,
            uses,
            moves,
            uninit: local.init.is_none(),
            defs,
            assigns: false,
            jumps,
        }
    }

    /// Marks the jumps in `stmt`. Returns them, and the `macro_rules!` aliases to define before
    /// the statement for variables that a binding inside it shadows where a jump stores them.
    fn mark_jumps_stmt(&mut self, stmt: &mut Stmt) -> (Vec<usize>, TokenStream) {
        let mut m = Marker::new(self);
        m.visit_stmt_mut(stmt);
        let prelude = Self::aliases(&m.aliased);
        (m.found, prelude)
    }

    pub(super) fn mark_jumps_expr(&mut self, expr: &mut Expr) -> (Vec<usize>, TokenStream) {
        let mut m = Marker::new(self);
        m.visit_expr_mut(expr);
        let prelude = Self::aliases(&m.aliased);
        (m.found, prelude)
    }

    /// Records `vars` as moved on the paths of `jumps` (a move made only in a branch that
    /// leaves by one of them).
    fn moved_on_jumps(&mut self, jumps: &[usize], vars: &[VarId]) {
        for &j in jumps {
            let moves = &mut self.jumps[j].moves;
            for &v in vars {
                if !moves.contains(&v) {
                    moves.push(v);
                }
            }
        }
    }

    /// Marks the jumps in `expr`, an expression a construct evaluates before its states (an
    /// `if` condition, a `match` scrutinee, a `let … else` initialiser, an awaited future): a
    /// `break`/`continue` there that leaves a loop or labelled block which became states is
    /// a jump like one in a statement. The aliases its jumps need go to `prelude`, which is
    /// defined before the construct.
    ///
    /// Input: `'a: loop { if { if c { break 'a; } d } { f().await; } }`
    /// Output: the condition `{ if c { __coro_jump0 } d }`; jump 0 goes to the state after
    /// the loop, and the `if` node lists it.
    ///
    /// As in a statement (`plain`), what only a branch that ends by such a jump moves
    /// (`if c { drop(x); break 'a; }`) is moved on the jumps' paths: it leaves `moves`, the
    /// expression's, which the construct's states see.
    pub(super) fn mark_operand(
        &mut self,
        expr: &mut Expr,
        moves: &mut Vec<VarId>,
        prelude: &mut TokenStream,
    ) -> Vec<usize> {
        let original = expr.clone();
        let (jumps, aliases) = self.mark_jumps_expr(expr);
        prelude.extend(aliases);
        if !jumps.is_empty() {
            self.vars.uses_expr_with_exits(&original);
            let jump_moves = self.vars.jump_moves();
            moves.retain(|v| !jump_moves.contains(v));
            self.moved_on_jumps(&jumps, &jump_moves);
        }
        jumps
    }

    fn aliases(aliased: &[(VarId, proc_macro2::Ident)]) -> TokenStream {
        let mut prelude = TokenStream::new();
        for (id, current) in aliased {
            let alias = names::shadow_name(*id);
            let current = names::expr_name(current);
            prelude.extend(quote!(macro_rules! #alias { () => { #current } }));
        }
        prelude
    }
}

/// The locals an assignee names, when it is a local or a tuple of locals and `_`
/// (`x`, `(a, (b, _))`); `None` when some place in it is not a local (`v[i]`, `s.f`).
fn assigned_locals(left: &Expr) -> Option<Vec<proc_macro2::Ident>> {
    match left {
        Expr::Path(p) if p.qself.is_none() => Some(vec![p.path.get_ident()?.clone()]),
        Expr::Infer(_) => Some(Vec::new()),
        Expr::Paren(p) => assigned_locals(&p.expr),
        Expr::Tuple(t) => {
            let mut out = Vec::new();
            for e in &t.elems {
                out.extend(assigned_locals(e)?);
            }
            Some(out)
        }
        _ => None,
    }
}
