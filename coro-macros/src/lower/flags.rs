//! Drop flags: rustc's runtime flag for a local that some paths move and others keep, made a
//! value the state can store (see ARCHITECTURE.md, "Drop flags"). Which statements and sites
//! qualify, how each branch leaves a candidate (`Way`), and the rewrite that hands a kept
//! local to its flag on every edge into the join.
//!
//! This file holds what an awaiting `if`/`match` does (`begin_site` .. `end_site`,
//! `edge_candidates`, the flags set by `end_jump` / `exit_flags`), the flag declarations and
//! `Way`. An await-free statement's flags are statements.rs, the reading of one branch is
//! ways.rs, and the tree walks both ask of the syntax are sites.rs. An assignment after the
//! decision drops the flag (refills.rs) or fills it (fills.rs).

use super::{Cont, Edges, Lowerer, Node, Site, StateId};
use crate::names;
use crate::vars::{VarId, Visible};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Stmt};

mod emptied;
mod fills;
mod formats;
mod moved_again;
mod refills;
mod sites;
mod statements;
mod ways;
pub(super) use fills::assign_targets;
use sites::sites_of;
pub(super) use sites::{
    assigns, breaks_to, has_branch, heads, if_conditions, lets_bind, pattern_binds,
};

impl Lowerer {
    /// `v` was declared outside the innermost loop that became states (also when its depth is
    /// unknown).
    pub(super) fn declared_outside_innermost_loop(&self, v: VarId) -> bool {
        let innermost_loop = self.loop_depths.last().copied().unwrap_or(0);
        self.vars
            .depth_of(v)
            .is_none_or(|depth| depth < innermost_loop)
    }

    /// Code enters state `target` (a suspension, or a jump into a join or loop head): the
    /// drop-flag candidates in its scope cross a state boundary. Any boundary counts, not only
    /// an `.await`: a candidate not stored there (dead, maybe moved) drops at the jump, while
    /// rustc keeps it to its scope's end (`{ ..await..; if c { drop(x) } }` as an operand,
    /// then only joins before `x`'s scope ends).
    pub(super) fn note_entry(&mut self, target: StateId) {
        let scope = &self.states[target].scope;
        for (v, suspends) in &mut self.watch {
            *suspends |= scope.iter().any(|(id, _)| id == v);
        }
    }

    /// Starts lowering the awaiting `if`/`match` `site`, whose value goes to `k`: the drop
    /// flags it decides (see `edge_candidates`) are set on the jumps into its join, and on its
    /// labelled exits (exits.rs). Returns the site to lower: `site` with its exits tagged.
    pub(super) fn begin_site(&mut self, site: &Expr, k: Cont) -> (Site, Expr) {
        let mut tagged = site.clone();
        self.tag_exits(&mut tagged);
        let candidates = self.edge_candidates(&tagged, k);
        // No other path enters the join: the statement around decides them (refills.rs); those
        // a labelled exit leaves with the flag set are bypassed (fills.rs).
        if let Cont::State(join, _) = k {
            if !self.shared.contains(&join) {
                self.into_join
                    .extend(candidates.iter().map(|(v, ..)| (*v, join)));
            }
        }
        let bypassed = candidates.iter().filter(|(.., exits)| !exits.is_empty());
        self.bypassed.extend(bypassed.map(|(v, ..)| *v));
        let outer = self.deciding.len();
        let watch: Vec<VarId> = candidates
            .iter()
            .map(|(v, ..)| *v)
            .filter(|v| !self.deciding.iter().any(|(d, _)| d == v))
            .collect();
        if let Cont::State(join, _) = k {
            self.deciding
                .extend(candidates.iter().map(|(v, ..)| (*v, join)));
            self.shared.push(join);
        }
        let blocks = self.by_blocks.len();
        self.by_blocks.extend(
            candidates
                .iter()
                .filter(|(_, ways, _)| ways.iter().any(Way::by_block))
                .map(|(v, ..)| *v),
        );
        let mut decided: Vec<(VarId, Vec<Way>)> = Vec::new();
        for (v, ways, exits) in candidates {
            if self.vars.all[v].flag.is_some() {
                self.note_exit_ways(v, &exits, false);
                decided.push((v, ways));
            }
        }
        let edges = !decided.is_empty();
        if let (true, Cont::State(join, _)) = (edges, k) {
            self.edges.push(Edges {
                join,
                vars: decided,
                branches: 0..0,
            });
        }
        let site = Site {
            watch,
            outer,
            edges,
            blocks,
        };
        (site, tagged)
    }

    /// The code lowered next belongs to the branches `branches` of `site`.
    pub(super) fn at_branches(&mut self, site: &Site, branches: std::ops::Range<usize>) {
        if site.edges {
            self.edges
                .last_mut()
                .expect("pushed by begin_site")
                .branches = branches;
        }
    }

    /// Ends `begin_site`: from here on, its candidates are watched for further uses. The join
    /// is a state boundary in their scope, so it counts as a suspension.
    pub(super) fn end_site(&mut self, site: Site, k: Cont) {
        if site.edges {
            self.edges.pop();
        }
        if let Cont::State(..) = k {
            self.shared.pop();
        }
        self.deciding.truncate(site.outer);
        self.by_blocks.truncate(site.blocks);
        for v in site.watch {
            self.watch_after_join(v);
        }
    }

    /// From here on, watch `v`, a candidate that a join (a state boundary in its scope) has
    /// just decided, for further uses (see `flags`).
    pub(super) fn watch_after_join(&mut self, v: VarId) {
        match self.vars.watched.entry(v) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(false);
                self.watch.push((v, true));
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                if let Some((_, suspends)) = self.watch.iter_mut().find(|(w, _)| *w == v) {
                    *suspends = true;
                }
            }
        }
    }

    /// A branch's normal end: the jump to `k`, after handing the variables that the awaiting
    /// sites being lowered decide over to their flags, as this branch leaves them.
    ///
    /// Input: `if c { f().await; drop(x); } else { g().await; }` (`x` decided by the `if`)
    /// Output: `.. drop(x); __flagN = None; <jump>` and `.. __flagN = Some(x); <jump>`
    ///
    /// A value is bound first (`let __edge = v;`), so that it is computed while `x` is still
    /// there; an `if`/`match` in it that decides a flag (for a mixed range of branches, as in
    /// an await-free `else if` rest of a chain, or as the tail of a block that awaited
    /// earlier) sets the flag itself (`flagged_expr`).
    pub(super) fn end_jump(&mut self, k: Cont, value: Option<&Expr>) -> Vec<Node> {
        // A value nobody takes that assigns a local (`if c { x = 1 } else { x = 2 }` ending
        // a block, `0 => x = f.await,`) runs as the statement it is: `x = e;` initialises
        // `x` (lower/plain.rs), where a jump's value would read it.
        //
        // Input: `let x; if f().await { x = 1 } else { x = 2 }` (the `if`, after the resume)
        // Output: `if __t1 { x = 1 } else { x = 2 }; <jump>`, with `x` not stored before it
        if let (Cont::State(_, false), Some(v)) = (k, value) {
            let stmt = Stmt::Expr(v.clone(), Some(syn::token::Semi::default()));
            if self.assigns_a_local(&stmt) {
                let mut out = self.plain_flagged(&stmt);
                // What it decides goes on to `k`, as a value's decisions would (refills.rs).
                let decided = self.take_decided();
                self.hand_out(decided, k);
                out.extend(self.end_jump(k, None));
                return out;
            }
        }
        let Cont::State(join, _) = k else {
            return vec![self.jump(k, value)];
        };
        let edges = self.edges.iter().any(|e| e.join == join);
        let mut out = Vec::new();
        // A value with an `if`/`match` of its own may decide flags too (`flagged_expr`).
        let decided = match value {
            Some(v) if !sites_of(&Stmt::Expr(v.clone(), None)).0.is_empty() => {
                let (v, flags, uses, moves) = self.flagged_expr(v);
                out.extend(self.assigned_ahead());
                // The only jump into the join: the statement around decides them (refills.rs).
                let decided = self.take_decided();
                if !edges && !self.shared.contains(&join) {
                    self.into_join
                        .extend(decided.into_iter().map(|v| (v, join)));
                }
                if flags.is_empty() && !edges {
                    out.push(self.jump_with(k, Some(&v), uses, moves));
                    return out;
                }
                Some((v, flags, uses, moves))
            }
            _ if !edges => return vec![self.jump(k, value)],
            Some(v) => {
                let flagged = self.flagged_expr(v);
                out.extend(self.assigned_ahead());
                Some(flagged)
            }
            None => None,
        };
        let edge = names::hidden("__edge");
        let value = decided.map(|(mut v, flags, uses, moves)| {
            let (jumps, aliases) = self.mark_jumps_expr(&mut v);
            out.push(Node::Code {
                tokens: quote!(#aliases let #edge = #v;),
                uses,
                moves,
                assigns: !flags.is_empty(),
                defs: flags,
                uninit: false,
                jumps,
            });
            let edge: Expr = syn::parse_quote!(#edge);
            edge
        });
        let site = self.vars.visible();
        let (tokens, flags, uses) = self.exit_flags(join, &site, &[]);
        if !flags.is_empty() {
            out.push(Node::Code {
                tokens,
                moves: uses.clone(),
                uses,
                defs: flags,
                assigns: true,
                uninit: false,
                jumps: Vec::new(),
            });
        }
        out.push(self.jump(k, value.as_ref()));
        out
    }

    /// The code that sets the drop flags for a jump into `join` from the code being lowered,
    /// where `site` names the variables: first those the jump's `tags` set (a labelled exit of
    /// a site, see exits.rs), then those the awaiting sites being lowered decide for their
    /// join: `Some(x)` where those branches keep `x`, `None` where they moved it, nothing where
    /// a nested site decides. Returns the code, the flags it sets and the variables it moves.
    pub(super) fn exit_flags(
        &self,
        join: StateId,
        site: &Visible,
        tags: &[usize],
    ) -> (TokenStream, Vec<VarId>, Vec<VarId>) {
        let (mut tokens, mut flags, mut kept) = self.tagged_exit_flags(tags, site);
        for e in self.edges.iter().filter(|e| e.join == join) {
            for (v, ways) in &e.vars {
                let ways = &ways[e.branches.clone()];
                // (No branch yet: a jump from the condition or scrutinee decides nothing.)
                if ways.is_empty() {
                    continue;
                }
                let name = site
                    .iter()
                    .find(|(id, _)| id == v)
                    .and_then(|(_, n)| n.as_ref());
                let (Some(flag), Some(name)) = (self.vars.all[*v].flag, name) else {
                    continue;
                };
                // The exit's own tag said how it leaves `x`.
                if flags.contains(&flag) {
                    continue;
                }
                let flag_name = &self.vars.all[flag].ident;
                if ways.iter().all(|w| matches!(w, Way::Kept)) {
                    let name = names::expr_name(name);
                    tokens.extend(quote!(#flag_name = ::core::option::Option::Some(#name);));
                    kept.push(*v);
                } else if ways.iter().all(|w| matches!(w, Way::Moved)) {
                    tokens.extend(quote!(#flag_name = ::core::option::Option::None;));
                } else {
                    continue;
                }
                flags.push(flag);
            }
        }
        (tokens, flags, kept)
    }

    /// rustc's drop flags for an awaiting `if`/`match` `site` (its branches are states, so no
    /// one expression decides them as in `flags`): the variables its branches move on some
    /// paths only, declared outside it and still in scope at its join `k`, with how each
    /// branch leaves them. The flag is set where each branch jumps into the join
    /// (`end_jump`): `Some(x)` from a branch that keeps `x`, `None` from one that moved it,
    /// and by a nested site for a branch that leaves the decision to one. The same conditions
    /// on `x` as in `flags` hold, and more: no `if let` or arm pattern of the site binds a name
    /// `x`. The flag is set where a branch ends, which is also where a `break` of a loop or
    /// labelled block that ends the branch jumps from (`Marker::mark`); a labelled
    /// `break`/`continue` that leaves the site for another state where `x` is still in scope
    /// sets it as the code before it leaves `x` (exits.rs `exit_ways`, the third of each
    /// candidate), or `x` gets no flag. When the join is also reached by paths that bypass
    /// the site (it ends a branch of an enclosing `if`/`match`, or a labelled block), the
    /// enclosing site must decide `x` too. As with `flags`, the first pass watches the
    /// candidates (from the end of the site: any use of them there disqualifies them) and the
    /// second sets the flags.
    fn edge_candidates(&mut self, site: &Expr, k: Cont) -> Vec<(VarId, Vec<Way>, ExitWays)> {
        let Cont::State(join, _) = k else {
            return Vec::new();
        };
        // The site is lowered after this: its moves are not before a site in it (its
        // condition or scrutinee, a branch).
        self.reading_ahead(|l| l.read_edge_candidates(site, join))
    }

    /// `edge_candidates`, reading ahead.
    fn read_edge_candidates(
        &mut self,
        site: &Expr,
        join: StateId,
    ) -> Vec<(VarId, Vec<Way>, ExitWays)> {
        // Before reading the site itself (see `present_at`).
        let moved_before = self.moved_yet();
        let mut out = Vec::new();
        for v in self.branch_moves(site) {
            let var = &self.vars.all[v];
            let Some(name) = var.current.clone() else {
                continue;
            };
            let outside_loop = self.declared_outside_innermost_loop(v);
            let in_join = self.states[join]
                .scope
                .iter()
                .any(|(id, n)| *id == v && n.is_some());
            // Other paths into a shared join must set the flag too: an enclosing site with
            // the same join must decide `x` (this site is then one of its branches' decision).
            let shared = self.shared.contains(&join) && !self.deciding.contains(&(v, join));
            // A re-assigned `x` is fine (as in `flags`): the flag is set where a branch ends,
            // from what `x` holds then, and `way` rejects an assignment after the move.
            if shared
                || outside_loop
                || self.by_exits.contains(&v)
                || !in_join
                || var.copy
                || var.alias.is_some()
                || pattern_binds(site, &name)
            {
                continue;
            }
            let Some(exits) = self.exit_ways(site, v, true) else {
                continue;
            };
            let mut witness = false;
            // (A labelled block in a branch may be that branch's decision: `way`.)
            self.reading_for = Some(join);
            let ways = self.ways(site, v, 0, &mut witness);
            self.reading_for = None;
            let Some(ways) = ways else {
                continue;
            };
            if !self.present_at(v, moved_before.contains(&v), witness) {
                continue;
            }
            let all_moved = ways.iter().all(|w| matches!(w, Way::Moved));
            let all_kept = ways.iter().all(|w| matches!(w, Way::Kept));
            if !all_moved && !all_kept {
                out.push((v, ways, exits));
            }
        }
        out
    }

    /// For each of `defs` that the previous pass found needing a drop flag, `let mut __flagN;`,
    /// declared right after the statement, and stored right after the variable, so that it
    /// drops in its place (see `flags`). One node per flag: an arm that never mentions a flag
    /// must not declare it (nothing would give it a type).
    pub(super) fn declare_flags(&mut self, defs: &[VarId]) -> Vec<Node> {
        let mut nodes = Vec::new();
        for &d in defs {
            // The rewrite names the variable (`Some(x)`), so it must have a name here.
            if self.vars.all[d].current.is_none() || !self.vars.known_flagged(d) {
                continue;
            }
            let name = names::temp("flag", d);
            // Stored in `d`'s place: with `let (a, b) = ..;`, `a`'s flag drops after `b`.
            let f = self.vars.declare_hidden_after(name.clone(), d);
            // Like any `let x;`: stored only once a path has initialised it.
            self.vars.all[f].mutable = true;
            self.vars.all[f].maybe_moved = true;
            self.vars.all[d].flag = Some(f);
            nodes.push(Node::Code {
                tokens: quote!(let mut #name;),
                uses: Vec::new(),
                moves: Vec::new(),
                defs: vec![f],
                assigns: false,
                uninit: true,
                jumps: Vec::new(),
            });
        }
        nodes
    }
}

/// How one branch of an `if`/`match` leaves a variable (see `Lowerer::flags`).
#[derive(Clone)]
pub(crate) enum Way {
    Kept,
    Moved,
    /// Decided by an `if`/`match` of the branch: statement index, site index in it
    /// (`visit_sites`), and one way per branch of that site.
    Nested(usize, usize, Vec<Way>),
}

/// `Way::Nested`'s site index for a branch whose decision is a labelled block statement (see
/// `Lowerer::way`): no `if`/`match` site of the statement decides.
pub(super) const BY_BLOCK: usize = usize::MAX;

impl Way {
    /// Is this a branch left to a labelled block's exits (`BY_BLOCK`)?
    fn by_block(&self) -> bool {
        matches!(self, Way::Nested(_, BY_BLOCK, _))
    }
}

/// How the code before each labelled exit of a site leaves a variable: (tag, way), see
/// exits.rs `exit_ways`.
pub(super) type ExitWays = Vec<(usize, Way)>;
