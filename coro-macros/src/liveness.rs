//! Phase 5: what each state's variant stores.
//!
//! A variable is stored in state `t` when it is in scope at `t` and either
//! - *live*: some path from `t` reads it before the function leaves its scope (classic backward
//!   liveness over the state graph, iterated to a fixed point because loops make cycles); a live
//!   variable is initialised at `t`, or rustc would reject the original program; or
//! - *kept*: no use of it anywhere may move it, so it is still initialised and must be dropped
//!   at the end of its scope, after the resume, as rustc's `async fn` does; unless it is
//!   certainly a reference (`vars::Var::reference`), which has no drop to keep in place.
//!
//! Aliases (`let r = &x;`) are never stored: a use of `r` counts as a use of `x`, and the
//! emitter rebuilds `r` from `x` after the resume.

mod borrows;

use crate::lower::{Cont, Jump, Lowered, Node};
use crate::vars::VarId;
use borrows::held_borrows;
use std::collections::BTreeSet;

/// Per state, the stored variables in declaration order.
pub(crate) type Payloads = Vec<Vec<VarId>>;

type Set = BTreeSet<VarId>;

pub(crate) fn payloads(l: &Lowered) -> syn::Result<Payloads> {
    let (payloads, hidden, live_in) = analyze(l);
    held_borrows(l, &payloads, &live_in)?;
    let Some(&id) = hidden.first() else {
        return Ok(payloads);
    };
    // Some path into a state went through a binding that hides the variable, so the state
    // cannot be built there, yet the variable is read later.
    let var = &l.vars.all[id];
    let span = l
        .vars
        .hidden_by
        .get(&id)
        .copied()
        .unwrap_or_else(|| var.ident.span());
    Err(syn::Error::new(
        span,
        format!(
            "this binding hides `{name}` on a path to a suspension point, but the outer \
             `{name}` is used after it: give this binding another name",
            name = var.ident
        ),
    ))
}

/// The payloads; the variables some state needs but cannot name (see `payloads`); and per
/// state, the variables live on entry.
fn analyze(l: &Lowered) -> (Payloads, Vec<VarId>, Vec<Set>) {
    let mut hidden = Vec::new();
    let mut live_in: Vec<Set> = vec![Set::new(); l.states.len()];
    loop {
        let mut changed = false;
        for s in (0..l.states.len()).rev() {
            let mut set = nodes(l, &live_in, &l.states[s].body);
            if let Some(input) = l.states[s].input {
                set.remove(&input);
            }
            if set != live_in[s] {
                live_in[s] = set;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut reachable = vec![false; l.states.len()];
    for s in reverse_post_order(l) {
        reachable[s] = true;
    }
    let moved_in = moved_in(l);
    let mut payloads = Vec::with_capacity(l.states.len());
    for (s, state) in l.states.iter().enumerate() {
        let mut stored = Vec::new();
        for (id, name) in &state.scope {
            let var = &l.vars.all[*id];
            if name.is_none() || var.alias.is_some() {
                continue;
            }
            // Live; or never moved anywhere; or at least not on any path to here: then it is
            // still initialised and must drop at its scope's end, as rustc drops it. A
            // reference has no drop to keep in place: it is stored only while live.
            let kept = !var.reference && (!var.maybe_moved || !moved_in[s].contains(id));
            let needed = live_in[s].contains(id) || kept;
            if !needed {
                continue;
            }
            if reachable_by_name(l, &reachable, s, *id) {
                stored.push(*id);
            } else if live_in[s].contains(id) && reachable[s] && !hidden.contains(id) {
                hidden.push(*id);
            }
        }
        payloads.push(stored);
    }
    (payloads, hidden, live_in)
}

/// Every site that enters state `s` from a reachable state can still name `id`. Sites in
/// states nothing reaches (the join after a block that always returns) do not count.
fn reachable_by_name(l: &Lowered, reachable: &[bool], s: usize, id: VarId) -> bool {
    let named = |site: &crate::vars::Visible| site.iter().any(|(v, n)| *v == id && n.is_some());
    let mut ok = true;
    for (from, state) in l.states.iter().enumerate() {
        if reachable[from] {
            visit_entries(l, &state.body, &mut |target, site| {
                if target == s {
                    ok &= named(site);
                }
            });
        }
    }
    ok
}

/// Calls `f(target, site)` for every jump or suspension in `nodes` that enters a state.
fn visit_entries(l: &Lowered, nodes: &[Node], f: &mut impl FnMut(usize, &crate::vars::Visible)) {
    fn jump(l: &Lowered, j: usize, f: &mut impl FnMut(usize, &crate::vars::Visible)) {
        let j = &l.jumps[j];
        for &inner in &j.inner {
            jump(l, inner, f);
        }
        if let Cont::State(t, _) = j.cont {
            f(t, &j.site);
        }
    }
    for node in nodes {
        node.jumps().iter().for_each(|&j| jump(l, j, f));
        match node {
            Node::Suspend { target, site, .. } => f(*target, site),
            Node::Jump(j) => jump(l, *j, f),
            _ => {}
        }
        node.for_each_child(|b| visit_entries(l, b, f));
    }
}

fn successors(l: &Lowered, nodes: &[Node], out: &mut Vec<usize>) {
    fn jump(l: &Lowered, j: usize, out: &mut Vec<usize>) {
        let j = &l.jumps[j];
        for &inner in &j.inner {
            jump(l, inner, out);
        }
        if let Cont::State(t, _) = j.cont {
            out.push(t);
        }
    }
    for node in nodes {
        node.jumps().iter().for_each(|&j| jump(l, j, out));
        match node {
            Node::Jump(j) => jump(l, *j, out),
            Node::Suspend { target, .. } => out.push(*target),
            _ => {}
        }
        node.for_each_child(|b| successors(l, b, out));
    }
}

/// The states reachable from the entry, in reverse post-order of the state graph.
pub(crate) fn reverse_post_order(l: &Lowered) -> Vec<usize> {
    let mut seen = vec![false; l.states.len()];
    let mut post = Vec::new();
    // Iterative DFS: (state, its successors, next successor index).
    let mut stack = vec![(0, Vec::new(), 0)];
    seen[0] = true;
    successors(l, &l.states[0].body, &mut stack[0].1);
    while let Some((s, succ, i)) = stack.last_mut() {
        if let Some(&t) = succ.get(*i) {
            *i += 1;
            if !seen[t] {
                seen[t] = true;
                let mut next = Vec::new();
                successors(l, &l.states[t].body, &mut next);
                stack.push((t, next, 0));
            }
        } else {
            post.push(*s);
            stack.pop();
        }
    }
    post.reverse();
    post
}

fn with_aliases(l: &Lowered, set: &mut Set, uses: &[VarId]) {
    for &u in uses {
        set.insert(u);
        if let Some((src, _)) = l.vars.all[u].alias {
            set.insert(src);
        }
    }
}

fn jump(l: &Lowered, live_in: &[Set], j: &Jump) -> Set {
    let mut set = Set::new();
    if let Cont::State(t, _) = j.cont {
        // The drop flags the jump sets are dead before it.
        set.extend(live_in[t].iter().filter(|v| !j.defs.contains(v)).copied());
    }
    with_aliases(l, &mut set, &j.uses);
    for &inner in &j.inner {
        set.extend(jump(l, live_in, &l.jumps[inner]));
    }
    set
}

/// Variables live on entry to `nodes` (which always end in a jump, so nothing follows).
fn nodes(l: &Lowered, live_in: &[Set], nodes_: &[Node]) -> Set {
    let mut live = Set::new();
    for node in nodes_.iter().rev() {
        match node {
            Node::Code {
                uses,
                defs,
                assigns,
                uninit,
                ..
            } => {
                // (A statement that only may assign `defs` kills nothing.)
                if !(*assigns && *uninit) {
                    for d in defs {
                        live.remove(d);
                    }
                }
                with_aliases(l, &mut live, uses);
            }
            Node::Block(b) => live.extend(nodes(l, live_in, b)),
            Node::If {
                uses,
                flags,
                then,
                els,
                ..
            } => {
                live.extend(nodes(l, live_in, then));
                live.extend(nodes(l, live_in, els));
                for f in flags {
                    live.remove(f);
                }
                with_aliases(l, &mut live, uses);
            }
            Node::Match {
                uses, flags, arms, ..
            } => {
                for arm in arms {
                    let mut a = nodes(l, live_in, &arm.body);
                    for d in &arm.defs {
                        a.remove(d);
                    }
                    live.extend(a);
                }
                for f in flags {
                    live.remove(f);
                }
                with_aliases(l, &mut live, uses);
            }
            Node::LetElse {
                uses, defs, els, ..
            } => {
                for d in defs {
                    live.remove(d);
                }
                live.extend(nodes(l, live_in, els));
                with_aliases(l, &mut live, uses);
            }
            Node::Jump(j) => live.extend(jump(l, live_in, &l.jumps[*j])),
            Node::Suspend {
                uses,
                flags,
                target,
                ..
            } => {
                live.extend(live_in[*target].iter().copied());
                for f in flags {
                    live.remove(f);
                }
                with_aliases(l, &mut live, uses);
            }
        }
        // A jump in the node's own code (its statement, condition, scrutinee, initialiser or
        // future) leaves before anything after it: what its target needs is live here.
        for &j in node.jumps() {
            live.extend(jump(l, live_in, &l.jumps[j]));
        }
    }
    live
}

/// Per state, the variables in scope that the state does not store but that its own code
/// assigns (`let x; .. x = f().await;`, or a moved-from `p` given a new value). The arm
/// declares them again, uninitialised, so the assignment has a binding to initialise. (A later
/// state that assigns one declares it for itself.)
pub(crate) fn redeclared(l: &Lowered, payloads: &Payloads) -> Vec<Vec<VarId>> {
    (0..l.states.len())
        .map(|s| {
            let mut assigned = Set::new();
            assigns(&l.states[s].body, &mut assigned);
            jump_defs(l, &l.states[s].body, &mut assigned);
            jump_fills(l, &l.states[s].body, &mut assigned);
            l.states[s]
                .scope
                .iter()
                .filter(|(id, name)| {
                    name.is_some()
                        && !payloads[s].contains(id)
                        && l.vars.all[*id].alias.is_none()
                        && assigned.contains(id)
                })
                .map(|(id, _)| *id)
                .collect()
        })
        .collect()
}

/// The drop flags that the jumps in `nodes` set (`lower::Jump::defs`).
pub(crate) fn jump_defs(l: &Lowered, nodes: &[Node], out: &mut Set) {
    from_jumps(l, nodes, |j| &j.defs, out);
}

/// The variables that the values of the jumps in `nodes` may assign (`lower::Jump::fills`).
pub(crate) fn jump_fills(l: &Lowered, nodes: &[Node], out: &mut Set) {
    from_jumps(l, nodes, |j| &j.fills, out);
}

/// What `list` gives for every jump in `nodes`, the jumps nested in them included.
fn from_jumps(l: &Lowered, nodes: &[Node], list: fn(&Jump) -> &Vec<VarId>, out: &mut Set) {
    fn jump(l: &Lowered, j: usize, list: fn(&Jump) -> &Vec<VarId>, out: &mut Set) {
        let j = &l.jumps[j];
        out.extend(list(j).iter().copied());
        for &inner in &j.inner {
            jump(l, inner, list, out);
        }
    }
    for node in nodes {
        node.jumps().iter().for_each(|&j| jump(l, j, list, out));
        if let Node::Jump(j) = node {
            jump(l, *j, list, out);
        }
        node.for_each_child(|b| from_jumps(l, b, list, out));
    }
}

/// Variables assigned by a plain `x = e;` in `nodes`.
pub(crate) fn assigns(nodes: &[Node], out: &mut Set) {
    for node in nodes {
        match node {
            Node::Code {
                defs,
                assigns: true,
                ..
            } => out.extend(defs.iter().copied()),
            Node::Block(b) => assigns(b, out),
            Node::If {
                flags, then, els, ..
            } => {
                out.extend(flags.iter().copied());
                assigns(then, out);
                assigns(els, out);
            }
            Node::Match { flags, arms, .. } => {
                out.extend(flags.iter().copied());
                for a in arms {
                    assigns(&a.body, out);
                }
            }
            Node::LetElse { els, .. } => assigns(els, out),
            // Building the future assigns these drop flags.
            Node::Suspend { flags, .. } => out.extend(flags.iter().copied()),
            Node::Code { .. } | Node::Jump(_) => {}
        }
    }
}

/// Per state, the variables that may have been moved (or not yet initialised) on some path into
/// it: a forward "maybe moved" analysis over the state graph, in the spirit of rustc's drop
/// flags, but decided at expansion time. A variable in scope and not in the set is initialised
/// whenever the state is entered, so it can be stored even when no later code reads it.
fn moved_in(l: &Lowered) -> Vec<Set> {
    let mut moved: Vec<Set> = vec![Set::new(); l.states.len()];
    loop {
        let mut changed = false;
        for s in 0..l.states.len() {
            let mut exits: Vec<(usize, Set)> = Vec::new();
            forward(l, &l.states[s].body, moved[s].clone(), &mut exits);
            for (t, set) in exits {
                let before = moved[t].len();
                moved[t].extend(set);
                changed |= moved[t].len() != before;
            }
        }
        if !changed {
            return moved;
        }
    }
}

/// Walks `nodes` with `cur`, the variables possibly moved so far on this path, and records
/// what flows into each state the path enters.
fn forward(l: &Lowered, nodes: &[Node], mut cur: Set, exits: &mut Vec<(usize, Set)>) {
    fn jump(l: &Lowered, j: usize, cur: &Set, exits: &mut Vec<(usize, Set)>) {
        let j = &l.jumps[j];
        let mut cur = cur.clone();
        cur.extend(j.moves.iter().copied());
        for &inner in &j.inner {
            jump(l, inner, &cur, exits);
        }
        for d in &j.defs {
            cur.remove(d);
        }
        if let Cont::State(t, _) = j.cont {
            exits.push((t, cur));
        }
    }
    for node in nodes {
        match node {
            Node::Code {
                moves,
                defs,
                assigns,
                uninit,
                jumps,
                ..
            } => {
                // Moves inside the statement are taken to happen before its jumps, and what it
                // assigns after them (`x = if c { break 'a } else { f() };`, or a drop flag
                // set once the `if` that decides it completes).
                cur.extend(moves.iter().copied());
                for &j in jumps {
                    jump(l, j, &cur, exits);
                }
                // (A statement that only may assign `defs` leaves them as they were.)
                if *uninit && !*assigns {
                    cur.extend(defs.iter().copied());
                } else if !*uninit {
                    for d in defs {
                        cur.remove(d);
                    }
                }
            }
            Node::Block(b) => forward(l, b, cur.clone(), exits),
            // A jump in the condition, scrutinee, initialiser or future leaves after what it
            // moves, before what it assigns, as in a statement.
            Node::If {
                moves,
                flags,
                jumps,
                then,
                els,
                ..
            } => {
                cur.extend(moves.iter().copied());
                for &j in jumps {
                    jump(l, j, &cur, exits);
                }
                for f in flags {
                    cur.remove(f);
                }
                forward(l, then, cur.clone(), exits);
                forward(l, els, cur.clone(), exits);
            }
            Node::Match {
                moves,
                flags,
                jumps,
                arms,
                ..
            } => {
                cur.extend(moves.iter().copied());
                for &j in jumps {
                    jump(l, j, &cur, exits);
                }
                for f in flags {
                    cur.remove(f);
                }
                for arm in arms {
                    forward(l, &arm.body, cur.clone(), exits);
                }
            }
            Node::LetElse {
                moves,
                defs,
                jumps,
                els,
                ..
            } => {
                cur.extend(moves.iter().copied());
                for &j in jumps {
                    jump(l, j, &cur, exits);
                }
                forward(l, els, cur.clone(), exits);
                for d in defs {
                    cur.remove(d);
                }
            }
            Node::Jump(j) => jump(l, *j, &cur, exits),
            Node::Suspend {
                moves,
                flags,
                jumps,
                target,
                ..
            } => {
                let mut out = cur.clone();
                out.extend(moves.iter().copied());
                for &j in jumps {
                    jump(l, j, &out, exits);
                }
                for f in flags {
                    out.remove(f);
                }
                exits.push((*target, out));
            }
        }
    }
}
