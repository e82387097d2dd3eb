//! Phase 5: what each state's variant stores.
//!
//! A variable is stored in state `t` when it is in scope at `t` and either
//! - *live*: some path from `t` reads it before the function leaves its scope (classic backward
//!   liveness over the state graph, iterated to a fixed point because loops make cycles); a live
//!   variable is initialised at `t`, or rustc would reject the original program; or
//! - *kept*: no use of it anywhere may move it, so it is still initialised and must be dropped
//!   at the end of its scope, after the resume, as rustc's `async fn` does.
//!
//! Aliases (`let r = &x;`) are never stored: a use of `r` counts as a use of `x`, and the
//! emitter rebuilds `r` from `x` after the resume.

use crate::lower::{Cont, Jump, Lowered, Node};
use crate::vars::VarId;
use std::collections::BTreeSet;

/// Per state, the stored variables in declaration order.
pub(crate) type Payloads = Vec<Vec<VarId>>;

type Set = BTreeSet<VarId>;

pub(crate) fn payloads(l: &Lowered) -> Payloads {
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
    (0..l.states.len())
        .map(|s| {
            let state = &l.states[s];
            state
                .scope
                .iter()
                .filter(|(id, name)| {
                    let var = &l.vars.all[*id];
                    name.is_some()
                        && var.alias.is_none()
                        && (live_in[s].contains(id) || !var.maybe_moved)
                        && reachable_by_name(l, s, *id)
                })
                .map(|(id, _)| *id)
                .collect()
        })
        .collect()
}

/// Every site that enters state `s` can still name `id`.
fn reachable_by_name(l: &Lowered, s: usize, id: VarId) -> bool {
    let named = |site: &crate::vars::Visible| site.iter().any(|(v, n)| *v == id && n.is_some());
    let from_jumps = l
        .jumps
        .iter()
        .filter(|j| matches!(j.cont, Cont::State(t, _) if t == s));
    let mut ok = from_jumps.into_iter().all(|j| named(&j.site));
    for state in &l.states {
        visit_suspends(&state.body, &mut |target, site| {
            if target == s {
                ok &= named(site);
            }
        });
    }
    ok
}

fn visit_suspends(nodes: &[Node], f: &mut impl FnMut(usize, &crate::vars::Visible)) {
    for node in nodes {
        match node {
            Node::Suspend { target, site, .. } => f(*target, site),
            Node::Block(b) => visit_suspends(b, f),
            Node::If { then, els, .. } => {
                visit_suspends(then, f);
                visit_suspends(els, f);
            }
            Node::Match { arms, .. } => arms.iter().for_each(|a| visit_suspends(&a.body, f)),
            Node::LetElse { els, .. } => visit_suspends(els, f),
            Node::Code { .. } | Node::Jump(_) => {}
        }
    }
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
    with_aliases(l, &mut set, &j.uses);
    for &inner in &j.inner {
        set.extend(jump(l, live_in, &l.jumps[inner]));
    }
    if let Cont::State(t, _) = j.cont {
        set.extend(live_in[t].iter().copied());
    }
    set
}

/// Variables live on entry to `nodes` (which always end in a jump, so nothing follows).
fn nodes(l: &Lowered, live_in: &[Set], nodes_: &[Node]) -> Set {
    let mut live = Set::new();
    for node in nodes_.iter().rev() {
        match node {
            Node::Code {
                uses, defs, jumps, ..
            } => {
                for d in defs {
                    live.remove(d);
                }
                with_aliases(l, &mut live, uses);
                for &j in jumps {
                    live.extend(jump(l, live_in, &l.jumps[j]));
                }
            }
            Node::Block(b) => live.extend(nodes(l, live_in, b)),
            Node::If {
                uses, then, els, ..
            } => {
                live.extend(nodes(l, live_in, then));
                live.extend(nodes(l, live_in, els));
                with_aliases(l, &mut live, uses);
            }
            Node::Match { uses, arms, .. } => {
                for arm in arms {
                    let mut a = nodes(l, live_in, &arm.body);
                    for d in &arm.defs {
                        a.remove(d);
                    }
                    live.extend(a);
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
            Node::Suspend { uses, target, .. } => {
                live.extend(live_in[*target].iter().copied());
                with_aliases(l, &mut live, uses);
            }
        }
    }
    live
}
