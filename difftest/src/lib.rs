//! Differential testing of the `#[coroutine]` lowering.
