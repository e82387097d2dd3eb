//! Memory per task: bytes the global allocator hands out per spawned task, and peak RSS with many
//! pending tasks. The binary that uses this module installs `stats_alloc` as its global allocator.

use super::Peer;
use stats_alloc::{Region, StatsAlloc};
use std::alloc::System;

/// What spawning `tasks` pending tasks cost the allocator, in steady state.
#[derive(Debug, Clone, Copy)]
pub struct AllocPerTask {
    /// Tasks spawned.
    pub tasks: u32,
    /// Bytes allocated (and grown by `realloc`) per task.
    pub bytes: f64,
    /// Allocator calls (`alloc` + `realloc`) per task.
    pub calls: f64,
    /// `size_of_val` of the future each task runs.
    pub state: usize,
}

/// Spawns `tasks` tasks that stay pending and counts what the allocator handed out meanwhile.
///
/// The runtime first spawns and finishes as many empty tasks, so queues and registries have
/// already grown to that size: what is left is the cost of one more task.
pub fn alloc_per_task<P: Peer>(alloc: &'static StatsAlloc<System>, tasks: u32) -> AllocPerTask {
    let peer = P::new();
    peer.spawn_finish(tasks);
    let region = Region::new(alloc);
    let mut stats = None;
    peer.pending(tasks, &mut || stats = Some(region.change()));
    let stats = stats.expect("pending calls the probe");
    let grown = usize::try_from(stats.bytes_reallocated).unwrap_or(0);
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    AllocPerTask {
        tasks,
        bytes: (stats.bytes_allocated + grown) as f64 / f64::from(tasks),
        calls: (stats.allocations + stats.reallocations) as f64 / f64::from(tasks),
        state: P::pending_state_size(),
    }
}

/// `VmRSS` and `VmHWM` (peak) of this process, in KiB, from `/proc/self/status`.
pub fn rss_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Peak RSS of this process while `tasks` tasks of `P` are pending: `(before, peak)` in KiB,
/// where `before` is the RSS with the runtime built and no task spawned. Run it in a fresh
/// process: the peak never goes down.
pub fn peak_rss<P: Peer>(tasks: u32) -> (u64, u64) {
    let peer = P::new();
    let (before, _) = rss_kib().unwrap_or_default();
    let mut peak = 0;
    peer.pending(tasks, &mut || peak = rss_kib().unwrap_or_default().1);
    (before, peak)
}
