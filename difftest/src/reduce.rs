//! `difftest reduce SEED`: shrink a failing program while it keeps failing the same way.
//!
//! Works on the rustfmt-formatted source, one line per statement or bracket: greedily deletes
//! chunks of lines (halving the chunk size when nothing can go) and unwraps single-line
//! `Yield::new(id, n, e).await` into `e`. Every candidate is rendered on both sides and judged by
//! [`many::evaluate`] in batches: it is kept if its `async fn` side still compiles and the symptom
//! (compile error or first log difference) is unchanged.

use crate::many::{self, Verdict};
use difftest::generate::{Config, Lowering, Program};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Candidates judged per build.
const BATCH: usize = 48;

pub fn main(args: &[String], all: bool, num: impl Fn(&str) -> Option<u64>) -> ExitCode {
    let Some(seed) = num(&args[0]) else {
        return crate::usage();
    };
    let dir = match args.get(1..3) {
        Some([flag, d]) if flag == "--dir" => PathBuf::from(d),
        None | Some([]) => std::env::temp_dir().join("difftest-reduce"),
        _ => return crate::usage(),
    };
    match reduce(seed, all, &dir) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("difftest reduce: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Both sides of a program given as the text of its `async fn`s.
fn render(seed: u64, text: &str, entry: &str, args: &str) -> String {
    let ours = text.replace("pub async fn ", "#[coro_core::coroutine]\npub fn ");
    format!(
        "use difftest::rt::Tracer;\npub mod reference {{\nuse difftest::rt::*;\n{text}\n}}\n\
         pub mod ours {{\nuse difftest::rt::*;\n{ours}\n}}\npub const SEED: u64 = {seed};\n\
         pub fn check() -> Result<usize, Box<difftest::rt::Mismatch>> {{\n\
         difftest::rt::compare(|| reference::{entry}({args}), || ours::{entry}({args}))\n}}\n"
    )
}

fn rustfmt(text: &str) -> String {
    let child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return text.to_string();
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(text.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => text.to_string(),
    }
}

/// `Yield::new("id", n, e).await` → `e`, for the first such call on a line.
fn unwrap_yield(line: &str) -> Option<String> {
    let start = line.find("Yield::new(")?;
    let open = start + "Yield::new".len();
    let mut depth = 0;
    let mut commas = Vec::new();
    let mut close = None;
    for (i, c) in line[open..].char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(open + i),
            _ => {}
        }
    }
    let close = close?;
    let rest = line[close + 1..].strip_prefix(".await")?;
    let value = line[*commas.get(1)? + 1..close].trim();
    Some(format!("{}({value}){rest}", &line[..start]))
}

/// `c3 += 1;`, `if c3 > 2 {` and `break 'l2`: the lines that bound a generated loop.
fn is_loop_bound(line: &str) -> bool {
    let l = line.trim_start();
    let counter = |s: &str| {
        s.strip_prefix('c').is_some_and(|r| {
            r.split_once(' ')
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
    };
    l.starts_with("break 'l")
        || (counter(l) && l.contains(" += 1"))
        || l.strip_prefix("if ")
            .is_some_and(|r| counter(r) && r.contains(" > "))
}

fn reduce(seed: u64, all: bool, dir: &Path) -> Result<String, String> {
    many::scaffold(dir).map_err(|e| e.to_string())?;
    let program = Program::generate(seed, Config::for_seed(seed, all));
    let (entry, args) = (program.entry().to_string(), program.entry_args.clone());
    let judge = |texts: &[String]| -> Result<Vec<Verdict>, String> {
        let sources: Vec<String> = texts
            .iter()
            .map(|t| render(seed, t, &entry, &args))
            .collect();
        many::evaluate(dir, &sources)
    };
    let mut lines: Vec<String> = rustfmt(&program.side(Lowering::Async))
        .lines()
        .map(str::to_string)
        .collect();
    let first = judge(&[lines.join("\n")])?.remove(0);
    let Some(symptom) = first.symptom() else {
        return Err(format!("seed {seed} does not fail: {first:?}"));
    };
    eprintln!("symptom: {symptom} ({} lines)", lines.len());
    let mut verdict = first;
    let mut chunk = lines.len().div_ceil(2);
    loop {
        let mut candidates: Vec<Vec<String>> = Vec::new();
        for start in (0..lines.len()).step_by(chunk) {
            let end = (start + chunk).min(lines.len());
            // Loop bounds keep every candidate terminating.
            if lines[start..end].iter().any(|l| is_loop_bound(l)) {
                continue;
            }
            let mut c = lines.clone();
            c.drain(start..end);
            candidates.push(c);
        }
        if chunk == 1 {
            for (i, l) in lines.iter().enumerate() {
                if let Some(u) = unwrap_yield(l) {
                    let mut c = lines.clone();
                    c[i] = u;
                    candidates.push(c);
                }
            }
        }
        let mut found = None;
        for group in candidates.chunks(BATCH) {
            let texts: Vec<String> = group.iter().map(|c| c.join("\n")).collect();
            let verdicts = judge(&texts)?;
            if let Some(k) = verdicts
                .iter()
                .position(|v| v.symptom().as_ref() == Some(&symptom))
            {
                found = Some((group[k].clone(), verdicts[k].clone()));
                break;
            }
        }
        match found {
            Some((c, v)) => {
                lines = c;
                verdict = v;
                eprintln!("  {} lines", lines.len());
                chunk = chunk.min(lines.len().max(1));
            }
            None if chunk > 1 => chunk = chunk.div_ceil(2).min(chunk - 1),
            None => break,
        }
    }
    let text =
        rustfmt(&lines.join("\n")).replace("pub async fn ", "#[coro_core::coroutine]\npub fn ");
    let detail = match &verdict {
        Verdict::Mismatch(_, d) => d.clone(),
        Verdict::OursError(e) => e.clone(),
        v => format!("{v:?}"),
    };
    Ok(format!(
        "seed {seed}: {symptom}\n\n```rust\nuse difftest::rt::*;\n\n{text}// entry: {entry}({args})\n```\n\n```text\n{detail}```\n"
    ))
}
