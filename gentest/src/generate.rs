//! A seeded generator of random generator programs (adapted from `difftest`'s).
//!
//! A program is a few functions `f0 … fN` (each may delegate to the ones before it) and an
//! entry call of the last one. [`Program::render`] emits it twice, as functions returning a
//! `#[coroutine] static move |_first| { … }` closure (rustc's lowering, the reference) and as
//! `#[coro_core::coroutine(yield = i64, resume = i64)] fn`s, with identical bodies, plus a
//! `check` function that runs both through [`crate::rt::compare`].
//!
//! Programs stay inside the macro's documented limits (see `README.md`); the rules that keep
//! them there are enforced in `body.rs`, next to the code they constrain.

mod body;

use std::fmt::Write as _;

/// `SplitMix64`: tiny, fast and good enough to pick among a handful of choices.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole output is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        // The modulo bias is irrelevant for choosing program shapes.
        #[allow(clippy::cast_possible_truncation)]
        let r = (self.next_u64() % n as u64) as usize;
        r
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = usize::try_from(hi - lo + 1).expect("lo <= hi");
        lo + i64::try_from(self.below(span)).expect("small span")
    }

    /// Picks an index by weight; weights of zero are never picked. At least one must be positive.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        unreachable!("r < total")
    }
}

/// Which lowering the "ours" side of a rendered program uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lowering {
    /// `#[coro_core::coroutine(yield = i64, ..)] fn`: the lowering under test.
    Coroutine,
    /// rustc's coroutines on both sides: validates the generator and harness without the macro.
    Rustc,
}

/// Knobs for the shape of generated programs.
// Each feature switch is independent of the others.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Upper bound on the number of functions in a program.
    pub max_fns: usize,
    /// Upper bound on statements per block (before the tail).
    pub max_stmts: usize,
    /// Upper bound on nesting of blocks and expressions.
    pub max_depth: u32,
    /// Rough upper bound on the polls one function may take to complete.
    pub max_cost: u32,
    /// Allow `.await` inside match guards (the macro rejects it with a clear error).
    pub guard_awaits: bool,
    /// Allow a `let` in a nested block, branch or loop body to shadow a local of an enclosing
    /// scope (FINDINGS.md #1). Off: only locals of the same block are shadowed.
    pub shadow_outer: bool,
    /// Read tracers' fields (`t.v`) besides `peek(&t)` (FINDINGS.md #3).
    pub field_reads: bool,
    /// Allow a `let` to shadow a parameter (FINDINGS.md #6).
    pub shadow_params: bool,
    /// Allow `t = Tracer::new(.., e)` where `e` moves `t` and then awaits (FINDINGS.md #5).
    pub reassign_moved: bool,
    /// Allow a `let … else` binding to shadow a visible local (FINDINGS.md #2).
    pub let_else_shadow: bool,
    /// Allow yields inside the operand of a yield (`yield_!(yield_!(x))`) and inside the
    /// arguments of a delegation (FINDINGS.md #1).
    pub nested_yields: bool,
    /// Allow yields after a statement that moves a tracer on some of its paths only (the
    /// macro's drop flags).
    pub flagged_moves: bool,
    /// Percentage of programs whose generators take `()` when resumed (no `resume = ..`):
    /// every yield then evaluates to `()` (rendered as `{ yield e; 0i64 }`).
    pub unit_resume_percent: usize,
}

impl Config {
    /// The shape used for the committed seeds and by default in `run-many.sh`.
    pub const DEFAULT: Self = Self {
        max_fns: 3,
        max_stmts: 4,
        max_depth: 3,
        max_cost: 24,
        guard_awaits: false,
        shadow_outer: true,
        let_else_shadow: true,
        field_reads: false,
        reassign_moved: true,
        shadow_params: true,
        nested_yields: true,
        flagged_moves: true,
        unit_resume_percent: 25,
    };

    /// The same shape with everything switched on, including what the macro is known to get
    /// wrong (to re-check known findings).
    #[must_use]
    pub fn everything(self) -> Self {
        Self {
            guard_awaits: true,
            shadow_outer: true,
            let_else_shadow: true,
            field_reads: true,
            reassign_moved: true,
            shadow_params: true,
            nested_yields: true,
            flagged_moves: true,
            ..self
        }
    }

    /// [`Config::sized`], with [`Config::everything`] if `all`.
    pub fn for_seed(seed: u64, all: bool) -> Self {
        let c = Self::sized(seed);
        if all { c.everything() } else { c }
    }

    /// A size class derived from the seed, so a batch has small programs (easy to read when
    /// they fail) as well as large ones.
    pub fn sized(seed: u64) -> Self {
        match seed % 4 {
            0 => Self {
                max_fns: 1,
                max_stmts: 3,
                max_depth: 2,
                max_cost: 12,
                ..Self::DEFAULT
            },
            1 => Self {
                max_fns: 2,
                max_stmts: 3,
                max_depth: 2,
                ..Self::DEFAULT
            },
            _ => Self::DEFAULT,
        }
    }
}

/// One generated function.
#[derive(Clone, Debug)]
pub struct Function {
    /// `f0`, `f1`, …
    pub name: String,
    /// `a0: i64, t1: Tracer, …`
    pub params: String,
    /// Whether it returns `Result<i64, i64>` (otherwise `i64`).
    pub returns_result: bool,
    /// The body, braces included.
    pub body: String,
    /// Parameter kinds, for callers: `true` for a `Tracer`.
    pub param_tracers: Vec<bool>,
    /// Estimated polls to completion.
    pub cost: u32,
}

impl Function {
    fn ret(&self) -> &'static str {
        if self.returns_result {
            "Result<i64, i64>"
        } else {
            "i64"
        }
    }
}

/// A generated program: its functions and how to call the entry point.
#[derive(Clone, Debug)]
pub struct Program {
    /// The seed it was generated from.
    pub seed: u64,
    /// Resumed with `()` instead of `i64` values.
    pub unit_resume: bool,
    /// Callees first; the last one is the entry point.
    pub functions: Vec<Function>,
    /// Arguments of the entry call (constructed afresh for every run).
    pub entry_args: String,
}

impl Program {
    /// Generates the program for `seed` with the shape `config`.
    pub fn generate(seed: u64, config: Config) -> Self {
        let mut rng = Rng::new(seed);
        let unit_resume = rng.chance(config.unit_resume_percent);
        let n = 1 + rng.below(config.max_fns);
        let mut functions = Vec::new();
        for i in 0..n {
            let f = body::function(&mut rng, &config, i, &functions);
            functions.push(f);
        }
        let entry = functions.last().expect("n >= 1");
        let args: Vec<String> = entry
            .param_tracers
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                let v = rng.range(-3, 9);
                if t {
                    format!("Tracer::new(\"arg{i}\", {v})")
                } else {
                    format!("{v}")
                }
            })
            .collect();
        Self {
            seed,
            unit_resume,
            entry_args: args.join(", "),
            functions,
        }
    }

    /// The name of the entry function.
    pub fn entry(&self) -> &str {
        &self.functions.last().expect("at least one function").name
    }

    /// The resume type, as written in the program.
    fn resume_ty(&self) -> &'static str {
        if self.unit_resume { "()" } else { "i64" }
    }

    /// Rust source of one side: rustc coroutines (`Lowering::Rustc`), or our generators.
    pub fn side(&self, lowering: Lowering) -> String {
        let mut s = String::new();
        let r = self.resume_ty();
        for f in &self.functions {
            match lowering {
                Lowering::Coroutine => {
                    let attr = if self.unit_resume {
                        "#[coro_core::coroutine(yield = i64)]".to_string()
                    } else {
                        format!("#[coro_core::coroutine(yield = i64, resume = {r})]")
                    };
                    let body = self.markers(&f.body, lowering);
                    let _ = writeln!(
                        s,
                        "{attr}\npub fn {}({}) -> {} {body}",
                        f.name,
                        f.params,
                        f.ret()
                    );
                }
                Lowering::Rustc => {
                    // The parameters are moved into the closure and re-bound first thing, in
                    // order, as rustc's `async fn` does: they drop after the body's locals.
                    let mut sig = Vec::new();
                    let mut rebind = String::new();
                    for p in f.params.split(", ") {
                        let plain = p.trim_start_matches("mut ");
                        let name = plain.split(':').next().unwrap_or(plain);
                        let m = if p.starts_with("mut ") { "mut " } else { "" };
                        sig.push(plain.to_string());
                        let _ = write!(rebind, "let {m}{name} = {name}; ");
                    }
                    let body = self.markers(&f.body, lowering);
                    let ret = f.ret();
                    let _ = writeln!(
                        s,
                        "pub fn {}({}) -> impl Coroutine<{r}, Yield = i64, Return = {ret}> {{\n\
                         #[coroutine]\nstatic move |_first: {r}| -> {ret} {{\n{rebind}\n{body}\n}}\n}}",
                        f.name,
                        sig.join(", "),
                    );
                }
            }
        }
        s
    }

    /// Replaces the yield markers of a body (`⟪e⟫`, `⟦call⟧`, see `body.rs`) with `lowering`'s
    /// syntax.
    fn markers(&self, body: &str, lowering: Lowering) -> String {
        let unit = self.unit_resume;
        let (y_open, y_close) = match (lowering, unit) {
            (Lowering::Coroutine, false) => ("coro_core::yield_!(", ")"),
            (Lowering::Coroutine, true) => ("{ coro_core::yield_!(", "); 0i64 }"),
            (Lowering::Rustc, false) => ("(yield ", ")"),
            (Lowering::Rustc, true) => ("{ yield ", "; 0i64 }"),
        };
        let delegate_close = format!(
            "); let mut __s = {}; loop {{ match ::std::ops::Coroutine::resume(__g.as_mut(), __s) {{ \
             ::std::ops::CoroutineState::Yielded(__y) => __s = yield __y, \
             ::std::ops::CoroutineState::Complete(__r) => break __r, }} }} }}",
            if unit { "()" } else { "0" }
        );
        let (d_open, d_close) = match lowering {
            Lowering::Coroutine => ("coro_core::yield_from!(", ")"),
            // PEP 380 by hand: the inner coroutine's first resume gets the dummy argument, then
            // each value sent to the outer one is passed on.
            Lowering::Rustc => (
                "{ let mut __g = ::std::boxed::Box::pin(",
                delegate_close.as_str(),
            ),
        };
        body.replace('⟪', y_open)
            .replace('⟫', y_close)
            .replace('⟦', d_open)
            .replace('⟧', d_close)
    }

    /// A module-body source with `reference`, `ours`, `SEED` and `check()`.
    pub fn render(&self, lowering: Lowering) -> String {
        let entry = self.entry();
        let args = &self.entry_args;
        let dummy = if self.unit_resume { "()" } else { "0_i64" };
        format!(
            "// Generated by `gentest gen` from seed {seed:#x}; do not edit.\n\
             use gentest::rt::Tracer;\n\
             pub mod reference {{\n\
             use gentest::rt::*;\n\
             use std::ops::{{Coroutine, CoroutineState}};\n\
             {reference}}}\n\
             pub mod ours {{\n\
             use gentest::rt::*;\n\
             {ours_imports}\
             {ours}}}\n\
             pub const SEED: u64 = {seed:#x};\n\
             pub fn check() -> Result<usize, Box<gentest::rt::Mismatch>> {{\n\
             gentest::rt::{compare}(|| reference::{entry}({args}), || ours::{entry}({args}), || {dummy})\n\
             }}\n",
            seed = self.seed,
            reference = self.side(Lowering::Rustc),
            ours = self.side(lowering),
            compare = if lowering == Lowering::Rustc {
                "compare_rustc"
            } else {
                "compare"
            },
            ours_imports = if lowering == Lowering::Rustc {
                "use std::ops::{Coroutine, CoroutineState};\n"
            } else {
                ""
            },
        )
    }

    /// A single-file reproduction: the generator side only, with its entry call.
    pub fn repro(&self) -> String {
        format!(
            "use gentest::rt::*;\n{}\n// entry: {}({})\n",
            self.side(Lowering::Coroutine),
            self.entry(),
            self.entry_args
        )
    }
}
