//! How the collector reads each form of user code (its `syn::visit` methods): which
//! positions may move a variable and which only borrow or copy it (`&x`, assignment targets,
//! comparisons, fields and operands of arithmetic, the place matched by a `let`, `if let`,
//! `while let` or `match` whose patterns bind nothing by value), and where the fragment's own
//! bindings come into and go out of scope. Separate from collector.rs, which records what
//! this walk finds, so that each rule about a position reads on its own.

use super::Collector;
use super::exits::leaves_the_function;
use syn::visit::{self, Visit};
use syn::{Expr, Macro, Pat};

/// Does `pat` bind nothing by value: only `_`, `..`, literals, ranges, paths (unit structs,
/// constants, `None`) and `ref`/`ref mut` bindings, in any tuple, struct, slice or `|` around
/// them? Matching a place against such a pattern moves nothing out of it. A plain binding
/// (`_x`, `a` in `(a, _)`) moves, wholly or in part; a `&` pattern or a macro is not looked
/// into.
pub(super) fn binds_nothing_by_value(pat: &Pat) -> bool {
    match pat {
        Pat::Wild(_) | Pat::Rest(_) | Pat::Lit(_) | Pat::Range(_) | Pat::Path(_) => true,
        Pat::Ident(i) if i.subpat.is_none() && i.by_ref.is_none() => is_path_name(i),
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

/// `None`, `MAX`: a lone capitalised name is a unit variant, unit struct or constant, not a
/// binding; syn cannot tell them apart, and `vars::bindings` reads them the same way.
fn is_path_name(i: &syn::PatIdent) -> bool {
    i.mutability.is_none() && i.ident.to_string().starts_with(|c: char| c.is_uppercase())
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

impl Collector<'_> {
    /// Reads `expr`, matched against `pats` by a `let`, `let … else`, `if let`, `while let`,
    /// `match` or `matches!`. When no pattern binds anything by value (`let _ = g;`,
    /// `if let Some(ref n) = g`, `match g { 0 => .., _ => .. }`), the place `g` is matched
    /// in place: it stays whole and drops at the end of its scope, so it is read, not moved.
    /// (A guard reads on its own; it moves nothing out of the scrutinee.) A value that is
    /// not a place (`let _ = f(g);`) is read as usual.
    pub(in crate::vars) fn scrutinee<'p>(
        &mut self,
        expr: &Expr,
        pats: impl IntoIterator<Item = &'p Pat>,
    ) {
        if pats.into_iter().all(binds_nothing_by_value) {
            self.field_read(expr);
        } else {
            self.visit_expr(expr);
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, _: &syn::Item) {}

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.with_scope(|c| visit::visit_block(c, b));
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.scrutinee(&init.expr, [&l.pat]);
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

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.scrutinee(&m.expr, m.arms.iter().map(|a| &a.pat));
        for arm in &m.arms {
            self.visit_arm(arm);
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
        self.scrutinee(&l.expr, [&*l.pat]);
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
            Expr::Binary(b) if crate::syntax::is_compound_assign(&b.op) => {
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
        self.read_macro(mac);
    }
}

fn is_comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp as B;
    matches!(
        op,
        B::Eq(_) | B::Ne(_) | B::Lt(_) | B::Le(_) | B::Gt(_) | B::Ge(_)
    )
}
