//! State size of every corpus coroutine against the same body as `async fn`.
//!
//! Run with `--nocapture` to see the table. Sizes are for 64-bit targets.

/// Corpus cases where our object is larger than rustc's, with the excess in bytes measured when
/// the entry was added (the reason goes in `BENCHMARKS.md` §4).
///
/// The test fails if a listed gap grows, and also if it closes (then delete the entry), so this
/// list is always the exact set of cases where `ours <= rustc` does not hold. It is empty: every
/// case is at most rustc's size. A case that grows past rustc's must be fixed, or listed here.
const KNOWN_GAPS: &[(&str, usize)] = &[];

#[test]
fn corpus_is_big_enough_and_outputs_agree() {
    assert!(coro_bench::rows().len() >= 20);
    coro_bench::check_outputs();
}

#[test]
fn coroutine_state_never_larger_than_async_fn_except_known_gaps() {
    let rows = coro_bench::rows();
    println!("{}", coro_bench::markdown_table(&rows));
    let mut failures = Vec::new();
    for row in &rows {
        let gap = KNOWN_GAPS.iter().find(|(name, _)| *name == row.name);
        match gap {
            None if row.coro > row.rustc => failures.push(format!(
                "{}: ours {} > rustc {} (not a known gap)",
                row.name, row.coro, row.rustc
            )),
            Some((_, excess)) if row.coro > row.rustc + excess => failures.push(format!(
                "{}: ours {} > rustc {} + known excess {excess}: the gap grew",
                row.name, row.coro, row.rustc
            )),
            Some(_) if row.coro <= row.rustc => failures.push(format!(
                "{}: ours {} <= rustc {}: gap closed, remove it from KNOWN_GAPS and BENCHMARKS.md",
                row.name, row.coro, row.rustc
            )),
            _ => {}
        }
    }
    for (name, _) in KNOWN_GAPS {
        if !rows.iter().any(|row| row.name == *name) {
            failures.push(format!(
                "{name}: listed in KNOWN_GAPS but not in the corpus"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
