//! The fixed seed set: every committed program, run under both lowerings to completion and
//! cancelled after every possible number of polls, must behave identically.
//!
//! The programs in `generated/` come from `difftest gen` (see `regen.sh`); `run-many.sh` runs
//! thousands more.

mod generated;

#[test]
fn generated_programs_behave_like_async_fn() {
    let mut failures = Vec::new();
    let mut polls = 0;
    for &(seed, check) in generated::ALL {
        match check() {
            Ok(n) => polls += n,
            Err(m) => failures.push(format!("seed {seed}: {m}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs differ:\n{}",
        failures.len(),
        generated::ALL.len(),
        failures.join("\n")
    );
    assert!(polls > 0, "the programs never suspend");
}
