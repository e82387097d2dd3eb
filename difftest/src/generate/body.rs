//! Generates one function body: statements and expressions over `i64` and `Tracer` locals.
//!
//! Rules that keep every program valid for rustc *and* inside the macro's documented limits:
//! - Tracers are only read through a reference (`peek(&t)`, and `t.v` if
//!   `Config::field_reads`) or moved whole (`consume(t)`, `drop(t)`, a call argument); never
//!   used as a method receiver.
//! - A tracer is moved only at the loop depth it was declared at (rustc's "use of moved value in
//!   loop"). A move from a nested scope makes it *maybe* moved: such a move happens only while
//!   the enclosing statement has no `.await` yet, and no `.await` follows until the end of that
//!   statement (`Config::flagged_moves`, where the macro keeps a drop flag) or of the tracer's
//!   scope (otherwise: the macro turns a maybe-move it cannot flag into a drop at the next
//!   state boundary).
//! - A tracer with a `let r = &t;` is never moved or reassigned.
//! - No tracer temporaries: tracers are only built as `let` initialisers, call arguments and
//!   `Yield` payloads, which move them.
//! - Every loop is bounded by a counter bumped before anything that could `continue`.
//! - Integer arithmetic is `^ | & !`, `wrapping_*` and `%` by a positive literal: no overflow.

// Operands are `a`, `b`, `c` and the depth below is `d`, as in the grammar they generate.
#![allow(clippy::many_single_char_names)]

use super::{Config, Function, Rng};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Int,
    Tracer,
    /// `&Tracer`, from `let r = &t;`.
    Ref,
}

// Independent facts about one variable, each a yes/no question.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug)]
struct Var {
    name: String,
    kind: Kind,
    mutable: bool,
    moved: bool,
    borrowed: bool,
    /// Known to be `i64` already (a method call on an `{integer}` does not compile).
    typed: bool,
    scope: usize,
    loop_depth: usize,
    param: bool,
}

struct Scope {
    vars_start: usize,
    /// `Gen::awaits` when the statement of this scope being generated began.
    stmt_awaits: u32,
    /// A tracer of this scope may have been moved: no more `.await` until it ends.
    no_await: bool,
    /// A tracer of this scope may have been moved by the statement being generated, and
    /// `Config::flagged_moves` is on: no more `.await` until that statement ends.
    no_await_stmt: bool,
}

#[derive(Clone)]
struct Target {
    label: String,
    /// `break 'label value` (a `loop` or a block used as a value).
    value: bool,
    /// A loop, so `continue` may target it.
    is_loop: bool,
}

/// A generated `i64` expression.
struct E {
    s: String,
    typed: bool,
}

impl E {
    fn new(s: String, typed: bool) -> Self {
        Self { s, typed }
    }
}

const MAX_NODES: u32 = 90;

struct Gen<'a> {
    rng: &'a mut Rng,
    cfg: &'a Config,
    callees: &'a [Function],
    fname: String,
    vars: Vec<Var>,
    scopes: Vec<Scope>,
    targets: Vec<Target>,
    loop_depth: usize,
    mult: u32,
    cost: u32,
    /// `.await`s generated so far.
    awaits: u32,
    nodes: u32,
    result_fn: bool,
    fresh: usize,
}

/// Generates function number `index`, which may call any of `callees`.
pub(super) fn function(
    rng: &mut Rng,
    cfg: &Config,
    index: usize,
    callees: &[Function],
) -> Function {
    let result_fn = rng.chance(35);
    let mut g = Gen {
        rng,
        cfg,
        callees,
        fname: format!("f{index}"),
        vars: Vec::new(),
        scopes: vec![Scope {
            vars_start: 0,
            stmt_awaits: 0,
            no_await: false,
            no_await_stmt: false,
        }],
        targets: Vec::new(),
        loop_depth: 0,
        mult: 1,
        cost: 0,
        awaits: 0,
        nodes: 0,
        result_fn,
        fresh: 0,
    };
    let nparams = 1 + g.rng.below(3);
    let mut params = Vec::new();
    let mut param_tracers = Vec::new();
    for i in 0..nparams {
        let tracer = g.rng.chance(45);
        let mutable = g.rng.chance(30);
        let name = format!("{}{i}", if tracer { 'p' } else { 'a' });
        let m = if mutable { "mut " } else { "" };
        let ty = if tracer { "Tracer" } else { "i64" };
        params.push(format!("{m}{name}: {ty}"));
        param_tracers.push(tracer);
        g.declare(
            name,
            if tracer { Kind::Tracer } else { Kind::Int },
            mutable,
            true,
        );
        g.vars.last_mut().expect("just declared").param = true;
    }
    let depth = g.cfg.max_depth;
    let body = g.block_inner(depth, Tail::Fn);
    Function {
        name: g.fname.clone(),
        params: params.join(", "),
        returns_result: result_fn,
        body: format!("{{\n{body}}}"),
        param_tracers,
        cost: g.cost.max(1),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// No tail: a `()` block.
    Unit,
    /// An `i64` tail.
    Value,
    /// The function body's tail: `i64` or `Ok(i64)`.
    Fn,
}

impl Gen<'_> {
    // ---- bookkeeping -------------------------------------------------------------------

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn declare(&mut self, name: String, kind: Kind, mutable: bool, typed: bool) {
        self.vars.push(Var {
            name,
            kind,
            mutable,
            moved: false,
            borrowed: false,
            typed,
            scope: self.scopes.len() - 1,
            loop_depth: self.loop_depth,
            param: false,
        });
    }

    fn push_scope(&mut self) {
        self.scopes.push(Scope {
            vars_start: self.vars.len(),
            stmt_awaits: self.awaits,
            no_await: false,
            no_await_stmt: false,
        });
    }

    fn pop_scope(&mut self) {
        let s = self.scopes.pop().expect("balanced scopes");
        self.vars.truncate(s.vars_start);
    }

    /// Indices of the variables a name resolves to right now (the innermost of each name).
    fn visible(&self, pred: impl Fn(&Var) -> bool) -> Vec<usize> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (i, v) in self.vars.iter().enumerate().rev() {
            if seen.contains(&v.name.as_str()) {
                continue;
            }
            seen.push(&v.name);
            if pred(v) {
                out.push(i);
            }
        }
        out
    }

    fn pick(&mut self, pred: impl Fn(&Var) -> bool) -> Option<usize> {
        let c = self.visible(pred);
        (!c.is_empty()).then(|| c[self.rng.below(c.len())])
    }

    /// A tracer that may be moved here. A move from a scope nested in the tracer's own makes it
    /// maybe-moved, which the macro turns into a drop at the next state boundary (a suspension,
    /// or the join after a construct that contains one): so such a move is only allowed while
    /// the enclosing statement has no `.await` yet, and `mark_moved` forbids them afterwards.
    fn pick_movable(&mut self) -> Option<usize> {
        let (depth, top, awaits) = (self.loop_depth, self.scopes.len() - 1, self.awaits);
        let scopes = &self.scopes;
        let anywhere = self.cfg.awaiting_moves;
        let ok = |v: &Var| {
            v.kind == Kind::Tracer
                && !v.moved
                && !v.borrowed
                && v.loop_depth == depth
                && (anywhere || v.scope == top || scopes[v.scope].stmt_awaits == awaits)
        };
        let c = self.visible(ok);
        (!c.is_empty()).then(|| c[self.rng.below(c.len())])
    }

    fn mark_moved(&mut self, i: usize) {
        self.vars[i].moved = true;
        let scope = self.vars[i].scope;
        if scope != self.scopes.len() - 1 && !self.cfg.awaiting_moves {
            if self.cfg.flagged_moves {
                self.scopes[scope].no_await_stmt = true;
            } else {
                self.scopes[scope].no_await = true;
            }
        }
    }

    /// May an `.await` costing `polls` suspensions (per execution) be generated here?
    fn can_await(&self, polls: u32) -> bool {
        !self.scopes.iter().any(|s| s.no_await || s.no_await_stmt)
            && self.cost + polls.max(1) * self.mult <= self.cfg.max_cost
    }

    fn spend(&mut self, polls: u32) {
        self.awaits += 1;
        self.cost += polls * self.mult;
    }

    fn lit(&mut self) -> String {
        let v = self.rng.range(-4, 12);
        if v < 0 {
            format!("({v})")
        } else {
            v.to_string()
        }
    }

    fn yield_id(&mut self) -> String {
        let n = self.fresh("y");
        format!("\"{}:{n}\"", self.fname)
    }

    /// Enters a loop body: deeper loop depth, costs multiplied by the iteration bound.
    fn enter_loop(&mut self, label: &str, value: bool) -> (u32, usize) {
        self.targets.push(Target {
            label: label.to_string(),
            value,
            is_loop: true,
        });
        self.loop_depth += 1;
        let saved = self.mult;
        self.mult *= 3;
        (saved, self.loop_depth - 1)
    }

    fn leave_loop(&mut self, saved: (u32, usize)) {
        self.targets.pop();
        self.mult = saved.0;
        self.loop_depth = saved.1;
    }

    fn small(&mut self) -> bool {
        self.nodes >= MAX_NODES
    }

    // ---- blocks and statements ---------------------------------------------------------

    /// Statements and tail of a block, in the current scope (the caller pushes one).
    fn block_inner(&mut self, depth: u32, tail: Tail) -> String {
        let n = if self.small() {
            0
        } else {
            self.rng.below(self.cfg.max_stmts + 1)
        };
        let mut s = String::new();
        for _ in 0..n {
            let scope = self.scopes.last_mut().expect("a scope");
            scope.stmt_awaits = self.awaits;
            scope.no_await_stmt = false;
            s += &self.stmt(depth);
            s.push('\n');
        }
        let scope = self.scopes.last_mut().expect("a scope");
        scope.stmt_awaits = self.awaits;
        scope.no_await_stmt = false;
        match tail {
            Tail::Unit => {}
            Tail::Value => {
                let e = self.expr(depth);
                s += &e.s;
                s.push('\n');
            }
            Tail::Fn => {
                let e = self.expr(depth);
                if self.result_fn {
                    s += "Ok(";
                    s += &e.s;
                    s += ")\n";
                } else {
                    s += &e.s;
                    s.push('\n');
                }
            }
        }
        s
    }

    /// A braced block with its own scope.
    fn block(&mut self, depth: u32, tail: Tail) -> String {
        self.push_scope();
        let s = self.block_inner(depth, tail);
        self.pop_scope();
        format!("{{\n{s}}}")
    }

    fn stmt(&mut self, depth: u32) -> String {
        self.nodes += 1;
        let deep = depth > 0 && !self.small();
        let movable = self.pick_movable().is_some();
        let has_mut_int = self.pick(|v| v.kind == Kind::Int && v.mutable).is_some();
        let assign_moved = self.cfg.assign_moved;
        let has_mut_tracer = self
            .pick(|v| {
                v.kind == Kind::Tracer && v.mutable && (!v.moved || assign_moved) && !v.borrowed
            })
            .is_some();
        let has_live_tracer = self.pick(|v| v.kind == Kind::Tracer && !v.moved).is_some();
        let d = usize::from(deep);
        let w = [
            12,                               // 0 let int
            8,                                // 1 let tracer
            4,                                // 2 destructuring let
            3 * usize::from(has_live_tracer), // 3 let r = &t
            3 * d,                            // 4 let-else
            6 * usize::from(has_mut_int),     // 5 assign int
            3 * usize::from(has_mut_tracer),  // 6 reassign tracer
            4 * usize::from(movable),         // 7 move statement
            6,                                // 8 emit
            5 * d,                            // 9 if
            3 * d,                            // 10 match
            5 * d,                            // 11 loops
            2 * d,                            // 12 labelled block
            2 * d,                            // 13 nested block
            4 * d,                            // 14 conditional exit
        ];
        match self.rng.weighted(&w) {
            0 => self.let_int(depth),
            1 => self.let_tracer(depth),
            2 => self.let_destructure(depth),
            3 => self.let_ref(),
            4 => self.let_else(depth),
            5 => self.assign_int(depth),
            6 => self.reassign_tracer(depth),
            7 => self.move_stmt(),
            8 => format!("emit({});", self.expr(depth).s),
            9 => self.if_stmt(depth),
            10 => self.match_stmt(depth),
            11 => self.loop_stmt(depth),
            12 => {
                let label = self.fresh("'b");
                self.labelled_block(depth, &label, false) + ";"
            }
            13 => self.block(depth - 1, Tail::Unit),
            _ => {
                let c = self.cond(depth - 1);
                self.push_scope();
                let mut s = self.block_inner(depth - 1, Tail::Unit);
                s += &self.diverge(depth - 1);
                self.pop_scope();
                format!("if {c} {{\n{s}\n}}")
            }
        }
    }

    /// A new name, or (sometimes) the name of a visible variable to shadow it.
    fn binding_name(&mut self, prefix: &str) -> String {
        let (top, outer) = (self.scopes.len() - 1, self.cfg.shadow_outer);
        let params = self.cfg.shadow_params;
        if self.rng.chance(30)
            && let Some(i) = self.pick(|v| (outer || v.scope == top) && (params || !v.param))
        {
            return self.vars[i].name.clone();
        }
        self.fresh(prefix)
    }

    fn let_int(&mut self, depth: u32) -> String {
        let e = self.expr(depth);
        let name = self.binding_name("x");
        let mutable = self.rng.chance(40);
        let annotate = !e.typed && self.rng.chance(30);
        self.declare(name.clone(), Kind::Int, mutable, e.typed || annotate);
        format!(
            "let {}{name}{} = {};",
            if mutable { "mut " } else { "" },
            if annotate { ": i64" } else { "" },
            e.s
        )
    }

    fn let_tracer(&mut self, depth: u32) -> String {
        let e = self.expr(depth);
        let name = self.binding_name("t");
        let mutable = self.rng.chance(30);
        let tname = format!("\"{}:{name}\"", self.fname);
        let init = if self.rng.chance(20) && self.can_await(2) {
            let n = u32::try_from(self.rng.below(3)).expect("small");
            self.spend(n);
            let id = self.yield_id();
            format!("Yield::new({id}, {n}, Tracer::new({tname}, {})).await", e.s)
        } else {
            format!("Tracer::new({tname}, {})", e.s)
        };
        self.declare(name.clone(), Kind::Tracer, mutable, true);
        format!("let {}{name} = {init};", if mutable { "mut " } else { "" })
    }

    fn let_destructure(&mut self, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        match self.rng.below(3) {
            0 => {
                let (a, b) = (self.expr(d), self.expr(d));
                let (x, y) = (self.binding_name("x"), self.fresh("x"));
                self.declare(x.clone(), Kind::Int, false, a.typed);
                self.declare(y.clone(), Kind::Int, false, b.typed);
                format!("let ({x}, {y}) = ({}, {});", a.s, b.s)
            }
            1 => {
                let (a, b) = (self.expr(d), self.expr(d));
                let (x, y) = (self.binding_name("x"), self.fresh("x"));
                self.declare(x.clone(), Kind::Int, false, true);
                self.declare(y.clone(), Kind::Int, true, true);
                format!(
                    "let P {{ a: {x}, b: mut {y} }} = P {{ a: {}, b: {} }};",
                    a.s, b.s
                )
            }
            _ => {
                let (a, b, c) = (self.expr(d), self.expr(d), self.expr(d));
                let typed = a.typed || b.typed || c.typed;
                let (x, y) = (self.fresh("x"), self.binding_name("x"));
                self.declare(x.clone(), Kind::Int, false, typed);
                self.declare(y.clone(), Kind::Int, false, typed);
                format!("let [{x}, _, {y}] = [{}, {}, {}];", a.s, b.s, c.s)
            }
        }
    }

    fn let_ref(&mut self) -> String {
        let i = self
            .pick(|v| v.kind == Kind::Tracer && !v.moved)
            .expect("checked by the caller");
        self.vars[i].borrowed = true;
        let t = self.vars[i].name.clone();
        let r = self.fresh("r");
        self.declare(r.clone(), Kind::Ref, false, true);
        format!("let {r} = &{t};")
    }

    fn let_else(&mut self, depth: u32) -> String {
        let e = self.expr(depth - 1);
        let (pat, scrut) = match self.rng.below(3) {
            0 => ("Some", format!("nonzero({})", e.s)),
            1 => ("Ok", format!("check({})", e.s)),
            _ if self.can_await(1) => {
                let n = u32::try_from(self.rng.below(2)).expect("small");
                self.spend(n);
                let id = self.yield_id();
                (
                    "Some",
                    format!("Yield::new({id}, {n}, nonzero({})).await", e.s),
                )
            }
            _ => ("Some", format!("nonzero({})", e.s)),
        };
        self.push_scope();
        let mut els = self.block_inner(depth - 1, Tail::Unit);
        els += &self.diverge(depth - 1);
        self.pop_scope();
        let x = if self.cfg.let_else_shadow {
            self.binding_name("x")
        } else {
            self.fresh("x")
        };
        self.declare(x.clone(), Kind::Int, false, true);
        format!("let {pat}({x}) = {scrut} else {{\n{els}\n}};")
    }

    fn assign_int(&mut self, depth: u32) -> String {
        let i = self
            .pick(|v| v.kind == Kind::Int && v.mutable)
            .expect("checked by the caller");
        let x = self.vars[i].name.clone();
        let typed = self.vars[i].typed;
        let e = self.expr(depth);
        match self.rng.below(3) {
            0 => format!("{x} = {};", e.s),
            1 => format!("{x} ^= {};", e.s),
            _ if typed => format!("{x} = {x}.wrapping_add({});", e.s),
            _ => format!("{x} |= {};", e.s),
        }
    }

    fn reassign_tracer(&mut self, depth: u32) -> String {
        let assign_moved = self.cfg.assign_moved;
        let i = self
            .pick(|v| {
                v.kind == Kind::Tracer && v.mutable && (!v.moved || assign_moved) && !v.borrowed
            })
            .expect("checked by the caller");
        // Keep the right-hand side from moving `t` unless asked to. (A moved `t` stays moved:
        // nothing reads it again.)
        let pinned = !self.cfg.reassign_moved;
        self.vars[i].borrowed |= pinned;
        let e = self.expr(depth);
        self.vars[i].borrowed &= !pinned;
        let t = self.vars[i].name.clone();
        format!("{t} = Tracer::new(\"{}:{t}'\", {});", self.fname, e.s)
    }

    fn move_stmt(&mut self) -> String {
        let i = self.pick_movable().expect("checked by the caller");
        let t = self.vars[i].name.clone();
        self.mark_moved(i);
        if self.rng.chance(50) {
            format!("drop({t});")
        } else {
            format!("emit(consume({t}));")
        }
    }

    fn if_stmt(&mut self, depth: u32) -> String {
        let c = self.cond(depth - 1);
        let then = self.block(depth - 1, Tail::Unit);
        match self.rng.below(3) {
            0 => format!("if {c} {then}"),
            1 => {
                let els = self.block(depth - 1, Tail::Unit);
                format!("if {c} {then} else {els}")
            }
            _ => {
                let c2 = self.cond(depth - 1);
                let b2 = self.block(depth - 1, Tail::Unit);
                let els = self.block(depth - 1, Tail::Unit);
                format!("if {c} {then} else if {c2} {b2} else {els}")
            }
        }
    }

    fn match_stmt(&mut self, depth: u32) -> String {
        self.match_expr(depth, Tail::Unit)
    }

    /// A `match` whose arms are blocks with tail `tail` (a statement for `Tail::Unit`).
    fn match_expr(&mut self, depth: u32, tail: Tail) -> String {
        let d = depth - 1;
        let scrut = self.expr(d);
        let mut arms = Vec::new();
        let mut arm = |g: &mut Self, pat: String, binds: &[(&str, bool)], guard: bool| {
            g.push_scope();
            for &(b, typed) in binds {
                g.declare(b.to_string(), Kind::Int, false, typed);
            }
            let guard = if guard && !binds.is_empty() {
                let old = g.cfg.guard_awaits;
                let c = if old { g.cond(0) } else { g.cond_no_await(0) };
                format!(" if {c}")
            } else {
                String::new()
            };
            let body = g.block_inner(d, tail);
            g.pop_scope();
            arms.push(format!("{pat}{guard} => {{\n{body}}}"));
        };
        let v = self.fresh("v");
        let w = self.fresh("v");
        match self.rng.below(4) {
            0 => {
                let s = format!("match {} {{", scrut.s);
                arm(self, "0 | 1".into(), &[], false);
                arm(self, format!("{v} @ 2..=6"), &[(&v, scrut.typed)], true);
                arm(self, w.clone(), &[(&w, scrut.typed)], false);
                format!("{s}\n{}\n}}", arms.join(",\n"))
            }
            1 => {
                let s = format!("match nonzero({}) {{", scrut.s);
                arm(self, format!("Some({v})"), &[(&v, true)], true);
                arm(self, format!("Some({v})"), &[(&v, true)], false);
                arm(self, "None".into(), &[], false);
                format!("{s}\n{}\n}}", arms.join(",\n"))
            }
            2 => {
                let s = format!("match check({}) {{", scrut.s);
                arm(self, format!("Ok({v})"), &[(&v, true)], true);
                arm(self, format!("Err({v})"), &[(&v, true)], false);
                arm(self, format!("Ok({v})"), &[(&v, true)], false);
                format!("{s}\n{}\n}}", arms.join(",\n"))
            }
            _ => {
                let second = self.expr(d);
                let s = format!("match ({}, {}) {{", scrut.s, second.s);
                arm(self, format!("({v}, 0)"), &[(&v, scrut.typed)], false);
                arm(
                    self,
                    format!("({v}, {w})"),
                    &[(&v, scrut.typed), (&w, second.typed)],
                    true,
                );
                arm(self, "_".into(), &[], false);
                format!("{s}\n{}\n}}", arms.join(",\n"))
            }
        }
    }

    /// A loop statement: `while`, `loop`, `for` or `while let`, always labelled and bounded.
    fn loop_stmt(&mut self, depth: u32) -> String {
        let d = depth - 1;
        let label = self.fresh("'l");
        let c = self.fresh("c");
        let k = self.rng.range(1, 3);
        match self.rng.below(4) {
            0 => {
                // while: the condition runs up to k+1 times, inside the loop's context.
                let saved = self.enter_loop(&label, false);
                // The condition is inside the loop for costs and moves, but may not `break`
                // or `continue` the loop it belongs to.
                let own = self.targets.pop();
                self.push_scope();
                let extra = if self.rng.chance(60) {
                    format!(" && {}", self.cond(d.min(1)))
                } else {
                    String::new()
                };
                self.targets.extend(own);
                let body = self.block_inner(d, Tail::Unit);
                self.pop_scope();
                self.leave_loop(saved);
                format!("let mut {c} = 0;\n{label}: while {c} < {k}{extra} {{\n{c} += 1;\n{body}}}")
            }
            1 => self.value_loop(depth, &label, false) + ";",
            2 => {
                let (iter, typed) = match self.rng.below(3) {
                    0 => (format!("0..{k}"), false),
                    1 => (format!("(0..{k}).rev()"), false),
                    _ => {
                        let (a, b) = (self.expr(d.min(1)), self.expr(d.min(1)));
                        (format!("[{}, {}]", a.s, b.s), a.typed || b.typed)
                    }
                };
                let saved = self.enter_loop(&label, false);
                self.push_scope();
                let v = self.binding_name("i");
                self.declare(v.clone(), Kind::Int, false, typed);
                let body = self.block_inner(d, Tail::Unit);
                self.pop_scope();
                self.leave_loop(saved);
                format!("{label}: for {v} in {iter} {{\n{body}}}")
            }
            _ => {
                let saved = self.enter_loop(&label, false);
                self.push_scope();
                let src = if self.rng.chance(50) && self.can_await(1) {
                    let n = u32::try_from(self.rng.below(2)).expect("small");
                    self.spend(n);
                    let id = self.yield_id();
                    format!("Yield::new({id}, {n}, tick(&mut {c}, {k})).await")
                } else {
                    format!("tick(&mut {c}, {k})")
                };
                let v = self.binding_name("i");
                self.declare(v.clone(), Kind::Int, false, true);
                let body = self.block_inner(d, Tail::Unit);
                self.pop_scope();
                self.leave_loop(saved);
                format!("let mut {c} = 0;\n{label}: while let Some({v}) = {src} {{\n{body}}}")
            }
        }
    }

    /// `'l: loop { c += 1; if c > k { break 'l …; } … }`, a value if `value`.
    fn value_loop(&mut self, depth: u32, label: &str, value: bool) -> String {
        let d = depth - 1;
        let c = self.fresh("c");
        let k = self.rng.range(1, 3);
        let saved = self.enter_loop(label, value);
        self.push_scope();
        let exit = if value {
            format!("break {label} {};", paren(&self.expr(d.min(1)).s))
        } else {
            format!("break {label};")
        };
        let body = self.block_inner(d, Tail::Unit);
        self.pop_scope();
        self.leave_loop(saved);
        format!(
            "{{\nlet mut {c} = 0;\n{label}: loop {{\n{c} += 1;\nif {c} > {k} {{ {exit} }}\n{body}}}\n}}"
        )
    }

    /// `'b: { … }`, with an `i64` tail if `value`.
    fn labelled_block(&mut self, depth: u32, label: &str, value: bool) -> String {
        self.targets.push(Target {
            label: label.to_string(),
            value,
            is_loop: false,
        });
        self.push_scope();
        let body = self.block_inner(depth - 1, if value { Tail::Value } else { Tail::Unit });
        self.pop_scope();
        self.targets.pop();
        format!("{label}: {{\n{body}}}")
    }

    /// A statement that leaves the current block: `return`, `break` or `continue`.
    fn diverge(&mut self, depth: u32) -> String {
        let n = self.targets.len();
        let choice = if n > 0 && self.rng.chance(60) {
            Some(self.targets[self.rng.below(n)].clone())
        } else {
            None
        };
        match choice {
            Some(t) if t.is_loop && self.rng.chance(40) => format!("continue {};", t.label),
            Some(t) if t.value => format!("break {} {};", t.label, paren(&self.expr(depth).s)),
            Some(t) => format!("break {};", t.label),
            None => {
                let e = self.expr(depth);
                if !self.result_fn {
                    format!("return {};", e.s)
                } else if self.rng.chance(50) {
                    format!("return Ok({});", e.s)
                } else {
                    format!("return Err({});", e.s)
                }
            }
        }
    }

    // ---- expressions -------------------------------------------------------------------

    fn cond_no_await(&mut self, depth: u32) -> String {
        self.scopes.push(Scope {
            vars_start: self.vars.len(),
            stmt_awaits: self.awaits,
            no_await: true,
            no_await_stmt: false,
        });
        let c = self.cond(depth);
        self.pop_scope();
        c
    }

    fn cond(&mut self, depth: u32) -> String {
        self.nodes += 1;
        let deep = depth > 0 && !self.small();
        match self.rng.weighted(&[5, 4, 3, 2 * usize::from(deep), 2]) {
            0 => {
                let (a, b) = (self.expr(depth), self.expr(depth));
                let op = ["<", "<=", "==", "!=", ">"][self.rng.below(5)];
                format!("{} {op} {}", a.s, b.s)
            }
            1 => {
                let a = self.expr(depth);
                format!(
                    "{} % {} == {}",
                    paren(&a.s),
                    self.rng.range(2, 3),
                    self.rng.range(0, 1)
                )
            }
            2 if self.can_await(2) => {
                let a = self.expr(depth);
                let n = u32::try_from(self.rng.below(3)).expect("small");
                self.spend(n);
                let id = self.yield_id();
                format!("Yield::new({id}, {n}, {} > 2).await", a.s)
            }
            3 => {
                // The right operand runs conditionally: a scope of its own, so a move in it
                // counts as a maybe-move.
                let a = self.cond(depth - 1);
                self.push_scope();
                let b = self.cond(depth - 1);
                self.pop_scope();
                let op = if self.rng.chance(50) { "&&" } else { "||" };
                format!("({a} {op} {b})")
            }
            _ => {
                let a = self.expr(depth);
                format!("!({} > 1)", a.s)
            }
        }
    }

    fn leaf(&mut self) -> E {
        let read = self.pick(|v| v.kind != Kind::Int && !v.moved);
        let int = self.pick(|v| v.kind == Kind::Int);
        match self.rng.weighted(&[
            3,
            5 * usize::from(int.is_some()),
            4 * usize::from(read.is_some()),
        ]) {
            0 => E::new(self.lit(), false),
            1 => {
                let v = &self.vars[int.expect("weighted")];
                E::new(v.name.clone(), v.typed)
            }
            _ => {
                let v = &self.vars[read.expect("weighted")];
                let amp = if v.kind == Kind::Tracer { "&" } else { "" };
                let s = if self.rng.chance(60) || !self.cfg.field_reads {
                    format!("peek({amp}{})", v.name)
                } else {
                    format!("{}.v", v.name)
                };
                E::new(s, true)
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn expr(&mut self, depth: u32) -> E {
        self.nodes += 1;
        if depth == 0 || self.small() {
            if self.can_await(1) && self.rng.chance(25) {
                return self.await_yield(0);
            }
            return self.leaf();
        }
        let d = depth - 1;
        let movable = self.pick_movable().is_some();
        let typed_int = self.pick(|v| v.kind == Kind::Int && v.typed);
        let can_await = self.can_await(1);
        let aw = usize::from(can_await);
        let callable = can_await && !self.callees.is_empty();
        let w = [
            6,                                    // 0 leaf
            2 * usize::from(movable),             // 1 consume(t)
            4,                                    // 2 infix
            5,                                    // 3 calls to helpers
            3 * usize::from(typed_int.is_some()), // 4 method on a place
            10 * aw,                              // 5 await Yield
            2 * aw,                               // 6 await ready
            8 * usize::from(callable),            // 7 call a generated coroutine
            2,                                    // 8 block
            3,                                    // 9 if/else
            2,                                    // 10 match
            2,                                    // 11 value loop
            2,                                    // 12 labelled block
            3,                                    // 13 tuple, array, struct
            3 * usize::from(self.result_fn),      // 14 `?`
        ];
        match self.rng.weighted(&w) {
            0 => self.leaf(),
            1 => {
                let i = self.pick_movable().expect("weighted");
                let t = self.vars[i].name.clone();
                self.mark_moved(i);
                E::new(format!("consume({t})"), true)
            }
            2 => {
                let a = self.expr(d);
                let b = self.expr(d);
                let op = ["^", "|", "&"][self.rng.below(3)];
                if self.rng.chance(15) {
                    E::new(format!("!{}", paren(&a.s)), a.typed)
                } else {
                    E::new(format!("({} {op} {})", a.s, b.s), a.typed || b.typed)
                }
            }
            3 => match self.rng.below(4) {
                0 => {
                    let (a, b) = (self.expr(d), self.expr(d));
                    E::new(format!("add({}, {})", a.s, b.s), true)
                }
                1 => {
                    let (a, b, c) = (self.expr(d), self.expr(d), self.expr(d));
                    E::new(format!("mix({}, {}, {})", a.s, b.s, c.s), true)
                }
                2 => {
                    let (a, b) = (self.expr(d), self.expr(d));
                    E::new(format!("i64::wrapping_mul({}, {})", a.s, b.s), true)
                }
                _ => E::new(format!("emit({})", self.expr(d).s), true),
            },
            4 => {
                let x = self.vars[typed_int.expect("weighted")].name.clone();
                let b = self.expr(d);
                let m = ["wrapping_add", "wrapping_sub", "max", "min"][self.rng.below(4)];
                E::new(format!("{x}.{m}({})", b.s), true)
            }
            5 => self.await_yield(d),
            6 => {
                self.spend(0);
                let a = self.expr(d);
                E::new(format!("std::future::ready({}).await", a.s), a.typed)
            }
            7 => self.call(d),
            8 => E::new(self.block(d, Tail::Value), false),
            9 => {
                let c = self.cond(d);
                let a = self.block(d, Tail::Value);
                let b = self.block(d, Tail::Value);
                E::new(format!("if {c} {a} else {b}"), false)
            }
            10 => E::new(self.match_expr(depth, Tail::Value), false),
            11 => {
                let label = self.fresh("'l");
                E::new(self.value_loop(depth, &label, true), false)
            }
            12 => {
                let label = self.fresh("'b");
                let b = self.labelled_block(depth, &label, true);
                E::new(format!("{{ {b} }}"), false)
            }
            13 => {
                let (a, b) = (self.expr(d), self.expr(d));
                match self.rng.below(4) {
                    0 => E::new(format!("({}, {}).1", a.s, b.s), b.typed),
                    1 => {
                        let c = self.expr(d);
                        let typed = a.typed || b.typed || c.typed;
                        let i = self.rng.below(3);
                        E::new(format!("[{}, {}, {}][{i}]", a.s, b.s, c.s), typed)
                    }
                    2 => E::new(format!("(P {{ a: {}, b: {} }}).sum()", a.s, b.s), true),
                    _ if self.can_await(2) => {
                        let n = u32::try_from(self.rng.below(3)).expect("small");
                        self.spend(n);
                        let id = self.yield_id();
                        let f = if self.rng.chance(50) { "a" } else { "b" };
                        let s = format!(
                            "Yield::new({id}, {n}, P {{ a: {}, b: {} }}).await.{f}",
                            a.s, b.s
                        );
                        E::new(s, true)
                    }
                    _ => E::new(format!("(P {{ a: {}, b: {} }}).b", a.s, b.s), true),
                }
            }
            _ => {
                if self.can_await(2) && self.rng.chance(50) {
                    let n = u32::try_from(self.rng.below(3)).expect("small");
                    self.spend(n);
                    let a = self.expr(d);
                    let id = self.yield_id();
                    E::new(
                        format!("Yield::new({id}, {n}, check({})).await?", a.s),
                        true,
                    )
                } else {
                    E::new(format!("check({})?", self.expr(d).s), true)
                }
            }
        }
    }

    /// `Yield::new(id, n, e).await`, sometimes around another await (`f(g.await).await`).
    fn await_yield(&mut self, depth: u32) -> E {
        let n = u32::try_from(self.rng.below(3)).expect("small");
        // The operand runs first, so its awaits are accounted before this one's.
        let a = if depth > 0 {
            self.expr(depth)
        } else {
            self.leaf()
        };
        self.spend(n);
        let id = self.yield_id();
        E::new(format!("Yield::new({id}, {n}, {}).await", a.s), a.typed)
    }

    /// `fK(args).await`, with the result of a fallible callee handled one of several ways.
    fn call(&mut self, depth: u32) -> E {
        let k = self.rng.below(self.callees.len());
        let callee = &self.callees[k];
        let (name, tracers, cost, fallible) = (
            callee.name.clone(),
            callee.param_tracers.clone(),
            callee.cost,
            callee.returns_result,
        );
        let mut args = Vec::new();
        for t in tracers {
            if t {
                let moved = if self.rng.chance(35) {
                    self.pick_movable()
                } else {
                    None
                };
                if let Some(i) = moved {
                    args.push(self.vars[i].name.clone());
                    self.mark_moved(i);
                } else {
                    let e = self.expr(depth.min(1));
                    let tn = self.fresh("c");
                    args.push(format!("Tracer::new(\"{}:{tn}\", {})", self.fname, e.s));
                }
            } else {
                args.push(self.expr(depth.min(1)).s);
            }
        }
        if !self.can_await(cost) {
            // The arguments used the budget up: call something cheap instead (the arguments
            // are still evaluated, for their effects, in a block).
            return E::new(format!("{{ drop(({},)); 1 }}", args.join(", ")), false);
        }
        self.spend(cost);
        let call = format!("{name}({}).await", args.join(", "));
        if !fallible {
            return E::new(call, true);
        }
        match self.rng.below(3) {
            0 if self.result_fn => E::new(format!("{call}?"), true),
            1 => {
                let e = self.expr(depth.min(1));
                E::new(format!("{call}.unwrap_or({})", e.s), true)
            }
            _ => {
                let v = self.fresh("v");
                self.push_scope();
                self.declare(v.clone(), Kind::Int, false, true);
                let a = self.expr(depth.min(1));
                let b = self.expr(depth.min(1));
                self.pop_scope();
                // Typed only if an arm is: `match .. { Ok(v) => 6, Err(v) => 0 }` is an
                // `{integer}` whose methods cannot be called.
                E::new(
                    format!("match {call} {{ Ok({v}) => {}, Err({v}) => {} }}", a.s, b.s),
                    a.typed || b.typed,
                )
            }
        }
    }
}

fn paren(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        s.to_string()
    } else {
        format!("({s})")
    }
}
