//! Branches that never reach the code after them: a block that always returns
//! (`leaves_the_function`, under which no use is a move) and an `if` branch or `match` arm
//! that ends by a `break`/`continue` out of the statement (`branch`, under which a move
//! counts only on that jump's path), with the loops and labels inside the statement that
//! such a jump must get past (`inside`). Separate because these are control-flow questions,
//! answered by small walks of their own (`escapes`), not rules about where one use sits.

use super::Collector;
use syn::Expr;
use syn::visit::{self, Visit};

impl Collector<'_> {
    pub(super) fn leaving_if(&mut self, leaves: bool, f: impl FnOnce(&mut Self)) {
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
    pub(super) fn branch(&mut self, block: &syn::Block) {
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
    pub(super) fn inside(
        &mut self,
        label: Option<&syn::Label>,
        is_loop: bool,
        f: impl FnOnce(&mut Self),
    ) {
        self.inner_labels
            .extend(label.map(|l| l.name.ident.to_string()));
        self.inner_loops += usize::from(is_loop);
        f(self);
        self.inner_loops -= usize::from(is_loop);
        if label.is_some() {
            self.inner_labels.pop();
        }
    }
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
pub(super) fn leaves_the_function(e: &Expr) -> bool {
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
