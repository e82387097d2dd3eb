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
use crate::vars::{Known, VarId, Vars, Visible};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Pat, Stmt, Token};

mod constructs;
mod diverge;
mod exits;
mod flags;
mod marker;
mod plain;
use diverge::never_completes;
use flags::Way;

pub(crate) type StateId = usize;

pub(crate) struct Lowered {
    pub arg_count: usize,
    pub vars: Vars,
    pub states: Vec<State>,
    pub jumps: Vec<Jump>,
    /// Variables that need a drop flag (see `Lowerer::flags`); read by the next pass only.
    pub flaggable: Vec<VarId>,
}

pub(crate) struct State {
    /// Variables in scope where the state begins, with the names they have there.
    pub scope: Visible,
    /// The awaited output (resume states) or the construct's value (join states).
    pub input: Option<VarId>,
    pub resume: bool,
    /// A resume state entered by `yield_!`: no future, the input is the value sent back in.
    pub yields: bool,
    /// Where the coroutine suspends to enter this resume state (the `.await`), for errors.
    pub suspends_at: Option<proc_macro2::Span>,
    pub body: Vec<Node>,
}

pub(crate) enum Node {
    /// Await-free user code: statements or a `let`. `jumps` are the markers inside it.
    Code {
        tokens: TokenStream,
        uses: Vec<VarId>,
        /// The uses that may move (for `liveness::moved_in`).
        moves: Vec<VarId>,
        defs: Vec<VarId>,
        /// `defs` come from `x = e;` (an existing variable) rather than from a `let`.
        assigns: bool,
        /// A `let x;` without a value: `emit` leaves it out of states that never mention `x`
        /// (there, nothing would tell rustc its type). With `assigns`: a statement that may
        /// assign `defs`, on some paths only (`if c { x = e; }`), and does not read them: not
        /// a definition (liveness keeps what is live after it, and what may be moved), but
        /// the arm must have a binding to assign (`liveness::redeclared`).
        uninit: bool,
        jumps: Vec<usize>,
    },
    Block(Vec<Node>),
    If {
        cond: TokenStream,
        uses: Vec<VarId>,
        moves: Vec<VarId>,
        /// Drop flags the condition assigns (see `Lowerer::flags`).
        flags: Vec<VarId>,
        /// Markers in the condition (see `Lowerer::mark_operand`).
        jumps: Vec<usize>,
        then: Vec<Node>,
        els: Vec<Node>,
    },
    Match {
        scrutinee: TokenStream,
        uses: Vec<VarId>,
        moves: Vec<VarId>,
        /// Drop flags the scrutinee assigns (see `Lowerer::flags`).
        flags: Vec<VarId>,
        /// Markers in the scrutinee (see `Lowerer::mark_operand`).
        jumps: Vec<usize>,
        arms: Vec<ArmNode>,
    },
    /// `let PAT = init else { .. }` whose `else` block contains an await.
    LetElse {
        pat: TokenStream,
        init: TokenStream,
        uses: Vec<VarId>,
        moves: Vec<VarId>,
        defs: Vec<VarId>,
        /// Markers in the initialiser (see `Lowerer::mark_operand`).
        jumps: Vec<usize>,
        els: Vec<Node>,
    },
    Jump(usize),
    /// Store `future` and the live variables in `target`'s variant, then poll it there.
    Suspend {
        future: TokenStream,
        uses: Vec<VarId>,
        moves: Vec<VarId>,
        /// Drop flags that building `future` assigns (see `Lowerer::flags`).
        flags: Vec<VarId>,
        /// Markers in `future` (see `Lowerer::mark_operand`).
        jumps: Vec<usize>,
        target: StateId,
        site: Visible,
    },
}

impl Node {
    /// The markers in the node's own user code (a statement, or the condition, scrutinee,
    /// initialiser or future it evaluates first), not those of the nodes inside it.
    pub(crate) fn jumps(&self) -> &[usize] {
        match self {
            Node::Code { jumps, .. }
            | Node::If { jumps, .. }
            | Node::Match { jumps, .. }
            | Node::LetElse { jumps, .. }
            | Node::Suspend { jumps, .. } => jumps,
            Node::Block(_) | Node::Jump(_) => &[],
        }
    }

    /// Calls `f` on each list of nodes directly inside this one, in source order.
    pub(crate) fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a [Node])) {
        match self {
            Node::Block(b) => f(b),
            Node::If { then, els, .. } => {
                f(then);
                f(els);
            }
            Node::Match { arms, .. } => arms.iter().for_each(|a| f(&a.body)),
            Node::LetElse { els, .. } => f(els),
            Node::Code { .. } | Node::Jump(_) | Node::Suspend { .. } => {}
        }
    }
}

pub(crate) struct ArmNode {
    pub pat: TokenStream,
    pub guard: Option<TokenStream>,
    pub defs: Vec<VarId>,
    pub body: Vec<Node>,
}

/// A transfer of control with an optional value, and the names visible where it happens.
pub(crate) struct Jump {
    pub cont: Cont,
    pub value: Option<TokenStream>,
    pub uses: Vec<VarId>,
    pub moves: Vec<VarId>,
    /// Markers inside `value` (a `break` inside a `break` value, say).
    pub inner: Vec<usize>,
    pub site: Visible,
    /// Drop flags set just before the jump, after its value (see `Lowerer::exit_flags`), and
    /// the code that sets them; and the locals that `value` assigns on every path
    /// (`Lowerer::value_fills`).
    pub defs: Vec<VarId>,
    pub pre: TokenStream,
    /// Variables that `value` names only as the target of `x = e`, on some paths or all: not
    /// read (not in `uses`), but the arm must have a binding to assign
    /// (`liveness::redeclared`).
    pub fills: Vec<VarId>,
}

#[derive(Clone, Copy)]
pub(crate) enum Cont {
    /// Go to a state; `true` when the state takes a value.
    State(StateId, bool),
    /// Return from the coroutine with the value.
    Return,
    /// The end of a `let .. else` block, which rustc proves unreachable.
    Unreachable,
}

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

/// A statement that never completes normally: `return`, `break` or `continue`.
fn diverges(stmt: &Stmt) -> bool {
    matches!(
        stmt,
        Stmt::Expr(Expr::Return(_) | Expr::Break(_) | Expr::Continue(_), _)
    )
}

/// The field paths (`.1`, `.a.0`) of the `_` sub-patterns of a parameter pattern made of
/// tuples, tuple structs and structs. Anything else (slices, references, or-patterns) is left
/// alone: its `_` parts drop when the argument is destructured.
fn wildcard_paths(pat: &Pat) -> Vec<TokenStream> {
    fn walk(pat: &Pat, path: &TokenStream, out: &mut Vec<TokenStream>) {
        match pat {
            Pat::Wild(_) if !path.is_empty() => out.push(path.clone()),
            Pat::Tuple(t) => {
                for (i, elem) in t.elems.iter().enumerate() {
                    if matches!(elem, Pat::Rest(_)) {
                        return;
                    }
                    let index = syn::Index::from(i);
                    walk(elem, &quote!(#path.#index), out);
                }
            }
            Pat::TupleStruct(t) => {
                for (i, elem) in t.elems.iter().enumerate() {
                    if matches!(elem, Pat::Rest(_)) {
                        return;
                    }
                    let index = syn::Index::from(i);
                    walk(elem, &quote!(#path.#index), out);
                }
            }
            Pat::Struct(st) => {
                for field in &st.fields {
                    let member = &field.member;
                    walk(&field.pat, &quote!(#path.#member), out);
                }
            }
            Pat::Paren(p) => walk(&p.pat, path, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(pat, &TokenStream::new(), &mut out);
    out
}

/// The branches of an `if`/`else if`/`else` chain (a missing `else` is an empty branch) or of
/// a `match`, as statements, in source order.
fn branches(expr: &Expr) -> Option<Vec<Vec<Stmt>>> {
    match expr {
        Expr::If(i) => {
            let mut out = vec![i.then_branch.stmts.clone()];
            match i.else_branch.as_ref().map(|(_, e)| &**e) {
                None => out.push(Vec::new()),
                Some(Expr::Block(b)) if b.label.is_none() => out.push(b.block.stmts.clone()),
                Some(e @ Expr::If(_)) => out.extend(branches(e)?),
                Some(_) => return None,
            }
            Some(out)
        }
        Expr::Match(m) => Some(
            m.arms
                .iter()
                .map(|arm| match &*arm.body {
                    Expr::Block(b) if b.label.is_none() => b.block.stmts.clone(),
                    e => vec![Stmt::Expr(e.clone(), None)],
                })
                .collect(),
        ),
        _ => None,
    }
}

fn block_expr(block: Block) -> Expr {
    Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block,
    })
}

/// An `if`/`else if` chain with each branch replaced by `end` of its statements, in the order
/// `branches` lists them; a missing final `else` becomes one.
fn chain(
    i: &syn::ExprIf,
    end: &mut impl FnMut(&[Stmt], &mut usize) -> Block,
    count: &mut usize,
) -> syn::ExprIf {
    let mut i = i.clone();
    i.then_branch = end(&i.then_branch.stmts, count);
    let els = match i.else_branch.as_ref().map(|(_, e)| &**e) {
        None => block_expr(end(&[], count)),
        Some(Expr::If(next)) => Expr::If(chain(next, end, count)),
        Some(Expr::Block(b)) => Expr::Block(syn::ExprBlock {
            block: end(&b.block.stmts, count),
            ..b.clone()
        }),
        Some(other) => other.clone(),
    };
    i.else_branch = Some((<Token![else]>::default(), Box::new(els)));
    i
}

/// Parameter `i`'s pattern with each `ref x` / `ref mut x` binding made a by-value binding of a
/// hidden local, and the list of (`x`, that local, `mut`?). rustc's `async fn` binds `x` to the
/// argument kept in the coroutine; a coroutine cannot keep a borrow of its own local across a
/// suspension, so `x` becomes an alias rebuilt after each resume.
fn by_value(pat: &Pat, i: usize) -> (Pat, Vec<(proc_macro2::Ident, proc_macro2::Ident, bool)>) {
    struct Rebind(usize, Vec<(proc_macro2::Ident, proc_macro2::Ident, bool)>);
    impl VisitMut for Rebind {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if p.by_ref.is_none() || p.subpat.is_some() {
                visit_mut::visit_pat_ident_mut(self, p);
                return;
            }
            let hidden = names::hidden(&format!("__ref{}_{}", self.0, self.1.len()));
            let mutable = p.mutability.is_some();
            self.1.push((p.ident.clone(), hidden.clone(), mutable));
            p.by_ref = None;
            p.ident = hidden;
        }
        fn visit_expr_mut(&mut self, _: &mut Expr) {}
    }
    let mut pat = pat.clone();
    let mut r = Rebind(i, Vec::new());
    r.visit_pat_mut(&mut pat);
    (pat, r.1)
}
