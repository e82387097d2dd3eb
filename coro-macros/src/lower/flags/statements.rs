//! Drop flags decided inside one await-free statement (ARCHITECTURE.md, "Drop flags",
//! **Await-free `if`/`match`**): which statements qualify (`Lowerer::flags`), the candidates
//! watched between the two passes, and the rewrite (`with_flags`) that makes each branch hand
//! a kept local over to its flag. Separate from flags.rs, whose awaiting sites set the flag on
//! the jumps into their join instead.

use super::sites::{assigns, pattern_binds, sites_of, visit_sites, without_site};
use super::{ExitWays, Way};
use crate::lower::{Lowerer, Node, block_expr, chain};
use crate::names;
use crate::vars::VarId;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::{Block, Expr, Pat, Stmt, Token};

impl Lowerer {
    /// `plain`, then the drop flags of the variables it declares (see `declare_flags`).
    pub(in crate::lower) fn plain_then_flags(&mut self, stmt: &Stmt) -> Vec<Node> {
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
        // A `let` whose initialiser may assign a local (lower/plain.rs).
        out.extend(self.assigned_ahead());
        out
    }

    /// An await-free statement, after `flag_rewrite`.
    pub(in crate::lower) fn plain_flagged(&mut self, stmt: &Stmt) -> Vec<Node> {
        // A local it moves for certain may take a flag that a later assignment fills
        // (emptied.rs).
        let moved = self.moved_for_certain(stmt);
        let (stmt, flags) = match self.flag_rewrite(stmt) {
            Ok(rewritten) => rewritten,
            Err(candidates) => {
                let mut nodes = self.plain_then_flags(stmt);
                self.watch_candidates(candidates);
                self.empty_flags(stmt, moved, &mut nodes);
                return nodes;
            }
        };
        let mut nodes = self.plain_then_flags(&stmt);
        // The flags are assigned here, not read: they are initialised from this statement on.
        if let Node::Code {
            uses,
            defs,
            assigns,
            uninit,
            ..
        } = &mut nodes[0]
        {
            uses.retain(|u| !flags.contains(u));
            if *assigns && *uninit {
                // A statement that may assign a local (`if c { drop(x); y = e; }`) is no
                // definition of what it assigns, but it sets its flags on every path: they
                // are defined by a node of their own. Listed with `y`, a flag counted as
                // maybe unset was stored at no later state, and a `None` that an awaiting
                // site set for it on another edge had nothing to give it a type (E0282).
                nodes.insert(1, Self::flags_set(flags));
            } else {
                defs.extend(flags);
                *assigns = true;
            }
        }
        self.empty_flags(&stmt, moved, &mut nodes);
        nodes
    }

    /// A node without code that says the statement before it has set `flags`.
    fn flags_set(flags: Vec<VarId>) -> Node {
        Node::Code {
            tokens: TokenStream::new(),
            uses: Vec::new(),
            moves: Vec::new(),
            defs: flags,
            assigns: true,
            uninit: false,
            jumps: Vec::new(),
        }
    }

    /// An expression evaluated on its own (a condition, a scrutinee, an awaited future), after
    /// `flag_rewrite`: the expression, the drop flags it assigns, its uses (the flags are not
    /// read) and its possible moves.
    pub(in crate::lower) fn flagged_expr(
        &mut self,
        e: &Expr,
    ) -> (Expr, Vec<VarId>, Vec<VarId>, Vec<VarId>) {
        self.flagged(e, None)
    }

    /// `flagged_expr` for a scrutinee matched against `pats` (an awaiting `match`'s or
    /// `if let`'s): a place that no pattern binds by value is matched in place, read and not
    /// moved, as in await-free code (`Vars::uses_scrutinee`).
    pub(in crate::lower) fn flagged_scrutinee(
        &mut self,
        e: &Expr,
        pats: &[&Pat],
    ) -> (Expr, Vec<VarId>, Vec<VarId>, Vec<VarId>) {
        self.flagged(e, Some(pats))
    }

    fn flagged(
        &mut self,
        e: &Expr,
        pats: Option<&[&Pat]>,
    ) -> (Expr, Vec<VarId>, Vec<VarId>, Vec<VarId>) {
        // A local it moves for certain may take a flag that a later assignment fills
        // (emptied.rs).
        let emptied = self.moved_for_certain(&Stmt::Expr(e.clone(), None));
        let (e, mut flags, watch) = match self.flag_rewrite(&Stmt::Expr(e.clone(), None)) {
            Ok((Stmt::Expr(rewritten, _), flags)) => (rewritten, flags, Vec::new()),
            Ok(_) => unreachable!("rewritten as it was given, an expression"),
            Err(candidates) => (e.clone(), Vec::new(), candidates),
        };
        let e = self.empty_flags_expr(e, emptied, &mut flags);
        let mut uses = match pats {
            Some(pats) => self.vars.uses_scrutinee(&e, pats.iter().copied()),
            None => self.vars.uses_expr(&e),
        };
        uses.retain(|u| !flags.contains(u));
        let moves = self.vars.moves();
        // (The caller puts `assigned_ahead` next to the construct.)
        self.take_assigned(&Stmt::Expr(e.clone(), None), &mut uses);
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
        // (Those a labelled exit leaves with the flag set are bypassed: see fills.rs.)
        self.decided = candidates.iter().map(|(v, ..)| *v).collect();
        let bypassed = candidates.iter().filter(|(.., exits)| !exits.is_empty());
        self.bypassed.extend(bypassed.map(|(v, ..)| *v));
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
        // Reading the sites apart from their statement must not end a watch: there a name
        // that a `let` of the statement shadows (`{ let x = ..; if peek(&x) > 0 { .. } }`)
        // reads as the outer local, which the statement does not use. The caller collects
        // the statement's own uses.
        let watched = self.vars.watched.clone();
        let out = self.candidates(stmt, &sites, &shadowed);
        self.vars.watched = watched;
        out
    }

    /// `flags` for a statement with `sites`, each with the names `let`s around it shadow.
    fn candidates(
        &mut self,
        stmt: &Stmt,
        sites: &[Expr],
        shadowed: &[Vec<Ident>],
    ) -> Vec<(VarId, usize, Vec<Way>, ExitWays)> {
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
}

/// A flagged variable's name, and how each branch of a site leaves it.
type FlagWays = (TokenStream, Vec<Way>);

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
