//! Which statements certainly never complete, so that a body ending in one has no value of
//! its own (see `never_completes`). Syntactic: a call of a diverging function needs types.

use syn::{Block, Expr, Stmt};

/// A statement after which the function certainly does not go on: a `return`, a call of
/// a diverging std macro (`panic!`, `unreachable!`, `todo!`, `unimplemented!`), an
/// `if`/`match`/block each of whose branches ends in such a statement, or a `loop` with no
/// `break`. rustc types such a statement `!`, so a body that ends in it has no value of its
/// own: the lowering emits no `()` completion after it (which rustc would check against the
/// return type although it is unreachable). A call of a diverging function (`exit(0);`) is
/// not seen: that needs types.
pub(super) fn never_completes(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Expr(e, _) => expr_never_completes(e),
        Stmt::Macro(m) => diverging_macro(&m.mac),
        Stmt::Local(_) | Stmt::Item(_) => false,
    }
}

fn expr_never_completes(e: &Expr) -> bool {
    let block = |b: &Block| b.stmts.last().is_some_and(never_completes);
    match e {
        Expr::Return(_) => true,
        Expr::Macro(m) => diverging_macro(&m.mac),
        Expr::Paren(p) => expr_never_completes(&p.expr),
        Expr::Block(b) => b.label.is_none() && block(&b.block),
        Expr::If(i) => {
            block(&i.then_branch)
                && i.else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| expr_never_completes(e))
        }
        Expr::Match(m) => m.arms.iter().all(|a| expr_never_completes(&a.body)),
        Expr::Loop(lp) => !has_break(&lp.body),
        _ => false,
    }
}

/// `panic!`, `unreachable!`, `todo!`, `unimplemented!`, bare or by a `std`/`core` path.
fn diverging_macro(mac: &syn::Macro) -> bool {
    let segments = crate::syntax::segment_names(&mac.path);
    let Some((last, prefix)) = segments.split_last() else {
        return false;
    };
    let std_path = match prefix {
        [] => true,
        [root] => root == "std" || root == "core",
        _ => false,
    };
    std_path && ["panic", "unreachable", "todo", "unimplemented"].contains(&last.as_str())
}

/// Does the block hold a `break` of any kind (outside closures, `async` blocks and items)? A
/// `loop` around it may then be left. (Counting every `break`, even one of an inner loop, is
/// the safe side: the body then keeps its implicit value.)
fn has_break(b: &Block) -> bool {
    struct Breaks(bool);
    impl<'ast> syn::visit::Visit<'ast> for Breaks {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Break(_) => self.0 = true,
                Expr::Closure(_) | Expr::Async(_) => {}
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // A `break` inside a macro's tokens cannot be seen: count it.
            if m.tokens.to_string().contains("break") {
                self.0 = true;
            }
        }
    }
    let mut breaks = Breaks(false);
    syn::visit::Visit::visit_block(&mut breaks, b);
    breaks.0
}
