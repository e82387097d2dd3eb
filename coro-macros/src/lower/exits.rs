//! Drop flags set on exits (ARCHITECTURE.md, "Drop flags", **Exits**): a `break 'l` /
//! `continue 'l` that leaves an `if`/`match` deciding a local (a site, see flags.rs) for a
//! state where the local is still in scope sets the local's flag on that jump, as the site's
//! own end does; and the exits of a loop or labelled block that became states set the flag of
//! a local that some of them moved and others kept, where they meet.
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

use super::flags::{ExitWays, Way, assigns, has_branch, heads, lets_bind, pattern_binds};
use super::{Cont, Lowerer, StateId, branches, diverges};
use crate::vars::{VarId, Visible};
use blocks::{ExitSplit, block_verdict, split_exits};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Stmt};
use tags::{ExitsIn, tagged_exits};

mod blocks;
mod tags;
pub(super) use tags::take_tags;

impl Lowerer {
    /// How the code before each tagged exit of the site `site` (see `tag_exits`) that enters a
    /// state where `v` is in scope leaves `v`: kept (nothing on the way to it may move it) or moved
    /// (something certainly moved it, and nothing since names it), read by `walk`. `None` when such
    /// an exit is anywhere else (a condition, a scrutinee, a guard), or follows anything else (a
    /// move on some paths, a nested decision, a `let` that shadows `v`): the flag would not be
    /// known there. An exit into a state where `v` is out of scope drops it as rustc does, and one
    /// aimed at a construct that stays one fragment is no jump: neither is listed.
    pub(super) fn exit_ways(&mut self, site: &Expr, v: VarId, awaiting: bool) -> Option<ExitWays> {
        let needed: Vec<usize> = tagged_exits(&ExitsIn::Expr(site))
            .into_iter()
            .filter(|(_, label, is_continue)| {
                self.enters_scope_of(label.as_deref(), *is_continue, v)
            })
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
        let name = self.vars.all[v].current.clone()?;
        let mut walk = Walk {
            v,
            name,
            needed: &needed,
            out: &mut out,
            nested_sets_flag: awaiting,
            strict: true,
        };
        for stmts in branches(site)? {
            self.walk(&mut walk, &stmts, So::Kept)?;
        }
        // Every exit found its branch (none hides in an `else` that is not a block).
        (out.len() == needed.len()).then_some(out)
    }

    /// Reads `stmts` in order from `so`, recording the way of each needed exit in `w.out`.
    /// Returns how `v` is where the statements complete, or `So::Leaves` when they never do
    /// (they end by `break`, `continue` or `return`).
    ///
    /// An exit in a statement that may move `v` is known only inside an `if`/`match` of its
    /// own whose conditions do neither (read branch by branch: `if c { drop(x); break 'b; }`
    /// leaves `x` moved at the `break`, and kept after the `if`).
    fn walk(&mut self, w: &mut Walk<'_>, stmts: &[Stmt], mut so: So) -> Option<So> {
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
                if !here.is_empty() && w.strict {
                    return None;
                }
                so = So::Unknown;
                continue;
            }
            if !here.is_empty() {
                let plain = match so {
                    So::Kept if !moves.contains(&w.v) => Some(Way::Kept),
                    So::Moved if !uses.contains(&w.v) => Some(Way::Moved),
                    // The flag already holds the decision: the jump carries it.
                    So::Decided if !uses.contains(&w.v) => Some(Way::Nested(0, 0, Vec::new())),
                    _ => None,
                };
                if let Some(way) = plain {
                    w.out.extend(here.into_iter().map(|tag| (tag, way.clone())));
                    if diverges(stmt) {
                        return Some(So::Leaves);
                    }
                    continue;
                }
                so = match self.walk_site(w, stmt, so) {
                    Some(So::Leaves) => return Some(So::Leaves),
                    Some(after) => after,
                    None if w.strict => return None,
                    // Its exits stay unknown (those read before the failure are right).
                    None if diverges(stmt) => return Some(So::Leaves),
                    None => So::Unknown,
                };
                continue;
            }
            so = if matches!(so, So::Kept | So::Moved) && self.refills(stmt, &w.name, w.v).is_some()
            {
                So::Kept
            } else if !uses.contains(&w.v) || (so == So::Kept && !moves.contains(&w.v)) {
                so
            } else if so == So::Kept && (!has_branch(stmt) || self.stmt_certainly_moves(stmt, w.v))
            {
                So::Moved
            } else if so == So::Kept && w.nested_sets_flag && self.decides(stmt, w.v) {
                So::Decided
            } else {
                So::Unknown
            };
            if diverges(stmt) {
                return Some(So::Leaves);
            }
        }
        Some(so)
    }

    /// Is `stmt` a nested decision of `v` (see `way`): an `if`/`match` of its own sets the flag?
    fn decides(&mut self, stmt: &Stmt, v: VarId) -> bool {
        let mut witness = false;
        matches!(
            self.way(std::slice::from_ref(stmt), v, 1, &mut witness),
            Some(Way::Nested(..))
        )
    }

    /// `walk` into the `if`/`match` statement `stmt` (holding needed exits) from `so`: each branch
    /// from `so`, and afterwards how the branches that complete leave `v` (`Unknown` when they
    /// differ); a `let … else` likewise (`walk_let_else`), and a plain block. `None` when `stmt` is
    /// anything else, or its conditions, scrutinee, guards or patterns move, name or bind `v`, or
    /// hold a needed exit.
    fn walk_site(&mut self, w: &mut Walk<'_>, stmt: &Stmt, so: So) -> Option<So> {
        if let Stmt::Local(l) = stmt {
            return self.walk_let_else(w, l, so);
        }
        // A plain block runs its statements in order (normalize.rs puts an awaited condition
        // in one with its `if`: `{ let __aw = c.await; if __aw { drop(x); break 'b; } }`). A
        // `let` in it that shadows `v` makes the rest unknown, also after the block.
        if let Stmt::Expr(Expr::Block(b), _) = stmt {
            if b.label.is_none() {
                return self.walk(w, &b.block.stmts, so);
            }
        }
        let Stmt::Expr(site @ (Expr::If(_) | Expr::Match(_)), _) = stmt else {
            return None;
        };
        if pattern_binds(site, &w.name) {
            return None;
        }
        let mut heads = heads(site);
        if let Expr::Match(m) = site {
            heads.extend(
                m.arms
                    .iter()
                    .filter_map(|a| a.guard.as_ref().map(|g| &*g.1)),
            );
        }
        for head in heads {
            let named = self.vars.uses_expr(head).contains(&w.v);
            let exits = tagged_exits(&ExitsIn::Expr(head));
            if named || exits.iter().any(|(tag, ..)| w.needed.contains(tag)) {
                return None;
            }
        }
        let mut after = So::Leaves;
        for stmts in branches(site)? {
            let end = self.walk(w, &stmts, so)?;
            if end != So::Leaves {
                after = match after {
                    So::Leaves => end,
                    a if a != end => So::Unknown,
                    a => a,
                };
            }
        }
        Some(after)
    }

    /// `walk_site` for a `let … else` whose `else` block holds the needed exits: the block
    /// from `so` (it always leaves), and `so` after the statement. `None` when the
    /// initialiser may move `v`, names it where it is not kept, or holds a needed exit (the
    /// pattern does not bind `v`'s name: `walk` saw to that).
    fn walk_let_else(&mut self, w: &mut Walk<'_>, l: &syn::Local, so: So) -> Option<So> {
        let init = l.init.as_ref()?;
        let (_, els) = init.diverge.as_ref()?;
        let Expr::Block(els) = &**els else {
            return None;
        };
        // (An initialiser that only borrows a kept `v`, `peek(&x)`, leaves it kept.)
        let named = self.vars.uses_expr(&init.expr).contains(&w.v);
        let moves = self.vars.moves().contains(&w.v);
        let exits = tagged_exits(&ExitsIn::Expr(&init.expr));
        if moves
            || (named && so != So::Kept)
            || exits.iter().any(|(tag, ..)| w.needed.contains(tag))
        {
            return None;
        }
        self.walk(w, &els.block.stmts, so)?;
        Some(so)
    }

    /// Starts lowering the loop `lp` that became states, whose `break`s go to `k`: the drop
    /// flags of its exits. Returns the loop to lower (its exits tagged) and the variables it
    /// decides, for `end_exits`. Call it once the loop is a target of its `break`s, before its
    /// depth is pushed.
    ///
    /// Input: `let x = D; loop { f().await; if c { drop(x); break; } if d { break; } }
    /// g().await;`
    /// Output: the first `break` sets `__flagN = None;`, the second `__flagN = Some(x);`, so
    /// the state after the loop keeps `x` in its flag (rustc's drop flag) to its scope's end.
    ///
    /// A candidate is one of `body_exit_ways`, whose body's end and `continue`s find it kept
    /// (the next turn needs it), and whose `break`s in part keep it, in part move it (else no
    /// flag is needed). A `break` that moved it sets `None` (every jump into the state after
    /// the loop sets the flag, and one keeps `x`: the state stores it, which gives `None` its
    /// type); an exit to another state sets only `Some(x)` (see `note_exit_ways`).
    pub(super) fn begin_loop(
        &mut self,
        lp: &syn::ExprLoop,
        k: Cont,
    ) -> (syn::ExprLoop, Vec<VarId>) {
        let mut tagged = lp.clone();
        let Cont::State(after, _) = k else {
            return (tagged, Vec::new());
        };
        self.tag_loop_body(&mut tagged.body);
        let exits = tagged_exits(&ExitsIn::Expr(&super::block_expr(tagged.body.clone())));
        let mut decided = Vec::new();
        for found in self.body_exit_ways(&tagged.body.stmts, Some(after), &exits) {
            let BodyExits { v, ways, end, .. } = found;
            if !found.complete || found.assigned || !matches!(end, So::Leaves | So::Kept) {
                continue;
            }
            // Where each exit goes: the state after the loop, a loop head, or elsewhere.
            let to_after = |label: Option<&str>| {
                let target = self.resolve(label, false).map(|t| t.break_to);
                matches!(target, Some(Cont::State(s, _)) if s == after)
            };
            let ExitSplit {
                set,
                into_after,
                ok,
                ..
            } = split_exits(ways, &exits, to_after);
            let bypassed = elsewhere(&set, &exits, to_after);
            // Other paths into `after` (it is the join of a site around the loop) would not
            // set the flag: `after` could not store it, and `None` would have no type.
            if !ok || into_after != (true, true) || self.shared.contains(&after) {
                continue;
            }
            if self.vars.all[v].flag.is_some() {
                self.note_exit_ways(v, &set, true);
            }
            if bypassed {
                self.bypassed.push(v);
            }
            decided.push(v);
        }
        self.by_exits.extend(&decided);
        // Every `break` sets the flag: the statement around decides them (flags/refills.rs).
        self.into_join.extend(decided.iter().map(|&v| (v, after)));
        (tagged, decided)
    }

    /// Starts lowering the labelled block `b` that became states, whose `break`s go to `k`.
    /// Returns the block to lower (its exits tagged), the variables it decides and whether it
    /// pushed an `Edges` for its end, for `end_exits`.
    ///
    /// The block decides `x` (one of `body_exit_ways`) when its end certainly keeps or moves
    /// it and its `break`s do the other in part: each `break` and the end set the flag, as
    /// the branches of a site do. Otherwise a `break` that finds `x` kept still sets
    /// `Some(x)` when `x` has a flag: a site after the `break` in the block decides it (and
    /// sets it on the paths through it); without this the state after the block, entered
    /// by the `break` with the flag unset, could not store the flag, and `x` dropped at the
    /// `break`. (A `break` that finds `x` moved then leaves the flag unset: the state after
    /// the block does not store it, as before, and `None` alone could have no type in that
    /// arm.)
    ///
    /// Input: `'b: { if c.await { break 'b 1; } drop(x); 2 }` (`x` declared before)
    /// Output: the `break 'b` sets `__flagN = Some(x);`, the block's end `__flagN = None;`.
    pub(super) fn begin_block(
        &mut self,
        b: &syn::ExprBlock,
        k: Cont,
    ) -> (syn::ExprBlock, Vec<VarId>, bool) {
        let mut tagged = b.clone();
        let Cont::State(after, _) = k else {
            return (tagged, Vec::new(), false);
        };
        self.tag_block(&mut tagged.block);
        let exits = tagged_exits(&ExitsIn::Expr(&super::block_expr(tagged.block.clone())));
        let mut decided = Vec::new();
        let mut ends = Vec::new();
        for found in self.body_exit_ways(&tagged.block.stmts, Some(after), &exits) {
            let v = found.v;
            // A `break` that keeps an assigned `x` hands it to the flag only when a site in
            // the block decides it (the end leaves it unknown): otherwise code after the
            // block may use `x` again, and a site there set the flag.
            let keep_only = !found.assigned || found.end == So::Unknown;
            let to_after = |label: Option<&str>| {
                let target = self.resolve(label, false).map(|t| t.break_to);
                matches!(target, Some(Cont::State(s, _)) if s == after)
            };
            let verdict = block_verdict(found, &exits, to_after);
            let bypassed = elsewhere(&verdict.set, &exits, to_after);
            // (Other paths into `after`, a join of a site around the block, would not set it.)
            if !verdict.meets || self.shared.contains(&after) {
                if self.vars.all[v].flag.is_some() && keep_only {
                    self.note_exit_ways(v, &verdict.kept_only, false);
                }
                continue;
            }
            if self.vars.all[v].flag.is_some() {
                self.note_exit_ways(v, &verdict.set, true);
                ends.extend(verdict.end.map(|w| (v, vec![w])));
            }
            if bypassed {
                self.bypassed.push(v);
            }
            decided.push(v);
        }
        self.by_exits.extend(&decided);
        // Its end and every `break` set the flag: the statement around decides them
        // (flags/refills.rs).
        self.into_join.extend(decided.iter().map(|&v| (v, after)));
        // The block's end jumps into `after` as a branch of a site would.
        let edges = !ends.is_empty();
        if edges {
            self.edges.push(super::Edges {
                join: after,
                vars: ends,
                branches: 0..1,
            });
        }
        (tagged, decided, edges)
    }

    /// Ends `begin_loop` or `begin_block`: the state after the construct is a state boundary
    /// in the scope of the variables it decides, which are watched from here on.
    pub(super) fn end_exits(&mut self, decided: Vec<VarId>, edges: bool) {
        if edges {
            self.edges.pop();
        }
        let outer = self.by_exits.len() - decided.len();
        self.by_exits.truncate(outer);
        for v in decided {
            self.watch_after_join(v);
        }
    }

    /// For a loop or labelled block whose `break`s go to state `after` (its tagged `exits`
    /// are those of `body`): the variables a drop flag could follow through its exits, each
    /// with how the exits into a state where it is in scope leave it, those `walk` can tell,
    /// and how the body's end leaves it.
    ///
    /// A candidate `x` is declared outside the construct, in scope at `after` (and not
    /// outside an enclosing loop that became states: the next turn could read it), not
    /// decided by a construct around this one, moved somewhere in the body, certainly there
    /// when the body starts (nothing before it may have moved `x`) and never assigned in it.
    /// `after` is `None` when `block_decides` asks before the state exists (it is then in the
    /// scope of any candidate, and what came before is the asking site's to prove).
    fn body_exit_ways(
        &mut self,
        body: &[Stmt],
        after: Option<StateId>,
        exits: &[(usize, Option<String>, bool)],
    ) -> Vec<BodyExits> {
        if exits.is_empty() {
            return Vec::new();
        }
        // The body is lowered after this: its moves are not before a site in it.
        self.reading_ahead(|l| l.read_body_exits(body, after, exits))
    }

    /// `body_exit_ways`, reading ahead.
    fn read_body_exits(
        &mut self,
        body: &[Stmt],
        after: Option<StateId>,
        exits: &[(usize, Option<String>, bool)],
    ) -> Vec<BodyExits> {
        let moved_before = self.moved_yet();
        let block = super::block_expr(syn::Block {
            brace_token: syn::token::Brace::default(),
            stmts: body.to_vec(),
        });
        self.vars.uses_expr(&block);
        let mut out = Vec::new();
        for v in self.vars.moves() {
            let var = &self.vars.all[v];
            let Some(name) = var.current.clone() else {
                continue;
            };
            let in_after = after.is_none_or(|after| {
                self.states[after]
                    .scope
                    .iter()
                    .any(|(id, n)| *id == v && n.is_some())
            });
            // An awaiting site around the block that leaves `x`'s decision to it read its
            // branches (so `x` counts as maybe moved) and proved `x` there at its start, and
            // its branch keeps `x` up to the block (`way`); `block_decides` asks for that site.
            let moved_before =
                after.is_some() && moved_before.contains(&v) && !self.by_blocks.contains(&v);
            // (A construct around this one that decides `x` sets the flag on its own exits.)
            if !in_after
                || self.by_exits.contains(&v)
                || var.copy
                || var.alias.is_some()
                || moved_before
                || self.declared_outside_innermost_loop(v)
            {
                continue;
            }
            let assigned = body.iter().any(|s| assigns(s, &name));
            let needed: Vec<usize> = exits
                .iter()
                .filter(|(_, l, c)| self.enters_scope_of(l.as_deref(), *c, v))
                .map(|(tag, ..)| *tag)
                .collect();
            let mut ways = Vec::new();
            let mut walk = Walk {
                v,
                name,
                needed: &needed,
                out: &mut ways,
                nested_sets_flag: false,
                strict: false,
            };
            // (Not strict: the walk always ends.)
            let end = self.walk(&mut walk, body, So::Kept).unwrap_or(So::Unknown);
            let complete = ways.len() == needed.len();
            out.push(BodyExits {
                v,
                assigned,
                ways,
                end,
                complete,
            });
        }
        out
    }

    /// Does the exit `break 'label` (or `continue 'label`) enter a state where `v` is in scope?
    fn enters_scope_of(&self, label: Option<&str>, is_continue: bool, v: VarId) -> bool {
        let target = match self.resolve(label, is_continue) {
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
            // (`Nested`: a nested site already set the flag, which the jump carries.)
            if matches!(way, Way::Nested(..)) {
                continue;
            }
            if kept || with_none {
                // (A tag the macro did not write, on the user's own `break`, is no entry.)
                if let Some(entry) = self.exits.get_mut(*tag) {
                    entry.push((v, kept));
                }
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
        for &(v, keeps) in tags.iter().filter_map(|t| self.exits.get(*t)).flatten() {
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
/// How `v` is at a point of a branch (see `Lowerer::walk`).
#[derive(Clone, Copy, PartialEq)]
enum So {
    Kept,
    /// Certainly moved, and not named since.
    Moved,
    /// Decided by a nested site that set the flag itself (from a branch of an awaiting site
    /// only), and not named since.
    Decided,
    Unknown,
    /// Not at all: the code never completes normally (it ends by `break`, `continue` or
    /// `return`).
    Leaves,
}

/// What `Lowerer::walk` reads for: the variable, its name there, the exits whose way it
/// records, and the ways found.
struct Walk<'a> {
    v: VarId,
    name: proc_macro2::Ident,
    needed: &'a [usize],
    out: &'a mut Vec<(usize, Way)>,
    /// Whether a nested site sets the flag itself (in a branch of an awaiting site, where each
    /// statement is lowered on its own; in an await-free one, a nested site only hands its
    /// decision to the outer one, which sets the flag at the statement's end).
    nested_sets_flag: bool,
    /// Whether an exit whose way is unknown fails the walk (`None`), or is only left out of
    /// `out` (the exits of a labelled block that does not decide, see `begin_block`).
    strict: bool,
}

/// A variable whose flag the exits of a loop or labelled block could set (see
/// `Lowerer::body_exit_ways`).
struct BodyExits {
    v: VarId,
    /// Whether the body assigns it: then the exits never decide it, and only a labelled
    /// block's `break`s that keep it set the flag, when the end leaves it unknown (see
    /// `begin_block`).
    assigned: bool,
    /// How the exits that need the flag leave it: those whose way is known.
    ways: ExitWays,
    /// How the body's end leaves it.
    end: So,
    /// Whether every exit that needs the flag is in `ways`.
    complete: bool,
}

/// Does one of the exits `set` (tags of `exits`) set the flag on its way to a state other than
/// the one after the construct (`to_after`)? Its path bypasses the code after the construct,
/// so that code may fill the flag but not take `x` back from it (flags/fills.rs).
fn elsewhere(
    set: &ExitWays,
    exits: &[(usize, Option<String>, bool)],
    to_after: impl Fn(Option<&str>) -> bool,
) -> bool {
    set.iter().any(|(tag, _)| {
        exits
            .iter()
            .find(|(t, ..)| t == tag)
            .is_some_and(|(_, label, _)| !to_after(label.as_deref()))
    })
}
