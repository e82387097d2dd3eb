//! The syntax questions the drop-flag analysis asks, with no lowering state: where a
//! statement's sites are (`visit_sites`, in the one order that the analysis and the rewrite
//! share, with `&&`/`||` read as `if`), a site's conditions, and whether code has control flow,
//! breaks to a label, or assigns or binds a name. Kept apart so that the analysis modules read
//! as decisions rather than tree walks.

use crate::lower::block_expr;
use proc_macro2::Ident;
use syn::{Block, Expr, Pat, Stmt, Token};

/// The conditions of an `if`/`else if` chain (with `if let`, the whole `let`), or the
/// scrutinee of a `match`.
pub(in crate::lower) fn heads(site: &Expr) -> Vec<&Expr> {
    match site {
        Expr::If(i) => if_conditions(i),
        Expr::Match(m) => vec![&*m.expr],
        _ => Vec::new(),
    }
}

/// The conditions of an `if`/`else if` chain (the scrutinees of `if let`).
pub(in crate::lower) fn if_conditions(i: &syn::ExprIf) -> Vec<&Expr> {
    let mut out = vec![&*i.cond];
    if let Some((_, e)) = &i.else_branch {
        if let Expr::If(next) = &**e {
            out.extend(if_conditions(next));
        }
    }
    out
}

/// The sites of `stmt` (see `visit_sites`), each with the names that `let`s around it shadow.
pub(super) fn sites_of(stmt: &Stmt) -> (Vec<Expr>, Vec<Vec<Ident>>) {
    let (mut sites, mut shadowed) = (Vec::new(), Vec::new());
    visit_sites(&mut stmt.clone(), &mut |e, shadow| {
        sites.push(e.clone());
        shadowed.push(shadow.to_vec());
    });
    (sites, shadowed)
}

/// Calls `f` on each *site* of `stmt`: an `if`/`match` that runs whenever the statement runs to
/// completion (the statement itself, an initialiser (also of a `let … else`), an operand, an
/// argument, a statement of a plain block or of a labelled one before any `break` to it (and the
/// initialiser of a `let … else` whose `else` block is the first to break), the right
/// operand of `&&`/`||` made an `if`; not one inside a branch, loop or closure), outermost only, in
/// a fixed order that `Lowerer::flags` and `Lowerer::plain_flagged` share.
pub(super) fn visit_sites(stmt: &mut Stmt, f: &mut impl FnMut(&mut Expr, &[Ident])) {
    sites_in(stmt, &mut Vec::new(), f);
}

/// `visit_sites`, where `shadow` holds the names that `let`s of enclosing blocks of the
/// statement bound before this point (a site's `x` is not the outer `x` then).
fn sites_in(stmt: &mut Stmt, shadow: &mut Vec<Ident>, f: &mut impl FnMut(&mut Expr, &[Ident])) {
    match stmt {
        // Also the initialiser of a `let … else`: it runs before the `else` block, which only
        // leaves (a jump from there counts the flag as unset: liveness.rs `forward` takes a
        // statement's assignments to follow its jumps). rustc rejects an initialiser ending in
        // `}`, so the block a site becomes never ends one.
        Stmt::Local(l) => {
            if let Some(init) = &mut l.init {
                site_walk(&mut init.expr, shadow, f);
            }
        }
        Stmt::Expr(e, _) => site_walk(e, shadow, f),
        Stmt::Item(_) | Stmt::Macro(_) => {}
    }
}

fn site_walk(e: &mut Expr, shadow: &mut Vec<Ident>, f: &mut impl FnMut(&mut Expr, &[Ident])) {
    let mut walk = |e: &mut Expr| site_walk(e, shadow, f);
    match e {
        // The first condition (or the scrutinee) always runs, before the branches: its sites
        // come first.
        Expr::If(i) => {
            match &mut *i.cond {
                Expr::Let(l) => walk(&mut l.expr),
                cond => walk(cond),
            }
            f(e, shadow);
        }
        Expr::Match(m) => {
            walk(&mut m.expr);
            f(e, shadow);
        }
        Expr::Call(c) => {
            walk(&mut c.func);
            c.args.iter_mut().for_each(walk);
        }
        Expr::MethodCall(m) => {
            walk(&mut m.receiver);
            m.args.iter_mut().for_each(walk);
        }
        Expr::Binary(b) if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
            walk(&mut b.left);
            walk(&mut b.right);
        }
        // The right operand runs on some paths only: the same `if` as rustc's, so a move in it
        // is a branch's (temporaries drop alike: an operand of `&&`/`||` is a terminating
        // scope, as are an `if`'s condition and its blocks).
        // Input: `a && b`, `a || b`
        // Output: `(if a { b } else { false })`, `(if a { true } else { b })`
        Expr::Binary(b) if !has_let(&b.left) && !has_let(&b.right) => {
            *e = short_circuit_if(b);
            walk(e);
        }
        Expr::Unary(u) => walk(&mut u.expr),
        Expr::Paren(p) => walk(&mut p.expr),
        Expr::Group(g) => walk(&mut g.expr),
        Expr::Tuple(t) => t.elems.iter_mut().for_each(walk),
        Expr::Array(a) => a.elems.iter_mut().for_each(walk),
        Expr::Struct(s) if s.rest.is_none() => {
            s.fields.iter_mut().for_each(|fv| walk(&mut fv.expr));
        }
        Expr::Field(x) => walk(&mut x.base),
        Expr::Index(i) => {
            walk(&mut i.expr);
            walk(&mut i.index);
        }
        Expr::Cast(c) => walk(&mut c.expr),
        Expr::Reference(r) => walk(&mut r.expr),
        Expr::Assign(a) => walk(&mut a.right),
        // A block runs its statements in order (an early exit leaves the scope); a labelled
        // one, those before the first that may `break` to it (the rest may be skipped), and
        // the initialiser of that one when it is a `let … else` whose `else` block breaks
        // (the initialiser runs, and sets its flags, before the `else` block can).
        Expr::Block(b) => {
            let outer = shadow.len();
            let label = b.label.as_ref().map(|l| l.name.clone());
            for stmt in &mut b.block.stmts {
                if let Some(l) = label.as_ref().filter(|l| stmt_breaks_to(stmt, l)) {
                    if let Stmt::Local(syn::Local {
                        init: Some(init), ..
                    }) = stmt
                    {
                        let first = Stmt::Expr((*init.expr).clone(), None);
                        if init.diverge.is_some() && !stmt_breaks_to(&first, l) {
                            site_walk(&mut init.expr, shadow, f);
                        }
                    }
                    break;
                }
                sites_in(stmt, shadow, f);
                if let Stmt::Local(l) = stmt {
                    let mut bound = Vec::new();
                    crate::vars::bindings(&l.pat, &mut bound);
                    shadow.extend(bound.into_iter().map(|(i, _)| i));
                }
            }
            shadow.truncate(outer);
        }
        _ => {}
    }
}

/// Does the operand of a `&&`/`||` chain contain a `let` (a let chain, which must stay one)?
fn has_let(e: &Expr) -> bool {
    match e {
        Expr::Let(_) => true,
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
            has_let(&b.left) || has_let(&b.right)
        }
        Expr::Paren(p) => has_let(&p.expr),
        _ => false,
    }
}

/// `a && b` as `(if a { b } else { false })`, `a || b` as `(if a { true } else { b })`. The
/// condition is parenthesised when it holds a struct literal (not allowed bare there).
fn short_circuit_if(b: &syn::ExprBinary) -> Expr {
    let block = |e: Expr| Block {
        brace_token: syn::token::Brace::default(),
        stmts: vec![Stmt::Expr(e, None)],
    };
    let paren = |e: Expr| {
        Expr::Paren(syn::ExprParen {
            attrs: Vec::new(),
            paren_token: syn::token::Paren::default(),
            expr: Box::new(e),
        })
    };
    let (left, right) = ((*b.left).clone(), (*b.right).clone());
    let left = if has_struct(&left) { paren(left) } else { left };
    let and = matches!(b.op, syn::BinOp::And(_));
    let (then, els): (Expr, Expr) = if and {
        (right, syn::parse_quote!(false))
    } else {
        (syn::parse_quote!(true), right)
    };
    paren(Expr::If(syn::ExprIf {
        attrs: b.attrs.clone(),
        if_token: <Token![if]>::default(),
        cond: Box::new(left),
        then_branch: block(then),
        else_branch: Some((<Token![else]>::default(), Box::new(block_expr(block(els))))),
    }))
}

/// Does `e` contain a struct literal (outside blocks and parentheses that already enclose it)?
fn has_struct(e: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr_struct(&mut self, _: &'ast syn::ExprStruct) {
            self.0 = true;
        }
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_expr(&mut f, e);
    f.0
}

/// Has `stmt` control flow of its own (a branch, loop, early exit, closure or macro), so that
/// what it moves is not certainly moved when it completes?
pub(in crate::lower) fn has_branch(stmt: &Stmt) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::If(_)
                | Expr::Match(_)
                | Expr::While(_)
                | Expr::ForLoop(_)
                | Expr::Loop(_)
                | Expr::Closure(_)
                | Expr::Async(_)
                | Expr::Try(_)
                | Expr::Return(_)
                | Expr::Break(_)
                | Expr::Continue(_)
                | Expr::Let(_)
                | Expr::Macro(_) => self.0 = true,
                Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                    self.0 = true;
                }
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_macro(&mut self, _: &'ast syn::Macro) {
            self.0 = true;
        }
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if l.init.as_ref().is_some_and(|i| i.diverge.is_some()) {
                self.0 = true;
            }
            syn::visit::visit_local(self, l);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_stmt(&mut f, stmt);
    f.0
}

/// Does a `break 'label` inside `stmt` (not in a closure) leave it?
pub(super) fn stmt_breaks_to(stmt: &Stmt, label: &syn::Lifetime) -> bool {
    breaks_to(
        &Block {
            brace_token: syn::token::Brace::default(),
            stmts: vec![stmt.clone()],
        },
        label,
    )
}

/// Does a `break 'label` inside `block` (not in a closure) leave it?
pub(in crate::lower) fn breaks_to(block: &Block, label: &syn::Lifetime) -> bool {
    struct Finder<'a>(&'a syn::Lifetime, bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            self.1 |= b.label.as_ref().is_some_and(|l| l.ident == self.0.ident);
            syn::visit::visit_expr_break(self, b);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut f = Finder(label, false);
    syn::visit::Visit::visit_block(&mut f, block);
    f.1
}

/// Does a pattern of the `if let` conditions or `match` arms of `site` bind `name`? (Inside
/// those branches, `Some(x)` would name the binding.)
pub(in crate::lower) fn pattern_binds(site: &Expr, name: &Ident) -> bool {
    let pats: Vec<&Pat> = match site {
        Expr::If(i) => if_conditions(i)
            .into_iter()
            .filter_map(|c| match c {
                Expr::Let(l) => Some(&*l.pat),
                _ => None,
            })
            .collect(),
        Expr::Match(m) => m.arms.iter().map(|a| &a.pat).collect(),
        _ => Vec::new(),
    };
    pats.into_iter().any(|p| {
        let mut found = Vec::new();
        crate::vars::bindings(p, &mut found);
        found.iter().any(|(i, _)| i == name)
    })
}

/// `stmt` with its site number `site` (`visit_sites`) replaced by `()`: what the statement
/// does outside that site.
pub(super) fn without_site(stmt: &Stmt, site: usize) -> Stmt {
    let mut stmt = stmt.clone();
    let mut index = 0;
    visit_sites(&mut stmt, &mut |e, _| {
        if index == site {
            *e = syn::parse_quote!(());
        }
        index += 1;
    });
    stmt
}

/// Does `stmt` assign `name` (`name = ..`, or as a target of `(a, name) = ..`) anywhere?
pub(in crate::lower) fn assigns(stmt: &Stmt, name: &Ident) -> bool {
    struct Finder<'a>(&'a Ident, bool);
    impl Finder<'_> {
        fn target(&mut self, e: &Expr) {
            match e {
                Expr::Path(p) => self.1 |= p.path.is_ident(self.0),
                Expr::Tuple(t) => t.elems.iter().for_each(|e| self.target(e)),
                Expr::Paren(p) => self.target(&p.expr),
                _ => {}
            }
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.target(&a.left);
            syn::visit::visit_expr_assign(self, a);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut f = Finder(name, false);
    syn::visit::Visit::visit_stmt(&mut f, stmt);
    f.1
}

/// Does a `let` among `stmts` (not nested deeper) bind `name`?
pub(in crate::lower) fn lets_bind(stmts: &[Stmt], name: &Ident) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Local(l) => {
            let mut found = Vec::new();
            crate::vars::bindings(&l.pat, &mut found);
            found.iter().any(|(i, _)| i == name)
        }
        _ => false,
    })
}
