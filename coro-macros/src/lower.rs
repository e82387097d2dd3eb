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
use crate::normalize::{has_await, stmt_has_await};
use crate::signature::Parsed;
use crate::syntax::{ident_expr, let_pat};
use crate::vars::{Known, VarId, Vars, Visible};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Pat, Stmt, Token};

mod exits;
mod flags;
mod marker;
use flags::{Way, breaks_to, if_conditions};
use marker::Marker;

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
        /// (there, nothing would tell rustc its type).
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
    /// the code that sets them.
    pub defs: Vec<VarId>,
    pub pre: TokenStream,
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
        .filter(|(v, suspends)| *suspends && l.vars.watched.get(v) == Some(&false))
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
    /// block statement of a branch may then be the branch's decision (exits.rs
    /// `block_decides`).
    reading_for: Option<StateId>,
    /// Variables that an awaiting site being lowered leaves to a labelled block in one of its
    /// branches (`Way::Nested` with `BY_BLOCK`): the block decides them although the site's
    /// reading of its branches counted them as maybe moved (see `body_exit_ways`).
    by_blocks: Vec<VarId>,
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

    /// `f(&x).await`: the future a call makes from `&x` (a direct argument) normally holds the
    /// borrow, and `x` moves into the state when the coroutine suspends at this await. rustc
    /// would report that on generated code; say it on the user's. Only direct arguments of
    /// the outermost call count: in `f(g(&x)).await` or `a.get(&x).send().await` the borrow
    /// usually ends before the future exists. A `let r = &x;` alias passed directly counts too.
    fn check_no_borrowed_local(&self, future: &Expr) -> syn::Result<()> {
        let args = match future {
            Expr::Call(c) => c.args.iter().collect::<Vec<_>>(),
            Expr::MethodCall(m) => m.args.iter().collect(),
            _ => return Ok(()),
        };
        let vars = &self.vars;
        let named = |name: &str| {
            vars.lookup(name)
                .filter(|&v| vars.all[v].current.as_ref().is_some_and(|c| c == name))
        };
        let found = args.iter().find_map(|arg| {
            if let Some(name) = crate::normalize::borrowed_variable(arg) {
                if names::self_var() != name && named(&name).is_some() {
                    let Expr::Reference(r) = arg else {
                        unreachable!("borrowed_variable matched a reference")
                    };
                    return Some((r.expr.span(), name));
                }
            }
            let Expr::Path(p) = arg else { return None };
            let v = p.path.get_ident().and_then(|i| named(&i.to_string()))?;
            let (src, _) = vars.all[v].alias?;
            Some((arg.span(), vars.all[src].ident.to_string()))
        });
        let Some((span, name)) = found else {
            return Ok(());
        };
        Err(syn::Error::new(
            span,
            format!(
                "the awaited future borrows `{name}`, which the coroutine owns, and is held \
                 while the coroutine is suspended at this `.await`: a coroutine's locals move \
                 into its state when it suspends, so they cannot stay borrowed. Pass an owned \
                 value (`{name}.clone()`, or move `{name}` in and return it from the callee), \
                 or make `{name}` a reference parameter of this coroutine"
            ),
        ))
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
        Node::Jump(self.push_jump(Jump {
            cont,
            value,
            uses,
            moves,
            inner,
            site,
            defs: Vec::new(),
            pre: TokenStream::new(),
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

    /// The statements of one block, then `k`.
    fn seq(&mut self, stmts: &[Stmt], k: Cont) -> syn::Result<Vec<Node>> {
        let mut out = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            let rest = &stmts[i + 1..];
            if let Stmt::Expr(tail, None) = stmt {
                if rest.is_empty() && diverges(stmt) {
                    // `{ ..; return x }`: no value flows on to `k`.
                    out.push(self.plain(stmt));
                    return Ok(out);
                }
                if rest.is_empty() {
                    out.extend(self.compound(tail, k)?);
                    return Ok(out);
                }
            }
            if !stmt_has_await(stmt) {
                out.extend(self.plain_flagged(stmt));
                if diverges(stmt) {
                    // What follows is dead code. Lowering it would add a jump from a site where
                    // names shadowed on this path are unreachable, which would keep the join
                    // after this block from storing them.
                    return Ok(out);
                }
                continue;
            }
            match stmt {
                Stmt::Local(local) => {
                    let init = local.init.as_ref().expect("has an await");
                    if let Some((_, els)) = &init.diverge {
                        out.extend(self.let_else(&local.pat, &init.expr, els)?);
                        continue;
                    }
                    if let Expr::Await(aw) = &*init.expr {
                        let Pat::Ident(p) = &local.pat else {
                            unreachable!("normalized")
                        };
                        self.check_no_borrowed_local(&aw.base)?;
                        // An `if`/`match` in the future's expression may decide drop flags.
                        let mut aw = aw.clone();
                        let (flags, uses, mut moves);
                        (*aw.base, flags, uses, moves) = self.flagged_expr(&aw.base);
                        let mut aliases = TokenStream::new();
                        let jumps = self.mark_operand(&mut aw.base, &mut moves, &mut aliases);
                        if !aliases.is_empty() {
                            out.push(Self::prelude(aliases));
                        }
                        let aw = &aw;
                        let site = self.vars.visible();
                        // `let x = f.await;` where `x` shadows a variable: bind the output to a
                        // hidden name and let `plain` shadow `x` with it, so the old `x` is
                        // moved to a name the states after this one can still use.
                        let shadows = self.vars.lookup(&p.ident.to_string()).is_some();
                        let input_ident = if shadows {
                            names::temp("out", self.states.len())
                        } else {
                            p.ident.clone()
                        };
                        let input = self.vars.declare(input_ident.clone(), false, false);
                        let target = self.new_state(Some(input), true);
                        self.note_entry(target);
                        self.states[target].suspends_at = Some(aw.await_token.span);
                        let base = &aw.base;
                        let future = match &**base {
                            // `check` wrote `yield_!(v)` as `__coro_yield(v).await`.
                            Expr::Call(c) if names::is_yield_marker(&c.func) => {
                                self.states[target].yields = true;
                                let value = &c.args;
                                quote!(#value)
                            }
                            // Spanned on `.await`: a non-future is reported once, there.
                            _ => quote::quote_spanned!(aw.await_token.span=>
                                ::coro_core::__private::into_future(#base)
                            ),
                        };
                        out.push(Node::Suspend {
                            future,
                            uses,
                            moves,
                            flags,
                            jumps,
                            target,
                            site,
                        });
                        let mut body = Vec::new();
                        body.extend(self.declare_flags(&[input]));
                        if shadows {
                            let bind = let_pat(local.pat.clone(), ident_expr(&input_ident));
                            body.extend(self.plain_then_flags(&bind));
                        }
                        body.extend(self.seq(rest, k)?);
                        self.states[target].body = body;
                        return Ok(out);
                    }
                    // `let PAT = <construct with an await>;`
                    let join = self.new_state(None, false);
                    out.extend(self.compound(&init.expr, Cont::State(join, true))?);
                    let input = self.vars.declare(names::temp("join", join), false, false);
                    self.states[join].input = Some(input);
                    let value = names::temp("join", join);
                    let bind = let_pat(local.pat.clone(), ident_expr(&value));
                    let mut body = self.plain_then_flags(&bind);
                    body.extend(self.seq(rest, k)?);
                    self.states[join].body = body;
                    return Ok(out);
                }
                Stmt::Expr(expr, _) => {
                    let join = self.new_state(None, false);
                    out.extend(self.compound(expr, Cont::State(join, false))?);
                    let body = self.seq(rest, k)?;
                    self.states[join].body = body;
                    return Ok(out);
                }
                Stmt::Macro(_) | Stmt::Item(_) => unreachable!("normalized"),
            }
        }
        out.extend(self.end_jump(k, None));
        Ok(out)
    }

    /// A construct in statement position whose value goes to `k`.
    fn compound(&mut self, expr: &Expr, k: Cont) -> syn::Result<Vec<Node>> {
        if !has_await(expr) {
            return Ok(self.end_jump(k, Some(expr)));
        }
        match expr {
            Expr::Block(b) => {
                let label = b.label.as_ref().map(|l| l.name.ident.to_string());
                let labelled = label.is_some();
                // Its `break`s reach `k` besides its end.
                let shared = match (k, &b.label) {
                    (Cont::State(join, _), Some(l)) if breaks_to(&b.block, &l.name) => Some(join),
                    _ => None,
                };
                if labelled {
                    self.targets.push(Target {
                        label,
                        is_loop: false,
                        break_to: k,
                        continue_to: None,
                    });
                }
                // Its `break`s may set drop flags (exits.rs).
                let (b, decided, edges) = if labelled {
                    self.begin_block(b, k)
                } else {
                    (b.clone(), Vec::new(), false)
                };
                self.shared.extend(shared);
                let nodes = self.block(&b.block, k);
                if shared.is_some() {
                    self.shared.pop();
                }
                self.end_exits(decided, edges);
                if labelled {
                    self.targets.pop();
                }
                nodes
            }
            Expr::If(_) => {
                let (site, tagged) = self.begin_site(expr, k);
                let Expr::If(i) = &tagged else {
                    unreachable!("tagging keeps the expression's kind")
                };
                let nodes = self.if_chain(i, k, &site, 0);
                self.end_site(site, k);
                nodes
            }
            Expr::Match(_) => {
                // Before the scrutinee: its candidates are watched from there on.
                let (site, tagged) = self.begin_site(expr, k);
                let Expr::Match(m) = &tagged else {
                    unreachable!("tagging keeps the expression's kind")
                };
                let (mut scrutinee, flags, mut uses, mut moves) = self.flagged_expr(&m.expr);
                let mut arms = Vec::new();
                let mut prelude = TokenStream::new();
                let jumps = self.mark_operand(&mut scrutinee, &mut moves, &mut prelude);
                for (index, arm) in m.arms.iter().enumerate() {
                    self.at_branches(&site, index..index + 1);
                    self.vars.push();
                    self.shadowing_pattern(&arm.pat, &mut prelude);
                    let defs = self.vars.declare_pattern(&arm.pat);
                    self.mark_pattern_borrows(&m.expr, &arm.pat, &defs);
                    // A guard runs when the match does: what it reads counts as read there.
                    let guard = arm.guard.as_ref().map(|(_, g)| {
                        for u in self.vars.uses_expr(g) {
                            if !defs.contains(&u) && !uses.contains(&u) {
                                uses.push(u);
                            }
                        }
                        moves.extend(self.vars.moves().into_iter().filter(|v| !defs.contains(v)));
                        quote!(#g)
                    });
                    let body = self.compound(&arm.body, k);
                    self.vars.pop();
                    let pat = &arm.pat;
                    arms.push(ArmNode {
                        pat: quote!(#pat),
                        guard,
                        defs,
                        body: body?,
                    });
                }
                self.end_site(site, k);
                Ok(vec![
                    Self::prelude(prelude),
                    Node::Match {
                        scrutinee: quote!(#scrutinee),
                        uses,
                        moves,
                        flags,
                        jumps,
                        arms,
                    },
                ])
            }
            Expr::Loop(lp) => {
                let head = self.new_state(None, false);
                let enter = self.jump(Cont::State(head, false), None);
                let label = lp.label.as_ref().map(|l| l.name.ident.to_string());
                self.targets.push(Target {
                    label,
                    is_loop: true,
                    break_to: k,
                    continue_to: Some(head),
                });
                // Its exits may set drop flags (exits.rs).
                let (lp, decided) = self.begin_loop(lp, k);
                self.loop_depths.push(self.vars.depth());
                let body = self.block(&lp.body, Cont::State(head, false));
                self.loop_depths.pop();
                self.targets.pop();
                self.end_exits(decided, false);
                self.states[head].body = body?;
                Ok(vec![enter])
            }
            other => Err(syn::Error::new(
                other.span(),
                "unsupported construct around `.await`",
            )),
        }
    }

    /// The `if`/`else if` chain `i` (a site, or the rest of one after `else`) whose branches
    /// start at index `first` of the site's `branches`.
    fn if_chain(
        &mut self,
        i: &syn::ExprIf,
        k: Cont,
        site: &Site,
        first: usize,
    ) -> syn::Result<Vec<Node>> {
        let mut prelude = TokenStream::new();
        let mut moves;
        let flags;
        self.at_branches(site, first..first + 1);
        let jumps;
        let (cond, uses, then) = if let Expr::Let(l) = &*i.cond {
            let mut l = l.clone();
            let uses;
            (*l.expr, flags, uses, moves) = self.flagged_expr(&l.expr);
            jumps = self.mark_operand(&mut l.expr, &mut moves, &mut prelude);
            self.vars.push();
            self.shadowing_pattern(&l.pat, &mut prelude);
            let defs = self.vars.declare_pattern(&l.pat);
            self.mark_pattern_borrows(&l.expr, &l.pat, &defs);
            let then = self.seq(&i.then_branch.stmts, k);
            self.vars.pop();
            (quote!(#l), uses, then?)
        } else {
            let (mut cond, cond_flags, uses, cond_moves) = self.flagged_expr(&i.cond);
            (flags, moves) = (cond_flags, cond_moves);
            jumps = self.mark_operand(&mut cond, &mut moves, &mut prelude);
            (quote!(#cond), uses, self.block(&i.then_branch, k)?)
        };
        let els = match i.else_branch.as_ref().map(|(_, e)| &**e) {
            Some(e @ Expr::If(next)) if has_await(e) => self.if_chain(next, k, site, first + 1)?,
            Some(e) => {
                // An await-free rest of the chain is one jump for all its branches.
                let rest = match e {
                    Expr::If(next) => if_conditions(next).len() + 1,
                    _ => 1,
                };
                self.at_branches(site, first + 1..first + 1 + rest);
                self.compound(e, k)?
            }
            None => {
                self.at_branches(site, first + 1..first + 2);
                self.end_jump(k, None)
            }
        };
        Ok(vec![
            Self::prelude(prelude),
            Node::If {
                cond,
                uses,
                moves,
                flags,
                jumps,
                then,
                els,
            },
        ])
    }

    fn block(&mut self, block: &Block, k: Cont) -> syn::Result<Vec<Node>> {
        self.vars.push();
        let nodes = self.seq(&block.stmts, k);
        self.vars.pop();
        Ok(vec![Node::Block(nodes?)])
    }

    fn let_else(&mut self, pat: &Pat, init: &Expr, els: &Expr) -> syn::Result<Vec<Node>> {
        let uses = self.vars.uses_expr(init);
        let mut moves = self.vars.moves();
        let mut prelude = TokenStream::new();
        let mut init = init.clone();
        let jumps = self.mark_operand(&mut init, &mut moves, &mut prelude);
        let els = self.compound(els, Cont::Unreachable)?;
        // Variables the bindings shadow keep a macro alias, as for a plain `let`.
        self.shadowing_pattern(pat, &mut prelude);
        let defs = self.vars.declare_pattern(pat);
        Ok(vec![
            Self::prelude(prelude),
            Node::LetElse {
                pat: quote!(#pat),
                init: quote!(#init),
                uses,
                moves,
                defs,
                jumps,
                els,
            },
        ])
    }

    /// Bindings of a match arm or `if let` that shadow a variable: inside the arm the old
    /// variable is named through a `macro_rules!` alias defined before the `match` (see
    /// `plain`), added to `prelude` once per variable.
    fn shadowing_pattern(&mut self, pat: &Pat, prelude: &mut TokenStream) {
        let mut found = Vec::new();
        crate::vars::bindings(pat, &mut found);
        for (ident, _) in found {
            let Some(id) = self.vars.lookup(&ident.to_string()) else {
                continue;
            };
            let Some(current) = self.vars.all[id].current.clone() else {
                continue;
            };
            let alias = names::shadow_name(id);
            if current != alias {
                let current = names::expr_name(&current);
                prelude.extend(quote!(macro_rules! #alias { () => { #current } }));
            }
            self.vars.rename(id, Some(alias));
        }
    }

    /// Code defining the macros `shadowing_pattern` collected (nothing to evaluate).
    fn prelude(tokens: TokenStream) -> Node {
        Node::Code {
            tokens,
            uses: Vec::new(),
            moves: Vec::new(),
            defs: Vec::new(),
            assigns: false,
            uninit: false,
            jumps: Vec::new(),
        }
    }

    /// The variable `root` names where `def` is declared, through a `let r = &x;` alias.
    fn source_of(&self, root: &proc_macro2::Ident, def: VarId) -> Option<VarId> {
        let v = self.vars.lookup(&root.to_string())?;
        if v == def || self.vars.all[v].current.as_ref() != Some(root) {
            return None;
        }
        Some(self.vars.all[v].alias.map_or(v, |(src, _)| src))
    }

    /// Bindings of an arm (or `if let`) pattern that borrow the scrutinee's variable: all of
    /// them when the scrutinee is `&v..`/`&mut v..`, the `ref` ones when it is a place of `v`.
    fn mark_pattern_borrows(&mut self, scrutinee: &Expr, pat: &Pat, defs: &[VarId]) {
        let (root, all) = match scrutinee {
            Expr::Reference(r) => (crate::vars::place_root(&r.expr), true),
            place => (crate::vars::place_root(place), false),
        };
        let Some(root) = root else { return };
        let by_ref = crate::vars::ref_bindings(pat);
        for &d in defs {
            if !all && !by_ref.contains(&self.vars.all[d].ident) {
                continue;
            }
            if let Some(src) = self.source_of(&root, d) {
                let text = format!(
                    "{}` in a match on `{}",
                    crate::vars::code_text(&quote!(#pat)),
                    crate::vars::code_text(&quote!(#scrutinee))
                );
                self.vars.all[d].borrows = Some((src, text));
            }
        }
    }

    /// An await-free statement. A `let` that shadows a variable gives the old one a
    /// `macro_rules!` alias first, so later states can still name it (see below).
    fn plain(&mut self, stmt: &Stmt) -> Node {
        let mut uses = self.vars.uses_stmt_with_exits(stmt);
        let mut moves = self.vars.moves();
        let jump_moves = self.vars.jump_moves();
        let original = stmt;
        let mut stmt = stmt.clone();
        let (jumps, jump_aliases) = self.mark_jumps_stmt(&mut stmt);
        // A branch that ends by jumping out of the statement (`if c { consume(x); break; }`):
        // what only such branches move is moved on the paths of the statement's jumps (all of
        // them: a move too many there only drops a dead local early), not for the code after
        // it, which those paths never reach.
        self.moved_on_jumps(&jumps, &jump_moves);
        // The `else` block of a `let … else` always leaves (`return`, `break`, `continue`): what
        // only it moves is moved on the paths of its jumps, not for the code after the `let`.
        if let Stmt::Local(syn::Local {
            init:
                Some(syn::LocalInit {
                    expr,
                    diverge: Some((_, els)),
                    ..
                }),
            ..
        }) = original
        {
            self.vars.uses_expr(expr);
            let in_init = self.vars.moves();
            self.vars.uses_expr(els);
            let only_else: Vec<VarId> = self
                .vars
                .moves()
                .into_iter()
                .filter(|v| !in_init.contains(v))
                .collect();
            moves.retain(|v| !only_else.contains(v));
            self.moved_on_jumps(&jumps, &only_else);
        }
        let Stmt::Local(local) = &stmt else {
            // `x = e;` (re)initialises `x`: it is dead just before, whatever it held then.
            let defs = match &stmt {
                Stmt::Expr(Expr::Assign(a), _) => match &*a.left {
                    Expr::Path(p) if p.qself.is_none() => p
                        .path
                        .get_ident()
                        .and_then(|i| self.vars.lookup(&i.to_string()))
                        .filter(|v| self.vars.all[*v].current.is_some())
                        .into_iter()
                        .collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            if !defs.is_empty() {
                let Stmt::Expr(Expr::Assign(a), _) = &stmt else {
                    unreachable!("defs come from an assignment")
                };
                uses = self.vars.uses_expr(&a.right);
                moves = self.vars.moves();
            }
            return Node::Code {
                tokens: quote!(#jump_aliases #stmt),
                uses,
                moves,
                assigns: !defs.is_empty(),
                uninit: false,
                defs,
                jumps,
            };
        };
        let mut bound = Vec::new();
        crate::vars::bindings(&local.pat, &mut bound);
        // A `let` that shadows a variable leaves it where it is (it still drops at the end of
        // its own scope, in its own place in the drop order), but later states may still
        // have to store it, and after the `let` its name means the new variable. A
        // `macro_rules!` defined just before the `let` names the old one: a macro's tokens
        // resolve local variables where the macro is defined, so `__shadowedN!()` still
        // means the old variable after the shadowing.
        // Input: `let x = f();` shadowing `x`.
        // Output: `macro_rules! __shadowedN { () => { x } } let x = f();`
        let mut prefix = TokenStream::new();
        for (ident, _) in &bound {
            let Some(old) = self.vars.lookup(&ident.to_string()) else {
                continue;
            };
            let Some(current) = self.vars.all[old].current.clone() else {
                continue;
            };
            let alias = names::shadow_name(old);
            if current != alias {
                let current = names::expr_name(&current);
                prefix.extend(quote!(macro_rules! #alias { () => { #current } }));
            }
            self.vars.rename(old, Some(alias));
        }
        let tokens = quote!(#jump_aliases #prefix #stmt);
        let mut defs = self.vars.declare_pattern(&local.pat);
        if let ([d], true) = (defs.as_slice(), crate::vars::surely_copy_let(local)) {
            self.vars.all[*d].copy = true;
        }
        if let ([d], Pat::Ident(p), Some(init)) = (defs.as_slice(), &local.pat, &local.init) {
            if p.by_ref.is_none() {
                self.vars.all[*d].owned = crate::vars::fresh_value(&init.expr);
                let source = crate::vars::borrowed_root(&init.expr)
                    .and_then(|root| self.source_of(&root, *d));
                if let Some(src) = source {
                    let init = &init.expr;
                    let text = crate::vars::code_text(&quote!(#init));
                    self.vars.all[*d].borrows = Some((src, text));
                }
            }
        }
        let mut tokens = tokens;
        if local.init.is_none() {
            // `let x;` may still be uninitialised at a suspension: store it only while live.
            for &d in &defs {
                self.vars.all[d].maybe_moved = true;
            }
        } else {
            // A `mut` variable that may be moved and is assigned again may have to be declared
            // anew, uninitialised, in a later state; its type must not be lost then (`x = 6;`
            // alone would make it an `i32`). Remember the type in a zero-sized companion.
            for d in defs.clone() {
                let var = &self.vars.all[d];
                if var.mutable && var.maybe_moved && self.vars.known_assigned(d) {
                    let x = var.ident.clone();
                    let name = names::temp("ty", d);
                    tokens.extend(quote!(let #name = ::coro_core::__private::type_of(&#x);));
                    let companion = self.vars.declare_hidden(name);
                    self.vars.all[d].type_of = Some(companion);
                    defs.push(companion);
                }
            }
        }
        if let (Pat::Ident(p), Some(init)) = (&local.pat, &local.init) {
            if let (Expr::Reference(r), [def]) = (&*init.expr, defs.as_slice()) {
                if let Expr::Path(target) = &*r.expr {
                    if let Some(src) = target
                        .path
                        .get_ident()
                        .and_then(|i| self.vars.lookup(&i.to_string()))
                    {
                        if p.by_ref.is_none() && p.subpat.is_none() && src != *def {
                            self.vars.all[*def].alias = Some((src, r.mutability.is_some()));
                        }
                    }
                }
            }
        }
        Node::Code {
            tokens,
            uses,
            moves,
            uninit: local.init.is_none(),
            defs,
            assigns: false,
            jumps,
        }
    }

    /// Marks the jumps in `stmt`. Returns them, and the `macro_rules!` aliases to define before
    /// the statement for variables that a binding inside it shadows where a jump stores them.
    fn mark_jumps_stmt(&mut self, stmt: &mut Stmt) -> (Vec<usize>, TokenStream) {
        let mut m = Marker::new(self);
        m.visit_stmt_mut(stmt);
        let prelude = Self::aliases(&m.aliased);
        (m.found, prelude)
    }

    fn mark_jumps_expr(&mut self, expr: &mut Expr) -> (Vec<usize>, TokenStream) {
        let mut m = Marker::new(self);
        m.visit_expr_mut(expr);
        let prelude = Self::aliases(&m.aliased);
        (m.found, prelude)
    }

    /// Records `vars` as moved on the paths of `jumps` (a move made only in a branch that
    /// leaves by one of them).
    fn moved_on_jumps(&mut self, jumps: &[usize], vars: &[VarId]) {
        for &j in jumps {
            let moves = &mut self.jumps[j].moves;
            for &v in vars {
                if !moves.contains(&v) {
                    moves.push(v);
                }
            }
        }
    }

    /// Marks the jumps in `expr`, an expression a construct evaluates before its states (an
    /// `if` condition, a `match` scrutinee, a `let … else` initialiser, an awaited future): a
    /// `break`/`continue` there that leaves a loop or labelled block which became states is
    /// a jump like one in a statement. The aliases its jumps need go to `prelude`, which is
    /// defined before the construct.
    ///
    /// Input: `'a: loop { if { if c { break 'a; } d } { f().await; } }`
    /// Output: the condition `{ if c { __coro_jump0 } d }`; jump 0 goes to the state after
    /// the loop, and the `if` node lists it.
    ///
    /// As in a statement (`plain`), what only a branch that ends by such a jump moves
    /// (`if c { drop(x); break 'a; }`) is moved on the jumps' paths: it leaves `moves`, the
    /// expression's, which the construct's states see.
    fn mark_operand(
        &mut self,
        expr: &mut Expr,
        moves: &mut Vec<VarId>,
        prelude: &mut TokenStream,
    ) -> Vec<usize> {
        let original = expr.clone();
        let (jumps, aliases) = self.mark_jumps_expr(expr);
        prelude.extend(aliases);
        if !jumps.is_empty() {
            self.vars.uses_expr_with_exits(&original);
            let jump_moves = self.vars.jump_moves();
            moves.retain(|v| !jump_moves.contains(v));
            self.moved_on_jumps(&jumps, &jump_moves);
        }
        jumps
    }

    fn aliases(aliased: &[(VarId, proc_macro2::Ident)]) -> TokenStream {
        let mut prelude = TokenStream::new();
        for (id, current) in aliased {
            let alias = names::shadow_name(*id);
            let current = names::expr_name(current);
            prelude.extend(quote!(macro_rules! #alias { () => { #current } }));
        }
        prelude
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
