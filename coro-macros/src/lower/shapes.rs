//! Functions of syntax trees alone, with no lowering state: the shapes of statements and
//! branches that the lowering and its passes ask about or rebuild, and the rewrites of a
//! parameter pattern that binding the arguments needs. Separate from lower.rs so that the
//! `Lowerer` and its entry point read without them.

use crate::names;
use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Pat, Stmt, Token};

/// A statement that never completes normally: `return`, `break` or `continue`.
pub(super) fn diverges(stmt: &Stmt) -> bool {
    matches!(
        stmt,
        Stmt::Expr(Expr::Return(_) | Expr::Break(_) | Expr::Continue(_), _)
    )
}

/// The branches of an `if`/`else if`/`else` chain (a missing `else` is an empty branch) or of
/// a `match`, as statements, in source order.
pub(super) fn branches(expr: &Expr) -> Option<Vec<Vec<Stmt>>> {
    match expr {
        Expr::If(i) => {
            let mut out = vec![i.then_branch.stmts.clone()];
            match i.else_branch.as_ref().map(|(_, e)| &**e) {
                None => out.push(Vec::new()),
                Some(Expr::Block(b)) if b.label.is_none() => out.push(b.block.stmts.clone()),
                Some(e @ Expr::If(_)) => out.extend(branches(e)?),
                Some(_) => return None,
            }
            Some(out)
        }
        Expr::Match(m) => Some(
            m.arms
                .iter()
                .map(|arm| match &*arm.body {
                    Expr::Block(b) if b.label.is_none() => b.block.stmts.clone(),
                    e => vec![Stmt::Expr(e.clone(), None)],
                })
                .collect(),
        ),
        _ => None,
    }
}

pub(super) fn block_expr(block: Block) -> Expr {
    Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block,
    })
}

/// An `if`/`else if` chain with each branch replaced by `end` of its statements, in the order
/// `branches` lists them; a missing final `else` becomes one.
pub(super) fn chain(
    i: &syn::ExprIf,
    end: &mut impl FnMut(&[Stmt], &mut usize) -> Block,
    count: &mut usize,
) -> syn::ExprIf {
    let mut i = i.clone();
    i.then_branch = end(&i.then_branch.stmts, count);
    let els = match i.else_branch.as_ref().map(|(_, e)| &**e) {
        None => block_expr(end(&[], count)),
        Some(Expr::If(next)) => Expr::If(chain(next, end, count)),
        Some(Expr::Block(b)) => Expr::Block(syn::ExprBlock {
            block: end(&b.block.stmts, count),
            ..b.clone()
        }),
        Some(other) => other.clone(),
    };
    i.else_branch = Some((<Token![else]>::default(), Box::new(els)));
    i
}

/// The field paths (`.1`, `.a.0`) of the `_` sub-patterns of a parameter pattern made of
/// tuples, tuple structs and structs. Anything else (slices, references, or-patterns) is left
/// alone: its `_` parts drop when the argument is destructured.
pub(super) fn wildcard_paths(pat: &Pat) -> Vec<TokenStream> {
    fn walk(pat: &Pat, path: &TokenStream, out: &mut Vec<TokenStream>) {
        match pat {
            Pat::Wild(_) if !path.is_empty() => out.push(path.clone()),
            Pat::Tuple(t) => {
                for (i, elem) in t.elems.iter().enumerate() {
                    if matches!(elem, Pat::Rest(_)) {
                        return;
                    }
                    let index = syn::Index::from(i);
                    walk(elem, &quote!(#path.#index), out);
                }
            }
            Pat::TupleStruct(t) => {
                for (i, elem) in t.elems.iter().enumerate() {
                    if matches!(elem, Pat::Rest(_)) {
                        return;
                    }
                    let index = syn::Index::from(i);
                    walk(elem, &quote!(#path.#index), out);
                }
            }
            Pat::Struct(st) => {
                for field in &st.fields {
                    let member = &field.member;
                    walk(&field.pat, &quote!(#path.#member), out);
                }
            }
            Pat::Paren(p) => walk(&p.pat, path, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(pat, &TokenStream::new(), &mut out);
    out
}

/// Parameter `i`'s pattern with each `ref x` / `ref mut x` binding made a by-value binding of a
/// hidden local, and the list of (`x`, that local, `mut`?). rustc's `async fn` binds `x` to the
/// argument kept in the coroutine; a coroutine cannot keep a borrow of its own local across a
/// suspension, so `x` becomes an alias rebuilt after each resume.
pub(super) fn by_value(
    pat: &Pat,
    i: usize,
) -> (Pat, Vec<(proc_macro2::Ident, proc_macro2::Ident, bool)>) {
    struct Rebind(usize, Vec<(proc_macro2::Ident, proc_macro2::Ident, bool)>);
    impl VisitMut for Rebind {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if p.by_ref.is_none() || p.subpat.is_some() {
                visit_mut::visit_pat_ident_mut(self, p);
                return;
            }
            let hidden = names::hidden(&format!("__ref{}_{}", self.0, self.1.len()));
            let mutable = p.mutability.is_some();
            self.1.push((p.ident.clone(), hidden.clone(), mutable));
            p.by_ref = None;
            p.ident = hidden;
        }
        fn visit_expr_mut(&mut self, _: &mut Expr) {}
    }
    let mut pat = pat.clone();
    let mut r = Rebind(i, Vec::new());
    r.visit_pat_mut(&mut pat);
    (pat, r.1)
}
