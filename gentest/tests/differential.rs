//! The fixed seed set: every committed program, run as rustc's coroutine and as our generator,
//! to completion and dropped after every possible number of resumes, must behave identically.
//!
//! The programs in `generated/` come from `gentest gen` (see `regen.sh`); `run-many.sh` runs
//! thousands more.
#![feature(coroutines, coroutine_trait)]

mod generated;

#[test]
fn generated_programs_behave_like_rustc_coroutines() {
    let mut failures = Vec::new();
    let mut steps = 0;
    for &(seed, check) in generated::ALL {
        match check() {
            Ok(n) => steps += n,
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
    assert!(steps > generated::ALL.len(), "the programs never yield");
}
