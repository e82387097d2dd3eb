//! Drop flags on labelled exits: a `break 'l` / `continue 'l` that leaves an `if`/`match`
//! deciding a local (a site, see flags.rs) for a state where the local is still in scope sets
//! the local's flag on that jump, as the site's own end does (ARCHITECTURE.md, "Drop flags").
//!
//! Input: `'b: { match c { A => drop(x), B => { if d { break 'b; } } _ => {} } f().await; }`
//! Output: the `break 'b` becomes a jump that runs `__flagN = Some(x);` first, so the state
//! after `'b` keeps `x` in its flag (rustc drops it at the end of its scope) instead of
//! dropping it at the jump.
//!
//! The analysis and the marker must agree on which jump is which. A site is read through a
//! copy whose exits carry a tag (`#[__coro_exit(N)]`, see `tag_exits`): the analysis records
//! per tag what the jump sets (`Lowerer::exits`), the copy is what gets lowered, and the
//! marker reads the tags off each `break`/`continue` as it turns it into a jump (and drops
//! them, so none reaches the output).

use super::flags::{Way, has_branch, heads, lets_bind, pattern_binds};
use super::{Cont, Lowerer, branches, diverges};
use crate::vars::{VarId, Visible};
use proc_macro2::TokenStream;
use quote::quote;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Stmt};

/// The attribute that tags a labelled exit; never printed (see the module doc).
const TAG: &str = "__coro_exit";

impl Lowerer {
    /// Tags each labelled `break`/`continue` of `e` that leaves it (a label defined inside `e`
    /// is not left) for a loop or labelled block that became states, which the marker turns
    /// into a jump, with a new entry of `exits`, empty until `note_exit_ways` fills it.
    pub(super) fn tag_exits(&mut self, e: &mut Expr) {
        self.tagger().visit_expr_mut(e);
    }

    /// `tag_exits` for a statement.
    pub(super) fn tag_exits_stmt(&mut self, s: &mut Stmt) {
        self.tagger().visit_stmt_mut(s);
    }

    fn tagger(&mut self) -> Tagger<'_> {
        // (An exit the marker leaves alone, in a guard say, would keep its tag.)
        let jumps = self
            .targets
            .iter()
            .filter_map(|t| t.label.clone())
            .flat_map(|l| [(l.clone(), false), (l, true)])
            .filter(|(l, is_continue)| self.resolve(Some(l), *is_continue).is_some())
            .collect();
        Tagger {
            exits: &mut self.exits,
            jumps,
            inner: Vec::new(),
        }
    }

    /// How the code before each tagged exit of the site `site` (see `tag_exits`) that enters a
    /// state where `v` is in scope leaves `v`: kept (no statement of the branch before the
    /// exit's one, nor that one, may move it) or moved (an earlier statement certainly moved
    /// it, as `way` decides, and nothing after that names it). `None` when such an exit is
    /// anywhere else (a condition, a scrutinee, a guard), or follows anything else (a move on
    /// some paths, a nested decision, a `let` that shadows `v`): the flag would not be known
    /// there. An exit into a state where `v` is out of scope drops it as rustc does, and one
    /// aimed at a construct that stays one fragment is no jump: neither is listed.
    pub(super) fn exit_ways(&mut self, site: &Expr, v: VarId) -> Option<Vec<(usize, Way)>> {
        let needed: Vec<usize> = tagged_exits(&ExitsIn::Expr(site))
            .into_iter()
            .filter(|(_, label, is_continue)| self.enters_scope_of(label, *is_continue, v))
            .map(|(tag, ..)| tag)
            .collect();
        if needed.is_empty() {
            return Some(Vec::new());
        }
        let mut head_parts: Vec<&Expr> = heads(site);
        if let Expr::Match(m) = site {
            head_parts.extend(
                m.arms
                    .iter()
                    .filter_map(|a| a.guard.as_ref().map(|g| &*g.1)),
            );
        }
        // (Each branch is read from `x` kept: an `else if` condition that moves it is not.)
        for head in head_parts {
            self.vars.uses_expr(head);
            let exits = tagged_exits(&ExitsIn::Expr(head));
            if self.vars.moves().contains(&v) || exits.iter().any(|(t, ..)| needed.contains(t)) {
                return None;
            }
        }
        let mut out = Vec::new();
        for stmts in branches(site)? {
            self.branch_exit_ways(&stmts, v, &needed, &mut out)?;
        }
        // Every exit found its branch (none hides in an `else` that is not a block).
        (out.len() == needed.len()).then_some(out)
    }

    /// `exit_ways` for the statements of one branch, appended to `out`.
    fn branch_exit_ways(
        &mut self,
        stmts: &[Stmt],
        v: VarId,
        needed: &[usize],
        out: &mut Vec<(usize, Way)>,
    ) -> Option<()> {
        let name = self.vars.all[v].current.clone()?;
        let mut walk = Walk {
            v,
            name,
            needed,
            out,
        };
        self.walk(&mut walk, stmts, So::Kept)?;
        Some(())
    }

    /// Reads `stmts` in order from `so`, recording the way of each needed exit in `w.out`.
    /// Returns how `v` is where the statements complete, or `Some(None)` when they never do
    /// (they end by `break`, `continue` or `return`).
    ///
    /// An exit in a statement that may move `v` is known only inside an `if`/`match` of its
    /// own whose conditions do neither (read branch by branch: `if c { drop(x); break 'b; }`
    /// leaves `x` moved at the `break`, and kept after the `if`).
    fn walk(&mut self, w: &mut Walk<'_>, stmts: &[Stmt], mut so: So) -> Option<Option<So>> {
        for stmt in stmts {
            let here: Vec<usize> = tagged_exits(&ExitsIn::Stmt(stmt))
                .into_iter()
                .map(|(tag, ..)| tag)
                .filter(|tag| w.needed.contains(tag))
                .collect();
            let uses = self.vars.uses_stmt(stmt);
            let moves = self.vars.moves();
            if lets_bind(std::slice::from_ref(stmt), &w.name) {
                // From here on the name means another variable.
                if !here.is_empty() {
                    return None;
                }
                so = So::Unknown;
                continue;
            }
            if !here.is_empty() {
                let plain = match so {
                    So::Kept if !moves.contains(&w.v) => Some(Way::Kept),
                    So::Moved if !uses.contains(&w.v) => Some(Way::Moved),
                    _ => None,
                };
                if let Some(way) = plain {
                    w.out.extend(here.into_iter().map(|tag| (tag, way.clone())));
                    if diverges(stmt) {
                        return Some(None);
                    }
                    continue;
                }
                match self.walk_site(w, stmt, so)? {
                    Some(after) => so = after,
                    None => return Some(None),
                }
                continue;
            }
            so = if matches!(so, So::Kept | So::Moved) && self.refills(stmt, &w.name, w.v).is_some()
            {
                So::Kept
            } else if !uses.contains(&w.v) || (so == So::Kept && !moves.contains(&w.v)) {
                so
            } else if so == So::Kept
                && (!has_branch(stmt) || self.stmt_certainly_moves(stmt, w.v))
            {
                So::Moved
            } else {
                So::Unknown
            };
            if diverges(stmt) {
                return Some(None);
            }
        }
        Some(Some(so))
    }

    /// `walk` into the `if`/`match` statement `stmt` (holding needed exits) from `so`: each
    /// branch from `so`, and afterwards how the branches that complete leave `v` (`Unknown`
    /// when they differ). `None` when `stmt` is anything else, or its conditions, scrutinee,
    /// guards or patterns move, name or bind `v`, or hold a needed exit.
    fn walk_site(&mut self, w: &mut Walk<'_>, stmt: &Stmt, so: So) -> Option<Option<So>> {
        let site = match stmt {
            Stmt::Expr(e @ (Expr::If(_) | Expr::Match(_)), _) => e,
            _ => return None,
        };
        if pattern_binds(site, &w.name) {
            return None;
        }
        let mut heads = heads(site);
        if let Expr::Match(m) = site {
            heads.extend(m.arms.iter().filter_map(|a| a.guard.as_ref().map(|g| &*g.1)));
        }
        for head in heads {
            let named = self.vars.uses_expr(head).contains(&w.v);
            let exits = tagged_exits(&ExitsIn::Expr(head));
            if named || exits.iter().any(|(tag, ..)| w.needed.contains(tag)) {
                return None;
            }
        }
        let mut after: Option<So> = None;
        for stmts in branches(site)? {
            if let Some(end) = self.walk(w, &stmts, so)? {
                after = Some(match after {
                    Some(a) if a != end => So::Unknown,
                    _ => end,
                });
            }
        }
        Some(after)
    }

    /// Does the exit `break 'label` (or `continue 'label`) enter a state where `v` is in scope?
    fn enters_scope_of(&self, label: &str, is_continue: bool, v: VarId) -> bool {
        let target = match self.resolve(Some(label), is_continue) {
            Some(t) if is_continue => t.continue_to.map(|s| Cont::State(s, false)),
            Some(t) => Some(t.break_to),
            // Aimed at a construct that stays one fragment: no jump.
            None => None,
        };
        match target {
            Some(Cont::State(s, _)) => self.states[s].scope.iter().any(|(id, _)| *id == v),
            _ => false,
        }
    }

    /// Records that the exits `ways` (from `exit_ways`) set `v`'s flag. An exit that finds `v`
    /// moved sets it only when `with_none`: from a branch of an awaiting site, `None` alone
    /// could leave the flag without a type (its arm may mention the flag nowhere else, and the
    /// state after the exit may not store it), so the exit leaves the flag unset instead, which
    /// only keeps that state from storing it.
    pub(super) fn note_exit_ways(&mut self, v: VarId, ways: &[(usize, Way)], with_none: bool) {
        for (tag, way) in ways {
            let kept = matches!(way, Way::Kept);
            if kept || with_none {
                self.exits[*tag].push((v, kept));
            }
        }
    }

    /// The code that sets the drop flags the tagged exit `tags` sets (`Some(x)` where the
    /// code before it kept `x`, `None` where it moved it), where `site` names the variables;
    /// the flags it sets and the variables it moves.
    pub(super) fn tagged_exit_flags(
        &self,
        tags: &[usize],
        site: &Visible,
    ) -> (TokenStream, Vec<VarId>, Vec<VarId>) {
        let (mut tokens, mut flags, mut kept) = (TokenStream::new(), Vec::new(), Vec::new());
        for &(v, keeps) in tags.iter().flat_map(|t| &self.exits[*t]) {
            let name = site
                .iter()
                .find(|(id, _)| *id == v)
                .and_then(|(_, n)| n.as_ref());
            let (Some(flag), Some(name)) = (self.vars.all[v].flag, name) else {
                continue;
            };
            if flags.contains(&flag) {
                continue;
            }
            let flag_name = &self.vars.all[flag].ident;
            if keeps {
                let name = crate::names::expr_name(name);
                tokens.extend(quote!(#flag_name = ::core::option::Option::Some(#name);));
                kept.push(v);
            } else {
                tokens.extend(quote!(#flag_name = ::core::option::Option::None;));
            }
            flags.push(flag);
        }
        (tokens, flags, kept)
    }
}

/// The tags on a `break`/`continue`, removed from its attributes.
pub(super) fn take_tags(attrs: &mut Vec<Attribute>) -> Vec<usize> {
    let mut tags = Vec::new();
    attrs.retain(|a| match tag_of(a) {
        Some(t) => {
            tags.push(t);
            false
        }
        None => true,
    });
    tags
}

fn tag_of(a: &Attribute) -> Option<usize> {
    if !a.path().is_ident(TAG) {
        return None;
    }
    a.parse_args::<syn::LitInt>().ok()?.base10_parse().ok()
}

/// How `v` is at a point of a branch (see `Lowerer::walk`).
#[derive(Clone, Copy, PartialEq)]
enum So {
    Kept,
    /// Certainly moved, and not named since.
    Moved,
    Unknown,
}

/// What `Lowerer::walk` reads for: the variable, its name there, the exits whose way it
/// records, and the ways found.
struct Walk<'a> {
    v: VarId,
    name: proc_macro2::Ident,
    needed: &'a [usize],
    out: &'a mut Vec<(usize, Way)>,
}

/// Where to look for tagged exits.
enum ExitsIn<'a> {
    Expr(&'a Expr),
    Stmt(&'a Stmt),
}

/// The tagged exits of `within` that leave it: (tag, label, is `continue`), in source order.
fn tagged_exits(within: &ExitsIn<'_>) -> Vec<(usize, String, bool)> {
    let mut f = Finder {
        inner: Vec::new(),
        found: Vec::new(),
    };
    match within {
        ExitsIn::Expr(e) => f.visit_expr(e),
        ExitsIn::Stmt(s) => f.visit_stmt(s),
    }
    f.found
}

/// A label a labelled construct defines, if any.
fn defined_label(e: &Expr) -> Option<String> {
    let label = match e {
        Expr::Loop(l) => l.label.as_ref(),
        Expr::While(w) => w.label.as_ref(),
        Expr::ForLoop(f) => f.label.as_ref(),
        Expr::Block(b) => b.label.as_ref(),
        _ => None,
    };
    label.map(|l| l.name.ident.to_string())
}

/// The label a `break`/`continue` names, if it names one, and whether it is a `continue`.
fn exit_label(e: &Expr) -> Option<(String, bool)> {
    match e {
        Expr::Break(b) => b.label.as_ref().map(|l| (l.ident.to_string(), false)),
        Expr::Continue(c) => c.label.as_ref().map(|l| (l.ident.to_string(), true)),
        _ => None,
    }
}

struct Finder {
    inner: Vec<String>,
    found: Vec<(usize, String, bool)>,
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if let Some((label, is_continue)) = exit_label(e) {
            let attrs = match e {
                Expr::Break(b) => &b.attrs,
                Expr::Continue(c) => &c.attrs,
                _ => unreachable!("exit_label matched a break or continue"),
            };
            if !self.inner.contains(&label) {
                for tag in attrs.iter().filter_map(tag_of) {
                    self.found.push((tag, label.clone(), is_continue));
                }
            }
        }
        let label = defined_label(e);
        let defines = label.is_some();
        self.inner.extend(label);
        syn::visit::visit_expr(self, e);
        if defines {
            self.inner.pop();
        }
    }
    // The marker leaves these alone: their jumps are not the coroutine's.
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

struct Tagger<'a> {
    exits: &'a mut Vec<Vec<(VarId, bool)>>,
    /// The labels (with whether for `continue`) that name a construct made of states.
    jumps: Vec<(String, bool)>,
    inner: Vec<String>,
}

impl VisitMut for Tagger<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Some(exit) = exit_label(e) {
            if !self.inner.contains(&exit.0) && self.jumps.contains(&exit) {
                let tag = self.exits.len();
                let tag_name = crate::names::hidden(TAG);
                let attr: Attribute = syn::parse_quote!(#[#tag_name(#tag)]);
                self.exits.push(Vec::new());
                match e {
                    Expr::Break(b) => b.attrs.push(attr),
                    Expr::Continue(c) => c.attrs.push(attr),
                    _ => unreachable!("exit_label matched a break or continue"),
                }
            }
        }
        let label = defined_label(e);
        let defines = label.is_some();
        self.inner.extend(label);
        syn::visit_mut::visit_expr_mut(self, e);
        if defines {
            self.inner.pop();
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
