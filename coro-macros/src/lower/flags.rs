//! Drop flags: rustc's runtime flag for a local that some paths move and others keep, made a
//! value the state can store (see ARCHITECTURE.md, "Drop flags"). Which statements and sites
//! qualify, how each branch leaves a candidate (`Way`), and the rewrite that hands a kept
//! local to its flag on every edge into the join.

use super::{Cont, Edges, Lowerer, Node, Site, StateId, block_expr, branches, chain};
use crate::names;
use crate::vars::{VarId, Visible};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::{Block, Expr, Pat, Stmt, Token};

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
        let Cont::State(join, _) = k else {
            return vec![self.jump(k, value)];
        };
        let edges = self.edges.iter().any(|e| e.join == join);
        // A value with an `if`/`match` of its own may decide flags too (`flagged_expr`).
        let decided = match value {
            Some(v) if !sites_of(&Stmt::Expr(v.clone(), None)).0.is_empty() => {
                let (v, flags, uses, moves) = self.flagged_expr(v);
                if flags.is_empty() && !edges {
                    return vec![self.jump_with(k, Some(&v), uses, moves)];
                }
                Some((v, flags, uses, moves))
            }
            _ if !edges => return vec![self.jump(k, value)],
            Some(v) => Some(self.flagged_expr(v)),
            None => None,
        };
        let mut out = Vec::new();
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

    /// `plain`, then the drop flags of the variables it declares (see `declare_flags`).
    pub(super) fn plain_then_flags(&mut self, stmt: &Stmt) -> Vec<Node> {
        let node = self.plain(stmt);
        let defs = match &node {
            Node::Code {
                defs,
                assigns: false,
                ..
            } => defs.clone(),
            _ => Vec::new(),
        };
        let mut out = vec![node];
        out.extend(self.declare_flags(&defs));
        out
    }

    /// An await-free statement, after `flag_rewrite`.
    pub(super) fn plain_flagged(&mut self, stmt: &Stmt) -> Vec<Node> {
        let (stmt, flags) = match self.flag_rewrite(stmt) {
            Ok(rewritten) => rewritten,
            Err(candidates) => {
                let nodes = self.plain_then_flags(stmt);
                self.watch_candidates(candidates);
                return nodes;
            }
        };
        let mut nodes = self.plain_then_flags(&stmt);
        // The flags are assigned here, not read: they are initialised from this statement on.
        if let Node::Code {
            uses,
            defs,
            assigns,
            ..
        } = &mut nodes[0]
        {
            uses.retain(|u| !flags.contains(u));
            defs.extend(flags);
            *assigns = true;
        }
        nodes
    }

    /// An expression evaluated on its own (a condition, a scrutinee, an awaited future), after
    /// `flag_rewrite`: the expression, the drop flags it assigns, its uses (the flags are not
    /// read) and its possible moves.
    pub(super) fn flagged_expr(&mut self, e: &Expr) -> (Expr, Vec<VarId>, Vec<VarId>, Vec<VarId>) {
        let (e, flags, watch) = match self.flag_rewrite(&Stmt::Expr(e.clone(), None)) {
            Ok((Stmt::Expr(rewritten, _), flags)) => (rewritten, flags, Vec::new()),
            Ok(_) => unreachable!("rewritten as it was given, an expression"),
            Err(candidates) => (e.clone(), Vec::new(), candidates),
        };
        let mut uses = self.vars.uses_expr(&e);
        uses.retain(|u| !flags.contains(u));
        let moves = self.vars.moves();
        self.watch_candidates(watch);
        (e, flags, uses, moves)
    }

    /// From here on, watch `candidates` for uses and suspensions (see `flags`). Call it after
    /// collecting the uses of the statement they come from.
    fn watch_candidates(&mut self, candidates: Vec<VarId>) {
        for v in candidates {
            // An enclosing awaiting site decides it, and watches it once it is lowered.
            if self.deciding.iter().any(|(d, _)| *d == v) {
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = self.vars.watched.entry(v) {
                e.insert(false);
                self.watch.push((v, false));
            }
        }
    }

    /// `stmt` with its sites rewritten for the drop flags `flags` found (and the previous pass
    /// confirmed), and the flag variables it assigns; or, when there are none, the candidates
    /// to watch for the next pass.
    fn flag_rewrite(&mut self, stmt: &Stmt) -> Result<(Stmt, Vec<VarId>), Vec<VarId>> {
        // Its labelled exits may set flags too (exits.rs).
        let mut tagged = stmt.clone();
        self.tag_exits_stmt(&mut tagged);
        let candidates = self.flags(&tagged);
        // Per site: the flag variables it sets and how its branches leave their variables.
        let mut per_site: Vec<(usize, Vec<Ident>, Vec<FlagWays>)> = Vec::new();
        let mut flag_vars = Vec::new();
        for (v, site, ways, exits) in &candidates {
            let (Some(flag), Some(name)) = (self.vars.all[*v].flag, &self.vars.all[*v].current)
            else {
                continue;
            };
            let name = names::expr_name(name);
            // The statement's own rewrite gives the flag its type: `None` is fine here.
            self.note_exit_ways(*v, exits, true);
            flag_vars.push(flag);
            let flag = self.vars.all[flag].ident.clone();
            match per_site.iter_mut().find(|(s, ..)| s == site) {
                Some((_, flags, decided)) => {
                    flags.push(flag);
                    decided.push((name, ways.clone()));
                }
                None => per_site.push((*site, vec![flag], vec![(name, ways.clone())])),
            }
        }
        if per_site.is_empty() {
            return Err(candidates.into_iter().map(|(v, ..)| v).collect());
        }
        let mut stmt = tagged;
        let mut index = 0;
        let mut count = 0;
        visit_sites(&mut stmt, &mut |site, _| {
            if let Some((_, flags, decided)) = per_site.iter().find(|(s, ..)| *s == index) {
                *site = with_flags(site, decided, &quote!((#(#flags,)*)), &mut count);
            }
            index += 1;
        });
        Ok((stmt, flag_vars))
    }

    /// rustc's drop flags, decided in the expansion where the program allows it.
    ///
    /// An await-free statement whose `if`/`match` moves `x` (declared outside it) on some
    /// branches and leaves it alone on the others, where `x` is not used afterwards and a
    /// state boundary follows while `x` is in scope (`note_entry`): rustc keeps `x` in the
    /// state with a drop flag and drops it at scope end if no branch took it. The macro
    /// cannot store a value that might be gone, so it makes the flag a value: `let mut
    /// __flagN;` (an `Option<X>`, left uninitialised until the decision, so earlier states do
    /// not store it) right after `x`'s declaration, so that it drops in `x`'s place, and the
    /// `if`/`match` hands `x` over to it on the branches that keep it:
    ///
    /// ```text
    /// let y = f(if c { drop(x); 1 } else { 2 });
    /// // becomes
    /// let y = f({
    ///     let (__value, __f) = if c { let __r = { drop(x); 1 }; (__r, (None,)) }
    ///                          else { let __r = { 2 }; (__r, (Some(x),)) };
    ///     (__flagN,) = __f;
    ///     __value
    /// });
    /// ```
    ///
    /// From there on `x` is moved on every path, and the flag, initialised on every path and
    /// never moved, is stored at every suspension in its scope. The `if`/`match` must run
    /// whenever the statement completes (see `visit_sites`; the statement may also be the
    /// condition or scrutinee of an awaiting `if`/`match`, or an awaited future), and each of
    /// its branches must move `x` with a statement that has no control flow of its own, not
    /// move it, or decide it in one nested `if`/`match` of the same kind. `x` must not be
    /// `Copy` by its declared type (a copy needs no flag), assigned by the statement outside
    /// the site, possibly absent when the site starts (`present_at`), or declared outside an
    /// enclosing loop that became states. Anything else keeps the documented early drop
    /// (ARCHITECTURE.md).
    ///
    /// Returns the candidates: the variable, the index of its `if`/`match` among the
    /// statement's sites (`visit_sites`), and how each branch leaves it. The first pass
    /// watches them for later uses and suspensions; the second, given the verdict
    /// (`Known::flagged`), has declared the flags and rewrites the statement.
    fn flags(&mut self, stmt: &Stmt) -> Vec<(VarId, usize, Vec<Way>, ExitWays)> {
        let (sites, shadowed) = sites_of(stmt);
        if sites.is_empty() {
            return Vec::new();
        }
        // Before reading the statement itself (see `present_at`).
        let moved_before = self.moved_yet();
        let site_moves: Vec<Vec<VarId>> = sites.iter().map(|s| self.branch_moves(s)).collect();
        let mut all: Vec<VarId> = site_moves.iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        let mut out = Vec::new();
        for v in all {
            let var = &self.vars.all[v];
            let Some(name) = var.current.clone() else {
                continue;
            };
            // Inside a loop that became states, `x` declared outside it could be reached again
            // by the next iteration, with its flag already set.
            let outside_loop = self.declared_outside_innermost_loop(v);
            let mut moving = (0..sites.len()).filter(|&k| site_moves[k].contains(&v));
            let (Some(site), None) = (moving.next(), moving.next()) else {
                continue;
            };
            // An assignment elsewhere in the statement may run after the site has set the
            // flag, and fill `x` again behind its back: rustc would drop the kept value there,
            // the flag would keep it to scope end. (A later statement that assigns `x` is a
            // later use, which the watch sees; an earlier one fills `x` before the decision.)
            // A move elsewhere in the statement may have taken `x` before the site starts
            // (`present_at`).
            let outside = without_site(stmt, site);
            self.vars.uses_stmt(&outside);
            let moved_outside = self.vars.moves().contains(&v);
            let var = &self.vars.all[v];
            if outside_loop
                || self.by_exits.contains(&v)
                || var.copy
                || var.alias.is_some()
                || assigns(&outside, &name)
                || shadowed[site].contains(&name)
                || pattern_binds(&sites[site], &name)
            {
                continue;
            }
            // A labelled `break` out of a branch leaves before the flag is set: it sets the
            // flag itself, or `x` gets none.
            let Some(exits) = self.exit_ways(&sites[site], v, false) else {
                continue;
            };
            let mut witness = false;
            let Some(ways) = self.ways(&sites[site], v, 0, &mut witness) else {
                continue;
            };
            let maybe_moved = moved_before.contains(&v) || moved_outside;
            if !self.present_at(v, maybe_moved, witness) {
                continue;
            }
            // Every branch keeping `x` means every one that moves it fills it again
            // (`refills`). The statement is one node to liveness, which sees only that it may
            // move `x`, so the flag (`Some(x)` on every path) keeps `x` to its scope's end.
            // (An awaiting site's statements are nodes of their own: an assignment there is
            // a definition that liveness sees.)
            if !ways.iter().all(|w| matches!(w, Way::Moved)) {
                out.push((v, site, ways, exits));
            }
        }
        out
    }

    /// What the branches of the `if`/`match` `site` may move, with the conditions of its
    /// `else if`s (its first condition or scrutinee always runs, and has sites of its own).
    fn branch_moves(&mut self, site: &Expr) -> Vec<VarId> {
        self.vars.uses_expr(site);
        let mut moves = self.vars.moves();
        if let Some(head) = heads(site).first() {
            self.vars.uses_expr(head);
            let in_head = self.vars.moves();
            moves.retain(|v| !in_head.contains(v));
        }
        moves
    }

    /// The variables that a use read so far (in source order) may have moved.
    pub(super) fn moved_yet(&self) -> Vec<VarId> {
        (0..self.vars.all.len())
            .filter(|&v| self.vars.all[v].moved_yet)
            .collect()
    }

    /// Is `v` certainly there when its site starts, as a branch that keeps it needs
    /// (`Some(x)`)? rustc checks that for the user's code only: when `x` may have been moved
    /// before (`maybe_moved`: some use read earlier may move it) and every branch that moves
    /// it first assigns it (`if c { x = D::new(); drop(x) }`), the user's code is fine and
    /// `Some(x)` in the other branches is not (E0382). A branch that moves `x` before any
    /// assignment (`witness`) proves it there, since rustc accepted that move. A site that
    /// an enclosing one decides was already proven by it. (Source order is execution order
    /// here: code after the site runs before it only in an earlier turn of a loop, and a
    /// local declared outside the innermost loop that became states gets no flag.)
    fn present_at(&self, v: VarId, maybe_moved: bool, witness: bool) -> bool {
        !maybe_moved || witness || self.deciding.iter().any(|(d, _)| *d == v)
    }

    /// Does evaluating `e` certainly move `v`, whenever it completes normally? (A use that may
    /// move it outside any branch, loop, closure or short-circuit operand: see `certain`.)
    fn certainly_moves(&mut self, e: &Expr, v: VarId) -> bool {
        self.vars.uses_expr(&certain(e));
        self.vars.moves().contains(&v)
    }

    /// `certainly_moves` for a statement.
    pub(super) fn stmt_certainly_moves(&mut self, stmt: &Stmt, v: VarId) -> bool {
        let e = match stmt {
            Stmt::Expr(e, _) => e,
            Stmt::Local(l) => match &l.init {
                Some(init) => &*init.expr,
                None => return false,
            },
            Stmt::Item(_) | Stmt::Macro(_) => return false,
        };
        self.certainly_moves(e, v)
    }

    /// How each branch of the `if`/`match` `expr` leaves `v`, if that is known at expansion
    /// time.
    ///
    /// An `else if` condition that certainly moves `v` moves it on every branch after it (it
    /// runs only on their paths, before them); the first condition or scrutinee must not
    /// move it. (Those branches are not read: a refill in one of them, see `refills`, is not
    /// followed, and `v` drops where the branch ends, as without a flag.)
    fn ways(
        &mut self,
        expr: &Expr,
        v: VarId,
        depth: usize,
        witness: &mut bool,
    ) -> Option<Vec<Way>> {
        let first = *heads(expr).first()?;
        self.vars.uses_expr(first);
        if self.vars.moves().contains(&v) {
            return None;
        }
        let Expr::If(i) = expr else {
            return branches(expr)?
                .iter()
                .map(|stmts| self.way(stmts, v, depth, witness))
                .collect();
        };
        let mut i: &syn::ExprIf = i;
        let mut out = Vec::new();
        loop {
            out.push(self.way(&i.then_branch.stmts, v, depth, witness)?);
            match i.else_branch.as_ref().map(|(_, e)| &**e) {
                None => out.push(Way::Kept),
                Some(Expr::Block(b)) if b.label.is_none() => {
                    out.push(self.way(&b.block.stmts, v, depth, witness)?);
                }
                Some(Expr::If(next)) => {
                    self.vars.uses_expr(&next.cond);
                    if !self.vars.moves().contains(&v) {
                        i = next;
                        continue;
                    }
                    // (Not read, a branch after it must not hold a labelled block that
                    // decides `v`: `by_blocks` would let it read `x` as there.)
                    if !self.certainly_moves(&next.cond, v) || has_labelled_block(next) {
                        return None;
                    }
                    // It reads the value the site started with, unless a condition assigned.
                    let name = self.vars.all[v].current.clone()?;
                    *witness |= !heads(expr)
                        .into_iter()
                        .any(|h| assigns(&Stmt::Expr(h.clone(), None), &name));
                    let rest = if_conditions(next).len() + 1;
                    out.extend(std::iter::repeat_n(Way::Moved, rest));
                }
                Some(_) => return None,
            }
            return Some(out);
        }
    }

    /// How the statements of one branch leave `v`: moved by a statement with no control flow
    /// of its own (so certainly, when the branch ends normally), not moved at all, moved on
    /// some paths of one nested `if`/`match` site that nothing after it mentions, or moved and
    /// then filled again by a plain `v = e;` (see `refills`), which counts as kept.
    ///
    /// Sets `witness` when the branch moves `v` before anything assigns it (see `present_at`).
    pub(super) fn way(
        &mut self,
        stmts: &[Stmt],
        v: VarId,
        depth: usize,
        witness: &mut bool,
    ) -> Option<Way> {
        let mut way = Way::Kept;
        let name = self.vars.all[v].current.clone()?;
        // The branch assigned `v` before moving it (or refilled it): a move now takes that
        // value, not the one the site started with.
        let mut assigned = false;
        // The bindings of the branch's earlier `let`s, so that a statement's names resolve
        // as in the branch (`let p = ..; f(p)` does not read an outer `p`).
        let mut bound: Vec<Stmt> = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            // Each statement is read on its own, so a `let` of the branch that shadows `v`
            // must end the search: after it, the name means the new binding.
            if i > 0 && lets_bind(&stmts[i - 1..i], &name) {
                break;
            }
            let uses = if bound.is_empty() {
                self.vars.uses_stmt(stmt)
            } else {
                let mut block = bound.clone();
                block.push(stmt.clone());
                self.vars.uses_expr(&block_expr(Block {
                    brace_token: syn::token::Brace::default(),
                    stmts: block,
                }))
            };
            let moves = self.vars.moves();
            if let Stmt::Local(l) = stmt {
                // `let PAT = ();`, built rather than parsed (no pattern can make it fail).
                bound.push(Stmt::Local(syn::Local {
                    attrs: Vec::new(),
                    let_token: l.let_token,
                    pat: l.pat.clone(),
                    init: Some(syn::LocalInit {
                        eq_token: <Token![=]>::default(),
                        expr: Box::new(syn::parse_quote!(())),
                        diverge: None,
                    }),
                    semi_token: l.semi_token,
                }));
            }
            // A statement that ends by filling `v` (see `refills`) leaves it there, moved
            // before or not: the flag takes the new value where the branch ends. If it first
            // moves the value the site started with, rustc accepted that move.
            if let (Way::Kept | Way::Moved, Some(moves_first)) =
                (&way, self.refills(stmt, &name, v))
            {
                *witness |= matches!(way, Way::Kept) && !assigned && moves_first;
                way = Way::Kept;
                assigned = true;
                continue;
            }
            match way {
                // Any other use after the decision (an assignment on some paths only, or
                // after a nested decision, whose flag already holds the old value) cannot be
                // followed.
                Way::Moved | Way::Nested(..) if uses.contains(&v) => return None,
                Way::Moved | Way::Nested(..) => continue,
                Way::Kept if !moves.contains(&v) => {
                    assigned |= assigns(stmt, &name);
                    continue;
                }
                Way::Kept => {}
            }
            let fresh = !assigned && !assigns(stmt, &name);
            if !has_branch(stmt) || self.stmt_certainly_moves(stmt, v) {
                *witness |= fresh;
                way = Way::Moved;
                continue;
            }
            if depth >= 4 {
                return None;
            }
            // A labelled block that became states and decides `v` on its exits and its end
            // (exits.rs `block_decides`): the flag is set on every path out of it, as a
            // nested awaiting site sets it on its edges.
            if let Some(join) = self.reading_for {
                let mut rest = stmt.clone();
                let tail = i + 1 == stmts.len() && matches!(stmt, Stmt::Expr(_, None));
                if let Some(b) = take_leading_block(&mut rest, tail, &name) {
                    // Nothing else in the statement names `v` (after the block it would be a
                    // use after the decision).
                    if !self.vars.uses_stmt(&rest).contains(&v) && self.block_decides(&b, v, join) {
                        way = Way::Nested(i, BY_BLOCK, Vec::new());
                        continue;
                    }
                }
            }
            let (sites, shadowed) = sites_of(stmt);
            let mut moving = Vec::new();
            for (k, site) in sites.iter().enumerate() {
                if self.branch_moves(site).contains(&v) {
                    moving.push(k);
                }
            }
            let [site] = moving[..] else {
                return None;
            };
            // A nested decision is spliced into this branch's own block at statement `i`,
            // where `Some(x)` must still mean the outer `x` (a `let` after it does not matter).
            // Its statement must not assign `x` elsewhere, as `flags` requires of it when it
            // sets the flag on its own (below an awaiting site).
            if shadowed[site].contains(&name)
                || pattern_binds(&sites[site], &name)
                || lets_bind(&stmts[..i], &name)
                || assigns(&without_site(stmt, site), &name)
            {
                return None;
            }
            let mut inner = false;
            let ways = self.ways(&sites[site], v, depth + 1, &mut inner)?;
            *witness |= fresh && inner;
            // A nested site whose every branch keeps `x` (refilled where moved) is no decision:
            // below an awaiting site it would not set the flag (`edge_candidates` skips it), and
            // the outer site would leave the flag unset on that path (E0282 where a branch only
            // sets `None`).
            if ways.iter().all(|w| matches!(w, Way::Kept)) {
                return None;
            }
            way = if ways.iter().all(|w| matches!(w, Way::Moved)) {
                Way::Moved
            } else {
                Way::Nested(i, site, ways)
            };
        }
        Some(way)
    }

    /// Does `stmt` end by filling `v` (named `name` here): a plain `v = e;`, or a plain block
    /// ending in one whose other statements do not bind `v` (normalize.rs puts an awaiting
    /// `v = f().await;` in such a block, after `let __awN = f().await;`)? Then `v` is there
    /// whenever the statement completes (an early exit inside it leaves the branch, whose end
    /// then never comes), as rustc's drop flag says too. Returns whether the statement may
    /// move `v` before filling it, with no assignment before that move (a proof that `v` was
    /// there, see `present_at`).
    pub(super) fn refills(&mut self, stmt: &Stmt, name: &Ident, v: VarId) -> Option<bool> {
        match stmt {
            Stmt::Expr(Expr::Assign(a), _) => {
                let target = matches!(&*a.left,
                    Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name));
                if !target {
                    return None;
                }
                let value = Stmt::Expr((*a.right).clone(), None);
                self.vars.uses_stmt(&value);
                Some(self.vars.moves().contains(&v) && !assigns(&value, name))
            }
            Stmt::Expr(Expr::Block(b), _) if b.label.is_none() => {
                let (last, before) = b.block.stmts.split_last()?;
                if lets_bind(before, name) {
                    return None;
                }
                let last_moves_first = self.refills(last, name, v)?;
                let mut moves_first = last_moves_first;
                for s in before {
                    self.vars.uses_stmt(s);
                    moves_first |= self.vars.moves().contains(&v);
                }
                let assigned_before = before.iter().any(|s| assigns(s, name));
                Some(moves_first && !assigned_before)
            }
            _ => None,
        }
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

/// Takes out of `stmt` (leaving `()`) the labelled block with an await that it runs whenever it
/// runs, as a statement, an initialiser, or inside plain blocks after no `let` that binds
/// `name` (how normalize.rs leaves `f('b: { .. })`: `{ let __f = f; let __t = { 'b: { .. } };
/// __f(__t); }`), where it becomes states with
/// a join of its own (lower/constructs.rs `seq`): not in `tail` position, the last expression of a
/// branch, where its `break`s go to the site's join, whose paths the site sets.
fn take_leading_block(stmt: &mut Stmt, tail: bool, name: &Ident) -> Option<syn::ExprBlock> {
    let e = match stmt {
        Stmt::Local(l) => match &mut l.init {
            Some(init) if init.diverge.is_none() => &mut *init.expr,
            _ => return None,
        },
        Stmt::Expr(e, _) => e,
        _ => return None,
    };
    match e {
        Expr::Block(b) if b.label.is_some() => {
            if tail || !super::has_await(e) {
                return None;
            }
            let unit: Expr = syn::parse_quote!(());
            let Expr::Block(b) = std::mem::replace(e, unit) else {
                return None;
            };
            Some(b)
        }
        Expr::Block(b) => {
            let n = b.block.stmts.len();
            for (j, s) in b.block.stmts.iter_mut().enumerate() {
                let tail = tail && j + 1 == n && matches!(s, Stmt::Expr(_, None));
                if let Some(found) = take_leading_block(s, tail, name) {
                    return Some(found);
                }
                // After a `let` that binds `v`'s name, the block would mean another variable.
                if lets_bind(std::slice::from_ref(s), name) {
                    return None;
                }
            }
            None
        }
        _ => None,
    }
}

/// Does `e` hold a labelled block anywhere?
fn has_labelled_block(e: &syn::ExprIf) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr_block(&mut self, b: &'ast syn::ExprBlock) {
            self.0 |= b.label.is_some();
            syn::visit::visit_expr_block(self, b);
        }
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_expr_if(&mut f, e);
    f.0
}

/// A flagged variable's name, and how each branch of a site leaves it.
type FlagWays = (TokenStream, Vec<Way>);

/// How the code before each labelled exit of a site leaves a variable: (tag, way), see
/// exits.rs `exit_ways`.
pub(super) type ExitWays = Vec<(usize, Way)>;

/// The conditions of an `if`/`else if` chain (with `if let`, the whole `let`), or the
/// scrutinee of a `match`.
pub(super) fn heads(site: &Expr) -> Vec<&Expr> {
    match site {
        Expr::If(i) => if_conditions(i),
        Expr::Match(m) => vec![&*m.expr],
        _ => Vec::new(),
    }
}

/// The conditions of an `if`/`else if` chain (the scrutinees of `if let`).
pub(super) fn if_conditions(i: &syn::ExprIf) -> Vec<&Expr> {
    let mut out = vec![&*i.cond];
    if let Some((_, e)) = &i.else_branch {
        if let Expr::If(next) = &**e {
            out.extend(if_conditions(next));
        }
    }
    out
}

/// The sites of `stmt` (see `visit_sites`), each with the names that `let`s around it shadow.
fn sites_of(stmt: &Stmt) -> (Vec<Expr>, Vec<Vec<Ident>>) {
    let (mut sites, mut shadowed) = (Vec::new(), Vec::new());
    visit_sites(&mut stmt.clone(), &mut |e, shadow| {
        sites.push(e.clone());
        shadowed.push(shadow.to_vec());
    });
    (sites, shadowed)
}

/// Calls `f` on each *site* of `stmt`: an `if`/`match` that runs whenever the statement runs to
/// completion (the statement itself, an initialiser (also of a `let … else`), an operand, an
/// argument, a statement of a plain block or of a labelled one before any `break` to it, the right
/// operand of `&&`/`||` made an `if`; not one inside a branch, loop or closure), outermost only, in
/// a fixed order that `Lowerer::flags` and `Lowerer::plain_flagged` share.
fn visit_sites(stmt: &mut Stmt, f: &mut impl FnMut(&mut Expr, &[Ident])) {
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
        // one, those before the first that may `break` to it (the rest may be skipped).
        Expr::Block(b) => {
            let outer = shadow.len();
            let label = b.label.as_ref().map(|l| l.name.clone());
            for stmt in &mut b.block.stmts {
                if label.as_ref().is_some_and(|l| stmt_breaks_to(stmt, l)) {
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

/// The part of `e` that runs whenever `e` completes normally: the first condition or scrutinee
/// of an `if`/`match` (or `if let`) without its branches, the left operand of `&&`/`||`, an awaited
/// expression, the operands of other operators and calls, the statements of a plain block (of a
/// labelled one, those before the first that may `break` to it), a
/// `move` closure or `async move` block (which takes what it names when created, whatever
/// its body does later). Anything else (a loop, other closure, macro, early exit) becomes
/// `()`. Only read for the uses it holds.
fn certain(e: &Expr) -> Expr {
    let unit: Expr = syn::parse_quote!(());
    let mut e = e.clone();
    match &mut e {
        Expr::If(i) => {
            return match &*i.cond {
                Expr::Let(l) => certain(&l.expr),
                c => certain(c),
            };
        }
        Expr::Match(m) => return certain(&m.expr),
        Expr::Let(l) => return certain(&l.expr),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
            return certain(&b.left);
        }
        Expr::Binary(b) => {
            *b.left = certain(&b.left);
            *b.right = certain(&b.right);
        }
        Expr::Await(a) => *a.base = certain(&a.base),
        Expr::Try(t) => *t.expr = certain(&t.expr),
        Expr::Call(c) => {
            *c.func = certain(&c.func);
            c.args.iter_mut().for_each(|a| *a = certain(a));
        }
        Expr::MethodCall(m) => {
            *m.receiver = certain(&m.receiver);
            m.args.iter_mut().for_each(|a| *a = certain(a));
        }
        Expr::Unary(u) => *u.expr = certain(&u.expr),
        Expr::Paren(p) => *p.expr = certain(&p.expr),
        Expr::Group(g) => *g.expr = certain(&g.expr),
        Expr::Tuple(t) => t.elems.iter_mut().for_each(|x| *x = certain(x)),
        Expr::Array(a) => a.elems.iter_mut().for_each(|x| *x = certain(x)),
        Expr::Struct(st) if st.rest.is_none() => {
            st.fields.iter_mut().for_each(|f| f.expr = certain(&f.expr));
        }
        Expr::Field(f) => *f.base = certain(&f.base),
        Expr::Index(i) => {
            *i.expr = certain(&i.expr);
            *i.index = certain(&i.index);
        }
        Expr::Cast(c) => *c.expr = certain(&c.expr),
        Expr::Reference(r) => *r.expr = certain(&r.expr),
        Expr::Assign(a) => *a.right = certain(&a.right),
        Expr::Block(b) => {
            // A labelled block runs the statements before the first that may `break` to it
            // whenever it completes (as in `site_walk`); the rest may be skipped.
            if let Some(label) = b.label.take() {
                let first_break = b
                    .block
                    .stmts
                    .iter()
                    .position(|s| stmt_breaks_to(s, &label.name));
                b.block
                    .stmts
                    .truncate(first_break.unwrap_or(b.block.stmts.len()));
            }
            for stmt in &mut b.block.stmts {
                match stmt {
                    Stmt::Local(l) => {
                        if let Some(init) = &mut l.init {
                            *init.expr = certain(&init.expr);
                            init.diverge = None;
                        }
                    }
                    Stmt::Expr(x, _) => *x = certain(x),
                    Stmt::Item(_) | Stmt::Macro(_) => *stmt = Stmt::Expr(unit.clone(), None),
                }
            }
        }
        // Created, it has taken every variable it names (vars/collector.rs `Collector::capturing`).
        Expr::Closure(c) if c.capture.is_some() => {}
        Expr::Async(a) if a.capture.is_some() => {}
        Expr::Path(_) | Expr::Lit(_) => {}
        _ => return unit,
    }
    e
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

/// `site` (an `if`/`match`) rewritten to hand each variable of `vars` over to a flag on the
/// branches that keep it (see `Lowerer::flags`): each branch evaluates to
/// `(its value, (one Option per variable,))`, and the whole to
/// `{ let (__value, __f) = ..; SINK = __f; __value }`, where `sink` is the tuple of flag
/// variables, or for a nested site a `__nestN` its branch declared. `count` numbers the nests.
fn with_flags(site: &Expr, vars: &[FlagWays], sink: &TokenStream, count: &mut usize) -> Expr {
    let mut branch = 0;
    let mut end = |stmts: &[Stmt], count: &mut usize| -> Block {
        let k = branch;
        branch += 1;
        // Nested sites of this branch: (statement, site, nest name, what it decides).
        let mut nests: Vec<(usize, usize, Ident, Vec<FlagWays>)> = Vec::new();
        let mut values = Vec::new();
        for (name, ways) in vars {
            values.push(match &ways[k] {
                Way::Kept => quote!(::core::option::Option::Some(#name)),
                Way::Moved => quote!(::core::option::Option::None),
                Way::Nested(i, site, inner) => {
                    let at = nests.iter().position(|n| n.0 == *i && n.1 == *site);
                    let at = at.unwrap_or_else(|| {
                        *count += 1;
                        nests.push((*i, *site, names::temp("nest", *count), Vec::new()));
                        nests.len() - 1
                    });
                    let nest = &mut nests[at];
                    nest.3.push((name.clone(), inner.clone()));
                    let (nest, pos) = (&nest.2, syn::Index::from(nest.3.len() - 1));
                    quote!(#nest.#pos)
                }
            });
        }
        let r = names::hidden("__r");
        if nests.is_empty() {
            return syn::parse_quote!({ let #r = { #(#stmts)* }; (#r, (#(#values,)*)) });
        }
        let mut body = TokenStream::new();
        let mut value = quote!(());
        for (i, stmt) in stmts.iter().enumerate() {
            let mut stmt = stmt.clone();
            let mut index = 0;
            visit_sites(&mut stmt, &mut |site, _| {
                if let Some((.., nest, decided)) = nests.iter().find(|n| n.0 == i && n.1 == index) {
                    body.extend(quote!(let #nest;));
                    *site = with_flags(site, decided, &quote!(#nest), count);
                }
                index += 1;
            });
            match stmt {
                Stmt::Expr(tail, None) if i + 1 == stmts.len() => {
                    body.extend(quote!(let #r = #tail;));
                    value = quote!(#r);
                }
                stmt => body.extend(quote!(#stmt)),
            }
        }
        syn::parse_quote!({ #body (#value, (#(#values,)*)) })
    };
    let rewritten = match site {
        Expr::If(i) => Expr::If(chain(i, &mut end, count)),
        Expr::Match(m) => {
            let mut m = m.clone();
            for arm in &mut m.arms {
                let stmts = match &*arm.body {
                    Expr::Block(b) if b.label.is_none() => b.block.stmts.clone(),
                    e => vec![Stmt::Expr(e.clone(), None)],
                };
                *arm.body = block_expr(end(&stmts, count));
                arm.comma = Some(<Token![,]>::default());
            }
            Expr::Match(m)
        }
        other => other.clone(),
    };
    let (value, flags) = (names::hidden("__value"), names::hidden("__f"));
    syn::parse_quote!({
        let (#value, #flags) = #rewritten;
        #sink = #flags;
        #value
    })
}

/// Has `stmt` control flow of its own (a branch, loop, early exit, closure or macro), so that
/// what it moves is not certainly moved when it completes?
pub(super) fn has_branch(stmt: &Stmt) -> bool {
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
fn stmt_breaks_to(stmt: &Stmt, label: &syn::Lifetime) -> bool {
    breaks_to(
        &Block {
            brace_token: syn::token::Brace::default(),
            stmts: vec![stmt.clone()],
        },
        label,
    )
}

/// Does a `break 'label` inside `block` (not in a closure) leave it?
pub(super) fn breaks_to(block: &Block, label: &syn::Lifetime) -> bool {
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
pub(super) fn pattern_binds(site: &Expr, name: &Ident) -> bool {
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
fn without_site(stmt: &Stmt, site: usize) -> Stmt {
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
pub(super) fn assigns(stmt: &Stmt, name: &Ident) -> bool {
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
pub(super) fn lets_bind(stmts: &[Stmt], name: &Ident) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Local(l) => {
            let mut found = Vec::new();
            crate::vars::bindings(&l.pat, &mut found);
            found.iter().any(|(i, _)| i == name)
        }
        _ => false,
    })
}
