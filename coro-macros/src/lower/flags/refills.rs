//! An assignment that follows a decision (ARCHITECTURE.md, "Drop flags", **Assigned
//! after the decision**): `x = f(match k { 0 => { drop(x); a } _ => b });`, which
//! normalize.rs leaves as `let __t = match ..; x = f(__t);`. rustc drops the old `x`, if no
//! branch took it, at the assignment, after `f` ran; the flag holds it from the decision on,
//! so the assignment drops the flag.
//!
//! Input: `let __t = match k { 0 => { drop(x); a } _ => b }; x = f(__t);`
//! Output: `let __t = <the match, setting __flagN>; x = f(__t); drop(__flagN);`
//!
//! The statement that decides `x` sets the flag on every path that completes it: an
//! await-free statement whose site decides it (`flags`), a `let`/statement whose construct
//! sends its value to a join that only the deciding site (or the jump whose value decides),
//! or the exits of a loop or labelled block that decides it (exits.rs), enters
//! (`into_join`), or one whose plain block ends with `x` so decided (`hand_out`). When a
//! labelled exit of the deciding site (or of that loop or block, to another state) sets the
//! flag, `x` is `bypassed`: that exit's path skips the assignment with `x` in the flag, so
//! the assignment is a use here (fills.rs may still fill the flag). The assignment is the
//! first statement after it, in the same block, that names `x`. In the first pass it is not a use that rejects the flag
//! (when a state boundary came between, which is what needs the flag), and the watch ends
//! there: from the assignment on, `x` is a new value.

use crate::lower::{Cont, Lowerer, Node, StateId};
use crate::vars::VarId;
use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Expr, Stmt};

impl Lowerer {
    /// The candidates that the last `flag_rewrite` found: the statement (or expression) it
    /// read decides them whenever it completes.
    pub(in crate::lower) fn take_decided(&mut self) -> Vec<VarId> {
        std::mem::take(&mut self.decided)
    }

    /// The candidates of the sites (and jump values) that alone enter `join` (see
    /// `into_join`): the construct whose value goes to `join` decides them.
    pub(in crate::lower) fn decided_into(&mut self, join: StateId) -> Vec<VarId> {
        let (here, others) = std::mem::take(&mut self.into_join)
            .into_iter()
            .partition(|(_, j)| *j == join);
        self.into_join = others;
        here.into_iter().map(|(v, _)| v).collect()
    }

    /// The end of a block whose value goes to `k`: the locals its statements decided (and
    /// none has named since, `handed`) are decided by the statement around the block too,
    /// when nothing else enters `k`'s state.
    pub(in crate::lower) fn hand_out(&mut self, handed: Vec<VarId>, k: Cont) {
        if let Cont::State(join, _) = k {
            if !self.shared.contains(&join) && !self.edges.iter().any(|e| e.join == join) {
                self.into_join.extend(handed.into_iter().map(|v| (v, join)));
            }
        }
    }

    /// Reads `stmt`, the next statement of a block after statements that decided `handed`:
    /// the local it assigns again (`x = e;`, `e` not naming `x`), if it is one of them. Every
    /// local of `handed` that `stmt` names leaves it.
    pub(in crate::lower) fn refill_of(
        &self,
        stmt: &Stmt,
        handed: &mut Vec<VarId>,
    ) -> Option<VarId> {
        if handed.is_empty() {
            return None;
        }
        let tokens = stmt.to_token_stream();
        let mut refill = None;
        handed.retain(|&v| {
            let Some(name) = self.vars.all[v].current.as_ref() else {
                return false;
            };
            if !names(&tokens, name) {
                return true;
            }
            if let Stmt::Expr(Expr::Assign(a), Some(_)) = stmt {
                let target = match &*a.left {
                    Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
                    _ => None,
                };
                let assigned = target
                    .is_some_and(|t| t == name && self.vars.lookup(&t.to_string()) == Some(v));
                // (A labelled exit's path has `x` in the flag: fills.rs.)
                let bypassed = self.bypassed.contains(&v);
                if assigned && !bypassed && !names(&a.right.to_token_stream(), name) {
                    refill = Some(v);
                }
            }
            false
        });
        refill
    }

    /// `x = e;`, the assignment `refill_of` found for `x`, lowered: then, in the second pass,
    /// the flag dropped. In the first pass the assignment ends `x`'s watch, without counting
    /// as a use that rejects the flag, when a state boundary came between the decision and
    /// here (which is what needs the flag; without one, `x` stays in the arm's local up to
    /// the assignment, which drops it as rustc does).
    pub(in crate::lower) fn refill(&mut self, x: VarId, stmt: &Stmt) -> Vec<Node> {
        let crossed = self.watch.iter().any(|&(v, suspends)| v == x && suspends);
        let ends_watch = crossed && self.vars.watched.get(&x) == Some(&false);
        let mut nodes = self.plain_flagged(stmt);
        if ends_watch {
            self.vars.watched.remove(&x);
            self.refilled.push(x);
        }
        if let Some(flag) = self.vars.all[x].flag {
            let name = &self.vars.all[flag].ident;
            nodes.push(Node::Code {
                tokens: quote!(::core::mem::drop(#name);),
                uses: vec![flag],
                moves: vec![flag],
                defs: Vec::new(),
                assigns: false,
                uninit: false,
                jumps: Vec::new(),
            });
        }
        nodes
    }
}

/// Does `tokens` hold the identifier `name` anywhere?
fn names(tokens: &TokenStream, name: &Ident) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == *name,
        TokenTree::Group(g) => names(&g.stream(), name),
        TokenTree::Punct(_) | TokenTree::Literal(_) => false,
    })
}
