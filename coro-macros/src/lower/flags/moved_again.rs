//! A new value that is moved again, after a decision (ARCHITECTURE.md, "Drop flags",
//! **Filled after the decision**; difftest finding 14). Once a statement has decided `x`, the
//! flag holds whatever `x` holds. A later statement may give `x` a new value and move it on
//! the same path (`if e { x = D::new(); consume(x); }`): rustc drops the old value (if its flag
//! says it is there) when the new one is assigned, and the move empties the flag again.
//!
//! Such a run of statements in one block (`x = e;`, statements that neither leave nor assign
//! `x`, then one that certainly moves `x`, see ways.rs `certain`) puts the new value through
//! the flag, which drops the old one in rustc's order (`e` first), and takes it out at once
//! into a local of the block's own, which the run uses instead of `x`:
//!
//! Input: `if e { x = D::new(); log(&x); consume(x); }` (`x` decided before, flag `__flagN`)
//! Output: `if e { __flagN = Some(D::new()); let mut __againN = Option::take(&mut __flagN)
//! .unwrap(); log(&__againN); consume(__againN); }`
//!
//! The flag is `None` after the run, as rustc's is after the move; the paths that skip it keep
//! the flag as it was. Nothing else of the statement reads `x` then, so the rest is what
//! fills.rs follows. The first pass has no flag: there the run binds `let mut __againN = e;`.

use super::fills::{binds_name, is_name, leaves, mentions};
use super::sites::assigns;
use crate::lower::Lowerer;
use crate::names;
use crate::normalize::has_await;
use crate::vars::VarId;
use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Stmt};

impl Lowerer {
    /// `stmt` with each run described above rewritten for the local `v` (named `name`), whose
    /// flag is `flag` (`None` in the first pass), and how many runs there were.
    pub(super) fn moved_again(
        &mut self,
        stmt: &Stmt,
        v: VarId,
        name: &Ident,
        flag: Option<&Ident>,
    ) -> (Stmt, usize) {
        // Reading the runs must not end `v`'s watch, nor count as code read so far.
        let watched = self.vars.watched.clone();
        let out = self.reading_ahead(|l| {
            let mut runs = Runs {
                l,
                v,
                name,
                flag,
                again: names::temp("again", v),
                count: 0,
            };
            let mut stmt = stmt.clone();
            runs.visit_stmt_mut(&mut stmt);
            (stmt, runs.count)
        });
        self.vars.watched = watched;
        out
    }
}

struct Runs<'a> {
    l: &'a mut Lowerer,
    v: VarId,
    name: &'a Ident,
    flag: Option<&'a Ident>,
    /// The block's own local that a run uses instead of `x`.
    again: Ident,
    count: usize,
}

impl Runs<'_> {
    /// The end of the run that starts at `stmts[start]`, if one does: `x = e;` (`e` naming
    /// neither `x` nor an `.await`), statements that may use `x` but neither move nor assign
    /// it nor leave the block, then one that certainly moves `x` and does not assign it.
    fn run_end(&mut self, stmts: &[Stmt], start: usize) -> Option<usize> {
        let Stmt::Expr(Expr::Assign(a), Some(_)) = &stmts[start] else {
            return None;
        };
        if !is_name(&a.left, self.name)
            || mentions(&a.right.to_token_stream(), self.name) > 0
            || has_await(&a.right)
        {
            return None;
        }
        for (k, stmt) in stmts.iter().enumerate().skip(start + 1) {
            // A binding of the name, or a macro whose tokens name it, would not be renamed
            // the way the code means it.
            if binds(stmt, self.name) || assigns(stmt, self.name) {
                return None;
            }
            self.l.vars.uses_stmt(stmt);
            if self.l.vars.moves().contains(&self.v) {
                return self.l.stmt_certainly_moves(stmt, self.v).then_some(k);
            }
            if leaves(&stmt.to_token_stream()) {
                return None;
            }
        }
        None
    }

    /// The statements that replace a run's `x = e;`.
    fn start(&self, value: &Expr) -> Vec<Stmt> {
        let again = &self.again;
        match self.flag {
            Some(flag) => vec![
                syn::parse_quote!(#flag = ::core::option::Option::Some(#value);),
                syn::parse_quote!(
                    #[allow(unused_mut)]
                    let mut #again = ::core::option::Option::unwrap(
                        ::core::option::Option::take(&mut #flag)
                    );
                ),
            ],
            None => vec![syn::parse_quote!(
                #[allow(unused_mut)]
                let mut #again = #value;
            )],
        }
    }
}

impl VisitMut for Runs<'_> {
    fn visit_block_mut(&mut self, b: &mut Block) {
        let stmts = std::mem::take(&mut b.stmts);
        let mut i = 0;
        while i < stmts.len() {
            if let Some(end) = self.run_end(&stmts, i) {
                let Stmt::Expr(Expr::Assign(a), _) = &stmts[i] else {
                    unreachable!("a run starts with an assignment")
                };
                b.stmts.extend(self.start(&a.right));
                for stmt in &stmts[i + 1..=end] {
                    let tokens = rename(stmt.to_token_stream(), self.name, &self.again);
                    // (Renaming an identifier keeps the tokens a statement.)
                    b.stmts
                        .push(syn::parse2(tokens).unwrap_or_else(|_| stmt.clone()));
                }
                self.count += 1;
                i = end + 1;
                continue;
            }
            let mut stmt = stmts[i].clone();
            visit_mut::visit_stmt_mut(self, &mut stmt);
            b.stmts.push(stmt);
            // After a `let` that binds the name, it means that binding.
            if binds_name(&stmts[i], self.name) {
                b.stmts.extend(stmts[i + 1..].iter().cloned());
                return;
            }
            i += 1;
        }
    }
    // Code in a closure or async block runs when that does: not followed.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `tokens` with each identifier `name` replaced by `to`.
fn rename(tokens: TokenStream, name: &Ident, to: &Ident) -> TokenStream {
    tokens
        .into_iter()
        .map(|t| match t {
            TokenTree::Ident(i) if i == *name => TokenTree::Ident(to.clone()),
            TokenTree::Group(g) => {
                let mut renamed =
                    proc_macro2::Group::new(g.delimiter(), rename(g.stream(), name, to));
                renamed.set_span(g.span());
                TokenTree::Group(renamed)
            }
            t => t,
        })
        .collect()
}

/// Does `stmt` bind `name` anywhere (a `let`, an arm, a closure's parameter), or hold a macro
/// (whose tokens may name it in ways a rename would not follow, `format!("{x}")`)?
fn binds(stmt: &Stmt, name: &Ident) -> bool {
    struct Finder<'a>(&'a Ident, bool);
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.1 |= p.ident == *self.0;
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.1 |= mentions(&m.tokens, self.0) > 0;
        }
    }
    let mut f = Finder(name, false);
    f.visit_stmt(stmt);
    f.1
}
