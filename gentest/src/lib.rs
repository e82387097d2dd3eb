//! Differential testing of `#[coro_core::coroutine(yield = ..)]` generators against rustc's
//! (nightly, unstable) coroutines.
//!
//! [`generate`] makes random programs from a seed and renders each twice, as a
//! `#[coroutine] static move |_first| { … yield v … }` closure (rustc's lowering, the reference)
//! and as a `#[coro_core::coroutine(yield = i64, resume = i64)] fn`; [`rt`] is what those
//! programs call and the harness that resumes both (to completion, and dropped after every
//! possible number of resumes) and compares what they yield, return, log and drop. See
//! `README.md`.
#![feature(coroutine_trait)]

pub mod generate;
pub mod rt;
