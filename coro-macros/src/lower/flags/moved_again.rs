//! A new value that is moved again, after a decision (ARCHITECTURE.md, "Drop flags",
//! **Filled after the decision**; difftest finding 14). Once a statement has decided `x`, the
//! flag holds whatever `x` holds. A later statement may give `x` a new value and move it on
//! the same path (`if e { x = D::new(); consume(x); }`): rustc drops the old value (if its flag
//! says it is there) when the new one is assigned, and the move empties the flag again.
//!
//! Such a run of statements in one block (`x = e;`, statements that do not assign `x` nor,
//! once one has named it, leave the block, then one that certainly moves `x`, see ways.rs
//! `certain` and `every_branch_moves`) puts the new value through
//! the flag, which drops the old one in rustc's order (`e` first), and takes it out into a
//! local of the block's own just before the first statement that names `x`; from there on
//! the run uses that local instead of `x`:
//!
//! Input: `if e { x = D::new(); later(()).await; log(&x); consume(x); }` (`x` decided
//! before, flag `__flagN`)
//! Output: `if e { __flagN = Some(D::new()); later(()).await; let mut __againN =
//! Option::take(&mut __flagN).unwrap(); log(&__againN); consume(__againN); }`
//!
//! Until it is taken out, the new value is in the flag, which is stored in `x`'s place: a
//! suspension (or a panic) there drops it where rustc drops `x`. Once taken out, it is the
//! block's: a suspension or panic from there to the move drops it before the locals declared
//! after `x` (rustc: after them; ARCHITECTURE.md, "Drop flags"). The flag is
//! `None` after the run, as rustc's is after the move; the paths that skip it keep the flag
//! as it was. Nothing else of the statement reads `x` then, so the rest is what fills.rs
//! follows. A `?` or `break` before the first statement that names `x` leaves with the new
//! value in the flag, as a statement that fills the flag and leaves does (fills.rs). The
//! first pass has no flag: there the run binds `let mut __againN = e;` at its start.
//!
//! The rename follows what names the local: a field or method of that name (`p.x`), a
//! struct's field name (`P { x: 1 }`), a path segment or a label keeps its spelling, and a
//! shorthand field (`P { x }`) becomes `P { x: __againN }`. A formatting macro's capture
//! (`format!("{x:?}")`) is renamed with a named argument (formats.rs).

use super::fills::{binds_name, is_name, leaves, mentions, names_a_local};
use super::formats::{FormatArgs, may_capture};
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
        self.reading_ahead(|l| {
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
        })
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
    /// The run that starts at `stmts[start]`, if one does: `x = e;` (`e` naming neither `x`
    /// nor an `.await`), statements that may use `x` but neither move nor assign it nor, once
    /// one has named it, leave the block, then one that certainly moves `x` and does not
    /// assign it. Returns the first
    /// statement that names `x` and the last one of the run.
    fn run(&mut self, stmts: &[Stmt], start: usize) -> Option<(usize, usize)> {
        let end = self.run_end(stmts, start)?;
        // From the first statement that names `x` (the last one does), the run uses the
        // block's local (see the module's comment).
        let first = (start + 1..=end)
            .find(|&k| mentions(&stmts[k].to_token_stream(), self.name) > 0)
            .unwrap_or(end);
        Some((first, end))
    }

    /// The last statement of the run that starts at `stmts[start]` (see `run`).
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
        // Whether a statement of the run so far names `x`: from the first that does, the new
        // value is the block's local (see the module's comment).
        let mut named = false;
        for (k, stmt) in stmts.iter().enumerate().skip(start + 1) {
            // A binding of the name (but a nested block's `let`), or a format string that
            // captures it, would not be renamed the way the code means it.
            if binds(stmt, self.name) || assigns(stmt, self.name) {
                return None;
            }
            self.l.vars.uses_stmt(stmt);
            if self.l.vars.moves().contains(&self.v) {
                return self.l.stmt_certainly_moves(stmt, self.v).then_some(k);
            }
            // Code that may leave the block before `x` is named leaves with the new value in
            // the flag, as a statement that fills it and leaves does (fills.rs); after that,
            // the block's local would drop before the locals declared after `x`.
            named |= mentions(&stmt.to_token_stream(), self.name) > 0;
            if leaves(stmt) && named {
                return None;
            }
        }
        None
    }

    /// The statement that replaces a run's `x = e;`.
    fn start(&self, value: &Expr) -> Stmt {
        let again = &self.again;
        match self.flag {
            Some(flag) => syn::parse_quote!(#flag = ::core::option::Option::Some(#value);),
            None => syn::parse_quote!(
                #[allow(unused_mut)]
                let mut #again = #value;
            ),
        }
    }

    /// The statement that takes the new value out of the flag, before the first statement of
    /// the run that names `x` (none in the first pass, whose `start` binds the local).
    fn take_out(&self) -> Option<Stmt> {
        let (again, flag) = (&self.again, self.flag?);
        Some(syn::parse_quote!(
            #[allow(unused_mut)]
            let mut #again = ::core::option::Option::unwrap(
                ::core::option::Option::take(&mut #flag)
            );
        ))
    }
}

impl VisitMut for Runs<'_> {
    fn visit_block_mut(&mut self, b: &mut Block) {
        let stmts = std::mem::take(&mut b.stmts);
        let mut i = 0;
        while i < stmts.len() {
            if let Some((first, end)) = self.run(&stmts, i) {
                let Stmt::Expr(Expr::Assign(a), _) = &stmts[i] else {
                    unreachable!("a run starts with an assignment")
                };
                b.stmts.push(self.start(&a.right));
                b.stmts.extend(stmts[i + 1..first].iter().cloned());
                b.stmts.extend(self.take_out());
                for stmt in &stmts[first..=end] {
                    let mut stmt = stmt.clone();
                    Rename {
                        name: self.name,
                        to: &self.again,
                    }
                    .visit_stmt_mut(&mut stmt);
                    b.stmts.push(stmt);
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

/// Renames the local `name` to `to` where it names the local: a path `x` (not a field or
/// method `p.x`, a path segment `a::x`, a struct's field name `P { x: e }`, or a label), a
/// shorthand field (`P { x }` becomes `P { x: to }`), and in a macro's tokens (fills.rs
/// `names_a_local`). After a `let` of a nested block that binds `name`, the name is that
/// binding's (`binds` keeps other bindings of it out of a run).
struct Rename<'a> {
    name: &'a Ident,
    to: &'a Ident,
}

impl VisitMut for Rename<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if is_name(e, self.name) {
            if let Expr::Path(p) = e {
                // (The local's hidden name keeps its own span: hygiene.)
                p.path.segments[0].ident = self.to.clone();
            }
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }
    fn visit_field_value_mut(&mut self, f: &mut syn::FieldValue) {
        if f.colon_token.is_none() && matches!(&f.member, syn::Member::Named(m) if m == self.name) {
            f.colon_token = Some(syn::Token![:](self.name.span()));
        }
        visit_mut::visit_field_value_mut(self, f);
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        let Some(mut format) = FormatArgs::of(m) else {
            m.tokens = rename_tokens(std::mem::take(&mut m.tokens), self.name, self.to);
            return;
        };
        // A formatting macro's arguments are expressions: renamed as such, and a capture of
        // the name by its format string by a named argument (formats.rs).
        for k in 0..format.args.len() {
            let named = format.is_named(k);
            match &mut format.args[k] {
                Expr::Assign(a) if named => self.visit_expr_mut(&mut a.right),
                e => self.visit_expr_mut(e),
            }
        }
        m.tokens = format.rename(self.name, self.to);
    }
    fn visit_block_mut(&mut self, b: &mut Block) {
        for stmt in &mut b.stmts {
            self.visit_stmt_mut(stmt);
            if binds_name(stmt, self.name) {
                break;
            }
        }
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `tokens` with each identifier `name` that may name a local (fills.rs `names_a_local`)
/// replaced by `to`.
fn rename_tokens(tokens: TokenStream, name: &Ident, to: &Ident) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    (0..tokens.len())
        .map(|k| match &tokens[k] {
            TokenTree::Ident(i) if i == name && names_a_local(&tokens, k) => {
                TokenTree::Ident(to.clone())
            }
            TokenTree::Group(g) => {
                let mut renamed =
                    proc_macro2::Group::new(g.delimiter(), rename_tokens(g.stream(), name, to));
                renamed.set_span(g.span());
                TokenTree::Group(renamed)
            }
            t => t.clone(),
        })
        .collect()
}

/// Does `stmt` bind `name` (an arm, an `if let`, a closure's parameter, or a `let` other than
/// one of a nested block, which `Rename` follows), or hold a macro other than a formatting
/// one of the standard library that may capture it in a format string (`log!("{x}")`, which
/// no rename reaches; formats.rs)?
fn binds(stmt: &Stmt, name: &Ident) -> bool {
    struct Finder<'a>(&'a Ident, bool);
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.1 |= p.ident == *self.0;
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_block(&mut self, b: &'ast Block) {
            for stmt in &b.stmts {
                match stmt {
                    Stmt::Local(l) if binds_name(stmt, self.0) => {
                        if let Some(init) = &l.init {
                            self.visit_expr(&init.expr);
                            // (A `let … else` block still sees the local.)
                            self.1 |= init.diverge.is_some();
                        }
                        // After it, the name is that binding's: `Rename` stops there.
                        return;
                    }
                    _ => self.visit_stmt(stmt),
                }
            }
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // A formatting macro's capture is renamed (`Rename`); another macro's string
            // literal might be a format string that no rename reaches.
            match FormatArgs::of(m) {
                Some(format) => format.args.iter().for_each(|e| self.visit_expr(e)),
                None => self.1 |= captures(&m.tokens, self.0),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut f = Finder(name, false);
    f.visit_stmt(stmt);
    f.1
}

/// May a string literal in `tokens` capture `name` as a format string (formats.rs
/// `may_capture`)?
fn captures(tokens: &TokenStream, name: &Ident) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Literal(l) => may_capture(&l, name),
        TokenTree::Group(g) => captures(&g.stream(), name),
        TokenTree::Ident(_) | TokenTree::Punct(_) => false,
    })
}
