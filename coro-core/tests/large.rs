//! A coroutine with more arms than one labelled-block chain holds (emit/dispatch.rs
//! `SEGMENT`): its dispatch is split into segments, so jumps cross from one segment to a later
//! one (a `break` to the segment) and back (the loop, through the dispatch). Compiled as an
//! `async fn` (the reference) and as a `#[coro_core::coroutine] fn`; both are polled 0, 1, 2,
//! … times, dropped, and must log the same events and return the same value.
//!
//! The body repeats one step by hand: `.await` inside a `macro_rules!` call is not lowered.
#![allow(unused_variables, clippy::too_many_lines, clippy::identity_op)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

twin! {
    fn many_arms / many_arms_ref (rounds: u32) -> u32 {
        let a = D("a");
        let mut n = 0;
        for round in 0..rounds {
            log(format!("round {round}"));
            let s0 = D("s0");
            let x = later(n + 0).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s0);
            } else {
                n += 2;
            }
            let s1 = D("s1");
            let x = later(n + 1).await;
            if x % 3 == 1 {
                n += later(1).await;
                drop(s1);
            } else {
                n += 2;
            }
            let s2 = D("s2");
            let x = later(n + 2).await;
            if x % 3 == 2 {
                n += later(1).await;
                drop(s2);
            } else {
                n += 2;
            }
            let s3 = D("s3");
            let x = later(n + 3).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s3);
            } else {
                n += 2;
            }
            let s4 = D("s4");
            let x = later(n + 4).await;
            if x % 3 == 1 {
                n += later(1).await;
                drop(s4);
            } else {
                n += 2;
            }
            let s5 = D("s5");
            let x = later(n + 5).await;
            if x % 3 == 2 {
                n += later(1).await;
                drop(s5);
            } else {
                n += 2;
            }
            let s6 = D("s6");
            let x = later(n + 6).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s6);
            } else {
                n += 2;
            }
            let s7 = D("s7");
            let x = later(n + 7).await;
            if x % 3 == 1 {
                n += later(1).await;
                drop(s7);
            } else {
                n += 2;
            }
            let s8 = D("s8");
            let x = later(n + 8).await;
            if x % 3 == 2 {
                n += later(1).await;
                drop(s8);
            } else {
                n += 2;
            }
            let s9 = D("s9");
            let x = later(n + 9).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s9);
            } else {
                n += 2;
            }
            let s10 = D("s10");
            let x = later(n + 10).await;
            if x % 3 == 1 {
                n += later(1).await;
                drop(s10);
            } else {
                n += 2;
            }
            let s11 = D("s11");
            let x = later(n + 11).await;
            if x % 3 == 2 {
                n += later(1).await;
                drop(s11);
            } else {
                n += 2;
            }
            let s12 = D("s12");
            let x = later(n + 12).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s12);
            } else {
                n += 2;
            }
            let s13 = D("s13");
            let x = later(n + 13).await;
            if x % 3 == 1 {
                n += later(1).await;
                drop(s13);
            } else {
                n += 2;
            }
            let s14 = D("s14");
            let x = later(n + 14).await;
            if x % 3 == 2 {
                n += later(1).await;
                drop(s14);
            } else {
                n += 2;
            }
            let s15 = D("s15");
            let x = later(n + 15).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s15);
            } else {
                n += 2;
            }
            let s16 = D("s16");
            let x = later(n + 16).await;
            if x % 3 == 1 {
                n += later(1).await;
                drop(s16);
            } else {
                n += 2;
            }
            let s17 = D("s17");
            let x = later(n + 17).await;
            if x % 3 == 2 {
                n += later(1).await;
                drop(s17);
            } else {
                n += 2;
            }
            let s18 = D("s18");
            let x = later(n + 18).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s18);
            } else {
                n += 2;
            }
            let s19 = D("s19");
            let x = later(n + 19).await;
            if x % 3 == 1 {
                n += later(1).await;
                drop(s19);
            } else {
                n += 2;
            }
            let s20 = D("s20");
            let x = later(n + 20).await;
            if x % 3 == 2 {
                n += later(1).await;
                drop(s20);
            } else {
                n += 2;
            }
            let s21 = D("s21");
            let x = later(n + 21).await;
            if x % 3 == 0 {
                n += later(1).await;
                drop(s21);
            } else {
                n += 2;
            }
        }
        n
    }
}

#[test]
fn a_coroutine_with_segmented_dispatch_matches_async_fn() {
    for rounds in [0, 1, 2] {
        assert_same_at_every_cancel(|| many_arms_ref(rounds), || many_arms(rounds));
    }
}
