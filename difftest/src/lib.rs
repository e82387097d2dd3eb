//! Differential testing of the `#[coroutine]` lowering against rustc's `async fn`.
//!
//! [`generate`] makes random programs from a seed and renders each twice, as `async fn` and as
//! `#[coro_core::coroutine] fn`; [`rt`] is what those programs call and the harness that polls
//! both lowerings (to completion, and cancelled after every possible number of polls) and
//! compares their results and event logs. See `README.md` for how to run it.

pub mod generate;
pub mod rt;
