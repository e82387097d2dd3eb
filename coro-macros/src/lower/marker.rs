//! Jump markers: a `break`/`continue` inside ordinary Rust that leaves a loop or labelled block
//! which became states is replaced by a marker identifier; `emit` later prints the jump there.

use super::exits::take_tags;
use super::{Cont, Jump, Lowerer};
use crate::names;
use crate::vars::VarId;
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Pat};

/// Replaces `break`/`continue` aimed at a loop or labelled block that became states with a
/// marker the emitter turns into a jump.
pub(super) struct Marker<'a> {
    l: &'a mut Lowerer,
    inner_labels: Vec<String>,
    inner_loops: usize,
    pub(super) found: Vec<usize>,
    /// Names bound inside the fragment, per open block: a jump under one of them cannot name
    /// the outer variable of that name directly.
    bound: Vec<Vec<String>>,
    /// Variables a jump stores while the fragment shadows them, with their name outside it.
    pub(super) aliased: Vec<(VarId, proc_macro2::Ident)>,
    /// Names assigned by a plain `x = e;` statement earlier in a block around this point:
    /// every path to a jump here has assigned them.
    assigned: Vec<proc_macro2::Ident>,
}

impl<'a> Marker<'a> {
    pub(super) fn new(l: &'a mut Lowerer) -> Self {
        Self {
            l,
            inner_labels: Vec::new(),
            inner_loops: 0,
            found: Vec::new(),
            bound: vec![Vec::new()],
            aliased: Vec::new(),
            assigned: Vec::new(),
        }
    }

    fn bind(&mut self, pat: &Pat) {
        let mut found = Vec::new();
        crate::vars::bindings(pat, &mut found);
        let top = self.bound.last_mut().expect("a scope is open");
        top.extend(found.into_iter().map(|(i, _)| i.to_string()));
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.bound.push(Vec::new());
        f(self);
        self.bound.pop();
    }
}

impl Marker<'_> {
    /// The locals that `stmt` assigns on every path that completes it: `x = e;`, or a
    /// statement that names `x` only as such a target (`if c { x = 1 } else { x = 2 }`,
    /// flags/fills.rs `definitely_assigns`).
    fn assigned_by(&self, stmt: &syn::Stmt) -> Vec<proc_macro2::Ident> {
        if let syn::Stmt::Expr(Expr::Assign(a), _) = stmt {
            if let Expr::Path(p) = &*a.left {
                return p.path.get_ident().cloned().into_iter().collect();
            }
        }
        let mut targets = Vec::new();
        super::flags::assign_targets(stmt, &mut targets);
        targets.retain(|name| {
            self.l
                .vars
                .lookup(&name.to_string())
                .is_some_and(|v| self.l.definitely_assigns(stmt, v))
        });
        targets
    }

    fn mark(
        &mut self,
        expr: &mut Expr,
        label: Option<&syn::Lifetime>,
        value: Option<&Expr>,
        is_continue: bool,
        tags: &[usize],
    ) {
        let name = label.map(|l| l.ident.to_string());
        if let Some(n) = &name {
            if self.inner_labels.contains(n) {
                return;
            }
        } else if self.inner_loops > 0 {
            return;
        }
        let Some(target) = self.l.resolve(name.as_deref(), is_continue) else {
            return;
        };
        let cont = if is_continue {
            Cont::State(target.continue_to.expect("loops have heads"), false)
        } else {
            target.break_to
        };
        let mut uses = value.map(|v| self.l.vars.uses_expr(v)).unwrap_or_default();
        let mut moves = if value.is_some() {
            self.l.vars.moves()
        } else {
            Vec::new()
        };
        // In the value, a name the fragment binds around the jump is that binding, not the
        // coroutine's variable of the same name (`else { let p = 1; break p; }`).
        let vars = &self.l.vars;
        let own = |id: &VarId| {
            vars.all[*id]
                .current
                .as_ref()
                .is_some_and(|c| self.bound.iter().flatten().any(|b| c == b.as_str()))
        };
        uses.retain(|id| !own(id));
        moves.retain(|id| !own(id));
        // A value that names a local only as an assignment's target does not read it
        // (lower.rs `jump_with`).
        let (fills, assigned) = self.l.value_fills(value, &mut uses);
        let mut site = self.l.vars.visible();
        // A name the fragment itself binds means its own variable here: reach the outer one
        // through an alias defined before the fragment.
        for (id, name) in &mut site {
            let Some(current) = name.clone() else {
                continue;
            };
            if self.bound.iter().flatten().any(|b| current == b.as_str()) {
                if !self.aliased.iter().any(|(v, _)| v == id) {
                    self.aliased.push((*id, current));
                }
                *name = Some(names::shadow_name(*id));
            }
        }
        // Markers already placed inside the value belong to this jump now.
        let inner = std::mem::take(&mut self.found);
        // A `break` of a loop or labelled block that ends a branch of an awaiting site goes to
        // its join: it sets the drop flags as the branch's normal end would. A labelled exit
        // of a site sets those its tags say (exits.rs).
        let (pre, mut defs, kept) = match cont {
            Cont::State(t, _) => self.l.exit_flags(t, &site, tags),
            _ => (TokenStream::new(), Vec::new(), Vec::new()),
        };
        defs.extend(assigned);
        for v in kept {
            if !uses.contains(&v) {
                uses.push(v);
            }
            if !moves.contains(&v) {
                moves.push(v);
            }
        }
        // A local the code before the jump certainly assigned is dead before the statement
        // on the jump's path, whatever it held (`let x; loop { if f().await { x = 1; break; } }`:
        // `x` is not stored at the loop's head, where it is not initialised yet).
        for name in &self.assigned {
            let shadowed = self.bound.iter().flatten().any(|b| name == b.as_str());
            let v = self.l.vars.lookup(&name.to_string());
            if let (false, Some(v)) = (shadowed, v) {
                let current = self.l.vars.all[v].current.as_ref() == Some(name);
                if current {
                    if !defs.contains(&v) {
                        defs.push(v);
                    }
                    // (A value that reads it reads the new value.)
                    uses.retain(|&u| u != v);
                }
            }
        }
        let n = self.l.push_jump(Jump {
            cont,
            value: value.map(ToTokens::to_token_stream),
            uses,
            moves,
            inner,
            site,
            defs,
            pre,
            fills,
        });
        self.found.push(n);
        *expr = crate::syntax::ident_expr(&names::jump_marker(n));
    }

    fn inside(&mut self, label: Option<&syn::Label>, is_loop: bool, f: impl FnOnce(&mut Self)) {
        if let Some(l) = label {
            self.inner_labels.push(l.name.ident.to_string());
        }
        self.inner_loops += usize::from(is_loop);
        f(self);
        self.inner_loops -= usize::from(is_loop);
        if label.is_some() {
            self.inner_labels.pop();
        }
    }
}

impl VisitMut for Marker<'_> {
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}

    fn visit_block_mut(&mut self, b: &mut Block) {
        let outer = self.assigned.len();
        self.scoped(|m| {
            for stmt in &mut b.stmts {
                m.visit_stmt_mut(stmt);
                let assigned = m.assigned_by(stmt);
                m.assigned.extend(assigned);
            }
        });
        self.assigned.truncate(outer);
    }

    fn visit_local_mut(&mut self, l: &mut syn::Local) {
        if let Some(init) = &mut l.init {
            self.visit_expr_mut(&mut init.expr);
            if let Some((_, els)) = &mut init.diverge {
                self.visit_expr_mut(els);
            }
        }
        let pat = l.pat.clone();
        self.bind(&pat);
    }

    // Over-approximating what is bound is harmless: an alias names the same variable.
    fn visit_expr_let_mut(&mut self, l: &mut syn::ExprLet) {
        self.visit_expr_mut(&mut l.expr);
        let pat = (*l.pat).clone();
        self.bind(&pat);
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        self.scoped(|m| {
            m.bind(&arm.pat);
            if let Some((_, g)) = &mut arm.guard {
                m.visit_expr_mut(g);
            }
            m.visit_expr_mut(&mut arm.body);
        });
    }

    fn visit_expr_if_mut(&mut self, i: &mut syn::ExprIf) {
        self.scoped(|m| {
            if let Expr::Let(l) = &mut *i.cond {
                m.visit_expr_mut(&mut l.expr);
                let pat = (*l.pat).clone();
                m.bind(&pat);
            } else {
                m.visit_expr_mut(&mut i.cond);
            }
            m.visit_block_mut(&mut i.then_branch);
        });
        if let Some((_, e)) = &mut i.else_branch {
            self.visit_expr_mut(e);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            // The tags come off whether or not the exit becomes a jump: none is printed.
            Expr::Break(b) => {
                let tags = take_tags(&mut b.attrs);
                if let Some(v) = &mut b.expr {
                    self.visit_expr_mut(v);
                }
                let (label, value) = (b.label.clone(), b.expr.as_deref().cloned());
                self.mark(expr, label.as_ref(), value.as_ref(), false, &tags);
            }
            Expr::Continue(c) => {
                let tags = take_tags(&mut c.attrs);
                let label = c.label.clone();
                self.mark(expr, label.as_ref(), None, true, &tags);
            }
            Expr::Loop(lp) => {
                let label = lp.label.clone();
                self.inside(label.as_ref(), true, |m| {
                    visit_mut::visit_expr_loop_mut(m, lp);
                });
            }
            Expr::While(w) => {
                let label = w.label.clone();
                self.inside(label.as_ref(), true, |m| {
                    visit_mut::visit_expr_while_mut(m, w);
                });
            }
            Expr::ForLoop(f) => {
                let label = f.label.clone();
                self.visit_expr_mut(&mut f.expr);
                self.inside(label.as_ref(), true, |m| {
                    m.scoped(|m| {
                        m.bind(&f.pat);
                        m.visit_block_mut(&mut f.body);
                    });
                });
            }
            Expr::Block(b) if b.label.is_some() => {
                let label = b.label.clone();
                self.inside(label.as_ref(), false, |m| {
                    visit_mut::visit_expr_block_mut(m, b);
                });
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }
}
