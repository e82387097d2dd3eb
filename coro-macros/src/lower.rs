//! Phase 4: cut the normalized body into states.
//!
//! A state starts at the function's entry, after each `.await` (a *resume* state, whose input
//! is the awaited output), at the head of each loop that contains an await, and after each
//! `if`/`match`/block that contains one (a *join* state, whose input is the construct's value).
//! Everything between two such points stays ordinary Rust inside one arm of the step closure;
//! only constructs that contain an await are taken apart.
//!
//! Each state remembers the variables in scope where it starts (`scope`); `liveness` later
//! picks which of them the state's variant must store. Jumps inside user fragments (`break`,
//! `continue` aimed at a loop that became states) are left as marker identifiers that `emit`
//! replaces with the jump's code once payloads are known.

use crate::names;
use crate::signature::Parsed;
use crate::syntax::{ident_expr, let_pat};
use crate::vars::{Known, VarId, Vars};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Block, Expr, Pat, Stmt};

mod constructs;
mod diverge;
mod exits;
mod flags;
mod lowered;
mod marker;
mod plain;
mod shapes;
use diverge::never_completes;
use flags::Way;
pub(crate) use lowered::{ArmNode, Cont, Jump, Lowered, Node, State, StateId};
use shapes::{block_expr, branches, by_value, chain, diverges, wildcard_paths};

struct Target {
    label: Option<String>,
    is_loop: bool,
    break_to: Cont,
    continue_to: Option<StateId>,
}

/// Lowers `body` twice: whether a variable may be moved is only known once all its uses have
/// been seen, and decisions taken at a `let` that shadows it (see [`Lowerer::plain`]) need the
/// final answer, so the second pass starts from what the first one found.
///
/// A pass reads what the previous one found only through `Vars::known_assigned`,
/// `Vars::known_flagged` and, behind `known_assigned`, `Var::maybe_moved`. When no variable is
/// assigned with `x = e;` and none needs a drop flag, the first pass already saw every answer
/// the second would see (all `false`), so it made the same decisions, and its variables end
/// with the same `maybe_moved`: its result is the second pass's, which then does not run.
pub(crate) fn lower(parsed: &Parsed, body: &Block) -> syn::Result<Lowered> {
    lower_passes(parsed, body, false)
}

/// `lower`, but with the second pass run even when it would find nothing new (for the test
/// that checks that skipping it changes nothing).
#[cfg(test)]
pub(crate) fn lower_twice(parsed: &Parsed, body: &Block) -> syn::Result<Lowered> {
    lower_passes(parsed, body, true)
}

fn lower_passes(parsed: &Parsed, body: &Block, always_twice: bool) -> syn::Result<Lowered> {
    let first = lower_once(parsed, body, Vec::new())?;
    let mut assigned = std::collections::BTreeSet::new();
    for state in &first.states {
        crate::liveness::assigns(&state.body, &mut assigned);
        crate::liveness::jump_fills(&first, &state.body, &mut assigned);
    }
    let known: Vec<Known> = first
        .vars
        .all
        .iter()
        .enumerate()
        .filter(|(_, v)| v.user_index.is_some())
        .map(|(id, v)| Known {
            maybe_moved: v.maybe_moved,
            assigned: assigned.contains(&id),
            flagged: first.flaggable.contains(&id),
        })
        .collect();
    if !always_twice && known.iter().all(|k| !k.assigned && !k.flagged) {
        return Ok(first);
    }
    lower_once(parsed, body, known)
}

fn lower_once(parsed: &Parsed, body: &Block, known: Vec<Known>) -> syn::Result<Lowered> {
    let mut l = Lowerer {
        vars: Vars::with_known(known),
        states: Vec::new(),
        jumps: Vec::new(),
        targets: Vec::new(),
        loop_depths: Vec::new(),
        watch: Vec::new(),
        edges: Vec::new(),
        deciding: Vec::new(),
        shared: Vec::new(),
        exits: Vec::new(),
        by_exits: Vec::new(),
        reading_for: None,
        by_blocks: Vec::new(),
        decided: Vec::new(),
        into_join: Vec::new(),
        handed_on: Vec::new(),
        refilled: Vec::new(),
        bypassed: Vec::new(),
        assigned_ahead: Vec::new(),
    };
    l.vars.push();
    let generics: Vec<proc_macro2::Ident> = parsed
        .sig
        .generics
        .type_params()
        .map(|p| p.ident.clone())
        .collect();
    let start = l.new_state(None, false);
    let mut nodes = Vec::new();
    for (i, (arg, input)) in parsed.args.iter().zip(&parsed.sig.inputs).enumerate() {
        let slot = &arg.slot;
        // rustc binds each argument whole, then destructures it, so a part its pattern skips
        // with `_` (`(x, _): (A, B)`) stays in the argument and drops after the pattern's
        // bindings. Moving those parts into hidden locals declared just before the pattern
        // gives the same order (see `wildcard_paths`).
        if let Some(pat) = &arg.pat {
            for (k, path) in wildcard_paths(pat).into_iter().enumerate() {
                let wild = names::hidden(&format!("__wild{i}_{k}"));
                let stmt: Stmt = syn::parse_quote!(let #wild = #slot #path;);
                nodes.push(l.plain(&stmt));
            }
        }
        let mut refs = Vec::new();
        let stmt: Stmt = match (&arg.pat, input) {
            (None, syn::FnArg::Receiver(r)) => {
                let this = names::self_var();
                let m = r.mutability;
                syn::parse_quote!(let #m #this = #slot;)
            }
            // `_` does not move the argument, so rustc keeps it until the end: so do we.
            (Some(Pat::Wild(_)), _) => syn::parse_quote!(let #slot = #slot;),
            (Some(pat), _) => {
                let (pat, by_ref) = by_value(pat, i);
                refs = by_ref;
                let_pat(pat, ident_expr(slot))
            }
            (None, syn::FnArg::Typed(_)) => unreachable!("typed arguments have patterns"),
        };
        let mut param = l.plain_then_flags(&stmt);
        // `ref x` / `ref mut x`: the part is bound by value to a hidden local and `x` is a
        // borrow of it, rebuilt after each resume like any `let x = &y;`.
        for (ident, hidden, mutable) in refs.drain(..) {
            let m = mutable.then(|| quote!(mut));
            let stmt: Stmt = syn::parse_quote!(let #ident = &#m #hidden;);
            param.push(l.plain(&stmt));
        }
        if let (Some(Node::Code { defs, .. }), syn::FnArg::Typed(t)) = (param.first(), input) {
            if let ([d], Pat::Ident(_)) = (defs.as_slice(), &*t.pat) {
                l.vars.all[*d].copy = crate::vars::surely_copy(&t.ty);
                l.vars.all[*d].owned = crate::vars::surely_owned(&t.ty, &generics);
            }
        }
        nodes.extend(param);
    }
    nodes.extend(l.seq(&body.stmts, Cont::Return)?);
    l.states[start].body = nodes;
    let flaggable = l
        .watch
        .iter()
        .filter(|(v, suspends)| {
            // (A watch that an assignment ended saw no use up to it.)
            let unused = match l.vars.watched.get(v) {
                Some(seen) => !seen,
                None => l.refilled.contains(v),
            };
            *suspends && unused
        })
        .map(|(v, _)| *v)
        .collect();
    Ok(Lowered {
        arg_count: parsed.args.len(),
        vars: l.vars,
        states: l.states,
        jumps: l.jumps,
        flaggable,
    })
}

struct Lowerer {
    vars: Vars,
    states: Vec<State>,
    jumps: Vec<Jump>,
    targets: Vec<Target>,
    /// For each enclosing loop that became states, how many scopes were open outside it.
    loop_depths: Vec<usize>,
    /// Drop-flag candidates (see `flags`), and whether a state boundary follows while in
    /// scope (see `note_entry`).
    watch: Vec<(VarId, bool)>,
    /// Awaiting `if`/`match` sites whose branches are being lowered and that hand variables
    /// over to their drop flags on the jumps into their join (see `edge_candidates`).
    edges: Vec<Edges>,
    /// Variables that an awaiting site being lowered decides, with its join: a site inside it
    /// does not start watching them (the outer one does, once all its branches are lowered).
    deciding: Vec<(VarId, StateId)>,
    /// Joins that a construct being lowered reaches by several paths (the branches of an
    /// `if`/`match`, a labelled block's end and its `break`s): a site that ends one of those
    /// paths sees only some of the jumps into its join (see `edge_candidates`).
    shared: Vec<StateId>,
    /// Per tagged labelled exit of a site (exits.rs), the drop flags it sets: each variable,
    /// and whether the code before the exit kept it (`Some(x)`) or moved it (`None`).
    exits: Vec<Vec<(VarId, bool)>>,
    /// Variables that the exits of a loop or labelled block being lowered decide (exits.rs):
    /// no site inside it decides them as well (the block's end would name a local the site
    /// already handed to the flag).
    by_exits: Vec<VarId>,
    /// The join of the awaiting site whose branches `edge_candidates` is reading: a labelled
    /// block statement of a branch may then be the branch's decision
    /// (lower/exits/blocks.rs `block_decides`).
    reading_for: Option<StateId>,
    /// Variables that an awaiting site being lowered leaves to a labelled block in one of its
    /// branches (`Way::Nested` with `BY_BLOCK`): the block decides them although the site's
    /// reading of its branches counted them as maybe moved (see `body_exit_ways`).
    by_blocks: Vec<VarId>,
    /// The candidates the last `flag_rewrite` found (flags/refills.rs `take_decided`).
    decided: Vec<VarId>,
    /// The candidates of sites, and of jump values, that alone enter their join (no other
    /// path does: the join is not `shared`), with the join (flags/refills.rs).
    into_join: Vec<(VarId, StateId)>,
    /// What `seq` hands on to the rest of its block: the locals that the statements so far
    /// decided and none has named since (flags/refills.rs `refill_of`).
    handed_on: Vec<VarId>,
    /// Locals whose watch an assignment after their decision ended (flags/refills.rs
    /// `refill`): no later use can reject their flag.
    refilled: Vec<VarId>,
    /// Locals decided by a site with a labelled exit that sets the flag (flags/fills.rs): a
    /// later assignment may fill the flag, but not make `x` an ordinary local again (the
    /// exit's path, which bypasses it, has `x` in the flag).
    bypassed: Vec<VarId>,
    /// Locals that the expression just read for a construct (or the `let` just lowered) names
    /// only as the target of `x = e`, each with whether it assigns them on every path: it
    /// does not read them (flags/fills.rs `take_assigned`). A node next to the construct's
    /// says so (`assigned_ahead`).
    assigned_ahead: Vec<(VarId, bool)>,
}

/// An awaiting `if`/`match` whose jumps into its join set drop flags (see
/// `Lowerer::edge_candidates`).
struct Edges {
    join: StateId,
    /// Each variable it decides, and how each branch leaves it.
    vars: Vec<(VarId, Vec<Way>)>,
    /// The branches (in `branches` order) that the code being lowered belongs to.
    branches: std::ops::Range<usize>,
}

/// What `Lowerer::begin_site` started, for `end_site`.
struct Site {
    /// Candidates to watch once the site is lowered.
    watch: Vec<VarId>,
    /// `deciding`'s length before the site.
    outer: usize,
    /// Whether the site pushed an `Edges`.
    edges: bool,
    /// `by_blocks`' length before the site.
    blocks: usize,
}

impl Lowerer {
    fn new_state(&mut self, input: Option<VarId>, resume: bool) -> StateId {
        self.states.push(State {
            scope: self.vars.visible(),
            input,
            resume,
            yields: false,
            suspends_at: None,
            body: Vec::new(),
        });
        self.states.len() - 1
    }

    fn jump(&mut self, cont: Cont, value: Option<&Expr>) -> Node {
        let uses = value.map(|v| self.vars.uses_expr(v)).unwrap_or_default();
        let moves = if value.is_some() {
            self.vars.moves()
        } else {
            Vec::new()
        };
        self.jump_with(cont, value, uses, moves)
    }

    /// `jump`, with what `value` uses and may move already known.
    fn jump_with(
        &mut self,
        cont: Cont,
        value: Option<&Expr>,
        uses: Vec<VarId>,
        moves: Vec<VarId>,
    ) -> Node {
        let mut inner = Vec::new();
        let original = value;
        let value = value.map(|v| {
            let mut v = v.clone();
            let aliases;
            (inner, aliases) = self.mark_jumps_expr(&mut v);
            if aliases.is_empty() {
                v.to_token_stream()
            } else {
                quote!({ #aliases #v })
            }
        });
        let site = self.vars.visible();
        let mut uses = uses;
        let (fills, defs) = self.value_fills(original, &mut uses);
        Node::Jump(self.push_jump(Jump {
            cont,
            value,
            uses,
            moves,
            inner,
            site,
            defs,
            pre: TokenStream::new(),
            fills,
        }))
    }

    /// Records `jump` and returns its index. A jump into a state is a state boundary for the
    /// drop-flag candidates (`note_entry`).
    fn push_jump(&mut self, jump: Jump) -> usize {
        if let Cont::State(target, _) = jump.cont {
            self.note_entry(target);
        }
        self.jumps.push(jump);
        self.jumps.len() - 1
    }

    fn resolve(&self, label: Option<&str>, is_continue: bool) -> Option<&Target> {
        self.targets
            .iter()
            .rev()
            .find(|t| match label {
                Some(l) => t.label.as_deref() == Some(l),
                None => t.is_loop,
            })
            .filter(|t| !is_continue || t.is_loop)
    }
}
