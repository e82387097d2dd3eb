//! `gentest many`: generate programs in batches into a scratch crate, compile, run, report.
//! (Adapted from `difftest many`.)
//!
//! A program whose rustc-coroutine side does not compile is a generator bug; one whose
//! generator side does not compile is a macro finding. Both are dropped from the batch (it is rebuilt without
//! them) and reported, grouped by symptom, with the smallest program of each group.

use crate::mod_rs;
use gentest::generate::{Config, Lowering, Program};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// What happened to one program of a batch.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// The rustc side does not compile: a generator bug.
    ReferenceError(String),
    /// Our generator side does not compile; the first error.
    OursError(String),
    /// Both agree; resumes to completion.
    Pass(usize),
    /// They disagree: the signature and the harness's report.
    Mismatch(String, String),
    /// The program did not finish within [`TIMEOUT`] (an endless loop on one side).
    Timeout,
}

/// How long one batch binary may run before the program it is on counts as hanging.
const TIMEOUT: &str = "30";

/// Sets up the scratch crate in `dir` (once).
pub fn scaffold(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src/generated"))?;
    let root = Path::new(MANIFEST_DIR);
    let repo = root.parent().unwrap_or(root);
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"gentest-batch\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\ngentest = {{ path = {:?} }}\n\
             coro-core = {{ path = {:?} }}\n\n[workspace]\n\n[profile.dev]\ndebug = 0\n",
            root.display().to_string(),
            repo.join("coro-core").display().to_string(),
        ),
    )?;
    // Pin the same dependency versions as gentest (and work offline).
    if !dir.join("Cargo.lock").exists() {
        let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    }
    std::fs::write(
        dir.join("src/main.rs"),
        "#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]\n\
         #![allow(warnings)]\nmod generated;\n\
         fn main() {\n\
             let from: usize = std::env::var(\"GENTEST_FROM\").ok().and_then(|s| s.parse().ok()).unwrap_or(0);\n\
             for (i, (_, check)) in generated::ALL.iter().enumerate().skip(from) {\n\
                 match check() {\n\
                     Ok(steps) => println!(\"OK {i} {steps}\"),\n\
                     Err(m) => println!(\"MISMATCH {i}\\nSIG {}\\n{m}END\", m.signature()),\n\
                 }\n\
             }\n\
         }\n",
    )
}

/// Line (1-based) where `pub mod ours` starts in a rendered program: errors above it are in the
/// reference.
fn ours_line(source: &str) -> usize {
    source
        .lines()
        .position(|l| l.trim_start().starts_with("pub mod ours"))
        .map_or(usize::MAX, |i| i + 1)
}

/// Compiles and runs rendered programs (see [`Program::render`]) in the scratch crate `dir`.
// One loop to build (dropping programs that fail) and one to run (resuming after a hang).
#[allow(clippy::too_many_lines)]
pub fn evaluate(dir: &Path, sources: &[String]) -> Result<Vec<Verdict>, String> {
    let gen_dir = dir.join("src/generated");
    let _ = std::fs::remove_dir_all(&gen_dir);
    std::fs::create_dir_all(&gen_dir).map_err(|e| e.to_string())?;
    for (i, src) in sources.iter().enumerate() {
        std::fs::write(gen_dir.join(format!("m{i}.rs")), src).map_err(|e| e.to_string())?;
    }
    let mut verdicts: Vec<Option<Verdict>> = vec![None; sources.len()];
    let mut live: Vec<usize> = (0..sources.len()).collect();
    while !live.is_empty() {
        let names: Vec<String> = live.iter().map(|i| format!("m{i}")).collect();
        std::fs::write(gen_dir.join("mod.rs"), mod_rs(&names)).map_err(|e| e.to_string())?;
        let out = Command::new("cargo")
            .args([
                "+nightly",
                "build",
                "--offline",
                "--quiet",
                "--message-format=short",
            ])
            .current_dir(dir)
            .output()
            .map_err(|e| format!("cargo: {e}"))?;
        if out.status.success() {
            break;
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut any = false;
        for line in stderr.lines() {
            let Some((i, lineno, msg)) = parse_error(line) else {
                continue;
            };
            if i >= sources.len() {
                continue;
            }
            any = true;
            // Any error on the `async fn` side makes the program invalid, whatever came first.
            if lineno < ours_line(&sources[i]) {
                if !matches!(verdicts[i], Some(Verdict::ReferenceError(_))) {
                    verdicts[i] = Some(Verdict::ReferenceError(msg));
                }
            } else if verdicts[i].is_none() {
                verdicts[i] = Some(Verdict::OursError(msg));
            }
        }
        if !any {
            return Err(format!("build failed outside generated code:\n{stderr}"));
        }
        live.retain(|&i| verdicts[i].is_none());
    }
    let binary = target_dir(dir).join("debug/gentest-batch");
    let mut from = 0;
    while from < live.len() {
        // `timeout` (coreutils) stops a program that loops forever; the run resumes after it.
        let out = Command::new("timeout")
            .arg(TIMEOUT)
            .arg(&binary)
            .env("GENTEST_FROM", from.to_string())
            .output()
            .map_err(|e| format!("timeout {}: {e}", binary.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut lines = stdout.lines();
        while let Some(line) = lines.next() {
            let mut words = line.split_whitespace();
            let kind = words.next();
            let Some(&i) = words
                .next()
                .and_then(|s| s.parse::<usize>().ok())
                .and_then(|k| live.get(k))
            else {
                continue;
            };
            match kind {
                Some("OK") => {
                    let polls = words.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                    verdicts[i] = Some(Verdict::Pass(polls));
                }
                Some("MISMATCH") => {
                    let sig = lines
                        .next()
                        .and_then(|l| l.strip_prefix("SIG "))
                        .unwrap_or("?");
                    let mut detail = String::new();
                    for l in lines.by_ref() {
                        if l == "END" {
                            break;
                        }
                        let _ = writeln!(detail, "{l}");
                    }
                    verdicts[i] = Some(Verdict::Mismatch(sig.to_string(), detail));
                }
                _ => {}
            }
        }
        if out.status.code() == Some(124) {
            let hung = (from..live.len()).find(|&k| verdicts[live[k]].is_none());
            let Some(k) = hung else { break };
            verdicts[live[k]] = Some(Verdict::Timeout);
            from = k + 1;
            continue;
        }
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(format!("batch binary failed: {err}"));
        }
        break;
    }
    verdicts
        .into_iter()
        .map(|v| v.ok_or_else(|| "a program produced no verdict".to_string()))
        .collect()
}

fn target_dir(dir: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| dir.join("target"), PathBuf::from)
}

/// `src/generated/m12.rs:10:5: error[E0382]: msg` → (12, 10, "error[E0382]: msg").
fn parse_error(line: &str) -> Option<(usize, usize, String)> {
    let rest = line.strip_prefix("src/generated/m")?;
    let (i, rest) = rest.split_once(".rs:")?;
    let (lineno, rest) = rest.split_once(':')?;
    let (_col, msg) = rest.split_once(": ")?;
    if !msg.starts_with("error") {
        return None;
    }
    Some((i.parse().ok()?, lineno.parse().ok()?, msg.to_string()))
}

/// Groups error messages that differ only in the names they quote.
fn normalise(msg: &str) -> String {
    let mut out = String::new();
    let mut in_tick = false;
    for c in msg.chars() {
        if c == '`' {
            in_tick = !in_tick;
            out.push_str(if in_tick { "`…" } else { "`" });
        } else if !in_tick {
            out.push(c);
        }
    }
    out
}

/// One symptom and the programs that show it.
#[derive(Default)]
struct Group {
    seeds: Vec<u64>,
    /// The shortest program with this symptom: length, seed, report.
    smallest: Option<(usize, u64, String)>,
}

#[derive(Default)]
struct Tally {
    ran: usize,
    passed: usize,
    polls: usize,
    mismatches: BTreeMap<String, Group>,
    ours_compile: BTreeMap<String, Group>,
    generator_bugs: BTreeMap<String, Group>,
}

impl Tally {
    fn add(&mut self, p: &Program, source_len: usize, v: Verdict) {
        let (groups, key, detail) = match v {
            Verdict::Pass(polls) => {
                self.ran += 1;
                self.passed += 1;
                self.polls += polls;
                return;
            }
            Verdict::Mismatch(sig, detail) => {
                self.ran += 1;
                (&mut self.mismatches, sig, format!("```text\n{detail}```\n"))
            }
            Verdict::Timeout => {
                self.ran += 1;
                let detail = "did not finish (one side loops forever)\n".to_string();
                (&mut self.mismatches, "timeout".to_string(), detail)
            }
            Verdict::OursError(e) => (&mut self.ours_compile, normalise(&e), format!("`{e}`\n")),
            Verdict::ReferenceError(e) => {
                (&mut self.generator_bugs, normalise(&e), format!("`{e}`\n"))
            }
        };
        let g = groups.entry(key).or_default();
        g.seeds.push(p.seed);
        if g.smallest.as_ref().is_none_or(|s| source_len < s.0) {
            let detail = format!("{detail}\n```rust\n{}```\n", p.repro());
            g.smallest = Some((source_len, p.seed, detail));
        }
    }
}

pub fn main(
    args: &[String],
    lowering: Lowering,
    all: bool,
    num: impl Fn(&str) -> Option<u64>,
) -> ExitCode {
    let Some(count) = num(&args[0]) else {
        return crate::usage();
    };
    let mut start = 1000;
    let mut batch = 100;
    let mut dir = std::env::temp_dir().join("gentest-many");
    let mut it = args[1..].iter();
    while let Some(flag) = it.next() {
        let value = it.next().map(String::as_str).unwrap_or_default();
        match flag.as_str() {
            "--start" => start = num(value).unwrap_or(start),
            "--batch" => batch = num(value).unwrap_or(batch).max(1),
            "--dir" => dir = PathBuf::from(value),
            _ => return crate::usage(),
        }
    }
    if let Err(e) = scaffold(&dir) {
        eprintln!("gentest many: cannot set up {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut tally = Tally::default();
    let mut first = start;
    while first < start + count {
        let last = (first + batch).min(start + count);
        let programs: Vec<Program> = (first..last)
            .map(|s| Program::generate(s, Config::for_seed(s, all)))
            .collect();
        let sources: Vec<String> = programs.iter().map(|p| p.render(lowering)).collect();
        match evaluate(&dir, &sources) {
            Ok(verdicts) => {
                for ((p, src), v) in programs.iter().zip(&sources).zip(verdicts) {
                    tally.add(p, src.len(), v);
                }
            }
            Err(e) => {
                eprintln!("gentest many: batch {first}..{last}: {e}");
                return ExitCode::FAILURE;
            }
        }
        eprintln!(
            "seeds {start}..{last}: {} compared, {} passed; {} mismatch groups, {} compile-error groups",
            tally.ran,
            tally.passed,
            tally.mismatches.len(),
            tally.ours_compile.len()
        );
        first = last;
    }
    let report = report(&tally, start, count);
    let path = dir.join("report.md");
    let _ = std::fs::write(&path, &report);
    println!("{report}");
    println!("(report written to {})", path.display());
    let clean = tally.passed == tally.ran
        && tally.ours_compile.is_empty()
        && tally.generator_bugs.is_empty();
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn report(t: &Tally, start: u64, count: u64) -> String {
    let failed = |g: &BTreeMap<String, Group>| g.values().map(|g| g.seeds.len()).sum::<usize>();
    let mut s = format!(
        "# gentest many: seeds {start}..{}\n\n{} programs compared, {} passed ({} resumes to \
         completion in total); {} did not compile as `#[coro_core::coroutine]` generators; {} \
         generator bugs.\n",
        start + count,
        t.ran,
        t.passed,
        t.polls,
        failed(&t.ours_compile),
        failed(&t.generator_bugs),
    );
    for (title, groups) in [
        ("Mismatches", &t.mismatches),
        ("Our side does not compile", &t.ours_compile),
        (
            "Generator bugs (rustc side does not compile)",
            &t.generator_bugs,
        ),
    ] {
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n## {title}\n");
        for (key, g) in groups {
            let seeds: Vec<String> = g.seeds.iter().take(12).map(u64::to_string).collect();
            let more = if g.seeds.len() > 12 { ", …" } else { "" };
            let _ = writeln!(
                s,
                "### {key}\n\n{} programs (seeds {}{more}).",
                g.seeds.len(),
                seeds.join(", ")
            );
            if let Some((_, seed, detail)) = &g.smallest {
                let _ = writeln!(s, "Smallest: seed {seed}\n\n{detail}");
            }
        }
    }
    s
}
