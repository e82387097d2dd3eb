//! `break` and `continue` in the shapes rustc accepts, across `.await`s: labelled jumps out of
//! nested loops, `break` with a value from a `loop` and from a labelled block, a loop inside a
//! labelled block (where an unlabelled `break` leaves the loop), a labelled `while` whose
//! condition breaks to its own label, and jumps inside closures, `async` blocks and macro
//! arguments. The macro's jump check (coro-macros/src/check/jumps.rs) must accept them all,
//! and each runs as its `async fn` twin does. Same harness as `drop_flags.rs`.
#![allow(clippy::needless_pass_by_value)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

// `break 'outer` and `continue 'outer` from a `while` inside a `for`.
twin! {
    fn pairs / pairs_ref (n: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        'outer: for i in 0..n {
            let _guard = D("row");
            let mut j = 0;
            while j < n {
                j += 1;
                if later(j > i).await {
                    continue 'outer;
                }
                if i + j == 5 {
                    break 'outer;
                }
                out.push((i, j));
            }
        }
        out
    }
}

// `break value` from a `loop`, and `break 'search value` from a `for` inside one.
twin! {
    fn find / find_ref (target: u32) -> (u32, u32) {
        let first_over = loop {
            let square = later(target * target).await;
            if square >= target {
                break square;
            }
        };
        log(format!("square {first_over}"));
        let mut row = 0;
        'search: loop {
            for col in 0..4 {
                if later(row * 4 + col).await == target {
                    break 'search (row, col);
                }
            }
            row += 1;
        }
    }
}

// A labelled block's value, given by `break 'b value` before and after `.await`s.
twin! {
    fn block_value / block_value_ref (n: u32) -> u32 {
        let x = D("x");
        let v = 'b: {
            if later(n > 2).await {
                break 'b n * 10;
            }
            let m = later(n + 1).await;
            if m == 2 {
                drop(x);
                break 'b 100;
            }
            log("end of block");
            m
        };
        v + 1
    }
}

// Inside a labelled block, a `loop` is the nearest breakable again: its unlabelled `break`
// and `continue` are its own.
twin! {
    fn loop_in_a_labelled_block / loop_in_a_labelled_block_ref (n: u32) -> u32 {
        'b: {
            let mut i = 0;
            loop {
                i += later(1).await;
                if i % 2 == 0 {
                    continue;
                }
                if i >= n {
                    break;
                }
            }
            if i > 3 {
                break 'b i;
            }
            0
        }
    }
}

// A labelled block in a loop, left by `break 'check` or by `continue 'items`.
twin! {
    fn classify / classify_ref (xs: Vec<i32>) -> (i32, i32, i32) {
        let (mut negative, mut big, mut other) = (0, 0, 0);
        'items: for x in xs {
            'check: {
                if later(x < 0).await {
                    negative += 1;
                    break 'check;
                }
                if x > 100 {
                    big += 1;
                    continue 'items;
                }
                other += later(1).await;
            }
            log(format!("checked {x}"));
        }
        (negative, big, other)
    }
}

// A `while` whose condition breaks to the loop's own label, and `break 'l` from its body.
twin! {
    fn condition_leaves_its_loop / condition_leaves_its_loop_ref (n: u32) -> u32 {
        let mut i = 0;
        'l: while if later(i >= n).await { break 'l } else { true } {
            i += 1;
            if i == 10 {
                break 'l;
            }
        }
        i
    }
}

// A closure and an `async` block have their own loops; a `break` in a macro argument leaves
// the loop around the macro.
twin! {
    fn jumps_in_closures_and_macros / jumps_in_closures_and_macros_ref (n: u32) -> u32 {
        let mut total = 0;
        'outer: loop {
            let count = |limit: u32| {
                let mut k = 0;
                loop {
                    k += 1;
                    if k >= limit {
                        break k;
                    }
                }
            };
            total += count(n);
            total += async {
                let mut k = 0;
                'inner: while k < 3 {
                    k += 1;
                    if k == 2 {
                        continue 'inner;
                    }
                    log(format!("k {k}"));
                }
                k
            }
            .await;
            let shown = format!("{}", if later(total > 20).await { break 'outer } else { total });
            log(shown);
        }
        total
    }
}

#[test]
fn labelled_jumps_out_of_nested_loops() {
    for n in 0..5 {
        assert_same_at_every_cancel(|| pairs_ref(n), || pairs(n));
    }
    for target in [0, 1, 5, 11] {
        assert_same_at_every_cancel(|| find_ref(target), || find(target));
    }
}

#[test]
fn labelled_block_values_and_loops_inside_blocks() {
    for n in 0..5 {
        assert_same_at_every_cancel(|| block_value_ref(n), || block_value(n));
        assert_same_at_every_cancel(
            || loop_in_a_labelled_block_ref(n),
            || loop_in_a_labelled_block(n),
        );
    }
    let xs = vec![-1, 5, 200, -7, 0];
    assert_same_at_every_cancel(|| classify_ref(xs.clone()), || classify(xs.clone()));
}

#[test]
fn conditions_closures_and_macro_arguments() {
    for n in [0, 3, 12] {
        assert_same_at_every_cancel(
            || condition_leaves_its_loop_ref(n),
            || condition_leaves_its_loop(n),
        );
    }
    for n in 1..4 {
        assert_same_at_every_cancel(
            || jumps_in_closures_and_macros_ref(n),
            || jumps_in_closures_and_macros(n),
        );
    }
}
