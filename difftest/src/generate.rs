//! A seeded generator of random coroutine programs.
//!
//! A program is a few functions `f0 … fN` (each may await the ones before it) and an entry call
//! of the last one. [`Program::render`] emits it twice, as `async fn` (rustc's lowering, the
//! reference) and as `#[coro_core::coroutine] fn`, with identical bodies, plus a `check`
//! function that runs both through [`crate::rt::compare`].
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

static AWAITING_MOVES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns [`Config::awaiting_moves`] on for every later [`Config::for_seed`] (the command line's
/// `--awaiting-moves`).
pub fn set_awaiting_moves() {
    AWAITING_MOVES.store(true, std::sync::atomic::Ordering::Relaxed);
}

static ASSIGN_MOVED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns [`Config::assign_moved`] on for every later [`Config::for_seed`] (the command line's
/// `--assign-moved`).
pub fn set_assign_moved() {
    ASSIGN_MOVED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Which lowering the "ours" side of a rendered program uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lowering {
    /// `#[coro_core::coroutine] fn`: the lowering under test.
    Coroutine,
    /// `async fn` on both sides: validates the generator and harness without the macro.
    Async,
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
    /// Allow `.await`s after a statement that moves a tracer on some of its paths only (the
    /// macro's drop flags; shapes it cannot flag drop such a tracer early, FINDINGS.md #4).
    pub flagged_moves: bool,
    /// Allow a move from a nested scope at any point, also in a statement that has awaited or
    /// awaits later (moves in the branches of an awaiting `if`/`match`, FINDINGS.md #1). Off by
    /// default (the committed seeds); `--awaiting-moves` turns it on.
    pub awaiting_moves: bool,
    /// Allow `t = Tracer::new(..)` for a tracer that may have been moved (on some paths or
    /// all), in any scope (the drop flag filled by an assignment, FINDINGS.md #12). The tracer
    /// is still never read after it. Off by default (the committed seeds); `--assign-moved`
    /// turns it on.
    pub assign_moved: bool,
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
        flagged_moves: true,
        awaiting_moves: false,
        assign_moved: false,
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
            flagged_moves: true,
            ..self
        }
    }

    /// [`Config::sized`], with [`Config::everything`] if `all`, `awaiting_moves` if
    /// [`set_awaiting_moves`] turned it on, and `assign_moved` if [`set_assign_moved`] did.
    pub fn for_seed(seed: u64, all: bool) -> Self {
        let c = Self::sized(seed);
        let c = if all { c.everything() } else { c };
        Self {
            awaiting_moves: AWAITING_MOVES.load(std::sync::atomic::Ordering::Relaxed),
            assign_moved: ASSIGN_MOVED.load(std::sync::atomic::Ordering::Relaxed),
            ..c
        }
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
    /// Callees first; the last one is the entry point.
    pub functions: Vec<Function>,
    /// Arguments of the entry call (constructed afresh for every run).
    pub entry_args: String,
}

impl Program {
    /// Generates the program for `seed` with the shape `config`.
    pub fn generate(seed: u64, config: Config) -> Self {
        let mut rng = Rng::new(seed);
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
            entry_args: args.join(", "),
            functions,
        }
    }

    /// The name of the entry function.
    pub fn entry(&self) -> &str {
        &self.functions.last().expect("at least one function").name
    }

    /// Rust source of one side: `async fn`s, or `#[coro_core::coroutine] fn`s.
    pub fn side(&self, lowering: Lowering) -> String {
        let mut s = String::new();
        for f in &self.functions {
            let (attr, kw) = match lowering {
                Lowering::Coroutine => ("#[coro_core::coroutine]\n", "fn"),
                Lowering::Async => ("", "async fn"),
            };
            let _ = writeln!(
                s,
                "{attr}pub {kw} {}({}) -> {} {}",
                f.name,
                f.params,
                f.ret(),
                f.body
            );
        }
        s
    }

    /// A module-body source with `reference`, `ours`, `SEED` and `check()`.
    pub fn render(&self, lowering: Lowering) -> String {
        let entry = self.entry();
        let args = &self.entry_args;
        format!(
            "// Generated by `difftest gen` from seed {seed:#x}; do not edit.\n\
             use difftest::rt::Tracer;\n\
             pub mod reference {{\n\
             use difftest::rt::*;\n\
             {reference}}}\n\
             pub mod ours {{\n\
             use difftest::rt::*;\n\
             {ours}}}\n\
             pub const SEED: u64 = {seed:#x};\n\
             pub fn check() -> Result<usize, Box<difftest::rt::Mismatch>> {{\n\
             difftest::rt::compare(|| reference::{entry}({args}), || ours::{entry}({args}))\n\
             }}\n",
            seed = self.seed,
            reference = self.side(Lowering::Async),
            ours = self.side(lowering),
        )
    }

    /// A single-file reproduction: the coroutine side only, with its entry call.
    pub fn repro(&self) -> String {
        format!(
            "use difftest::rt::*;\n{}\n// entry: {}({})\n",
            self.side(Lowering::Coroutine),
            self.entry(),
            self.entry_args
        )
    }
}
