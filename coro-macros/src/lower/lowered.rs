//! What the lowering hands on: the states, each a tree of nodes, and the jumps between
//! them. liveness reads it to choose what each state stores, and emit turns it into the step
//! closure. Separate from lower.rs, which holds the `Lowerer` that builds it, so that the readers
//! of the result need not wade through how it is built.

use crate::vars::{VarId, Vars, Visible};
use proc_macro2::TokenStream;

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
