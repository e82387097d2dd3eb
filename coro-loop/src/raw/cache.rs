//! Spare task blocks, reused for the next task of the same size.

use super::Header;
use core::alloc::Layout;
use core::cell::RefCell;
use core::ptr::NonNull;

/// The largest task block a loop keeps for reuse, in bytes.
const SPARE_MAX_SIZE: usize = 512;

/// Spare task blocks of one loop: a block whose last reference goes on the loop's thread while
/// the loop runs is kept here, by size, and the next task of that size is built in it instead
/// of in a fresh allocation. Spawning and finishing a task then calls the allocator not at all.
///
/// Only blocks with the header's alignment and at most [`SPARE_MAX_SIZE`] bytes are kept.
/// What a run of the loop did not reuse is freed when the run ends ([`BlockCache::trim`]), and
/// everything when the loop is dropped; so a loop keeps at most as many spare blocks as it had
/// tasks alive at once during its last run.
#[derive(Default)]
pub(crate) struct BlockCache {
    /// `bins[i]` holds blocks of `(i + 1) * align_of::<Header>()` bytes.
    bins: RefCell<Vec<Bin>>,
}

#[derive(Default)]
struct Bin {
    blocks: Vec<NonNull<u8>>,
    /// The fewest blocks the bin held since the last trim: the ones below it were not needed.
    low: usize,
}

impl BlockCache {
    /// The bin of blocks of `layout`, if such blocks are kept.
    fn bin_of(layout: Layout) -> Option<usize> {
        let unit = align_of::<Header>();
        (layout.align() == unit && layout.size() <= SPARE_MAX_SIZE)
            .then(|| (layout.size() / unit).saturating_sub(1))
    }

    /// A fresh block of `layout` from the global allocator.
    pub(super) fn alloc(layout: Layout) -> NonNull<u8> {
        // SAFETY: `layout` is a `RawCell`'s, whose size is not zero (the header has fields).
        let block = unsafe { std::alloc::alloc(layout) };
        NonNull::new(block).unwrap_or_else(|| std::alloc::handle_alloc_error(layout))
    }

    /// Gives a block back to the global allocator.
    ///
    /// # Safety
    /// `block` came from [`BlockCache::alloc`] with `layout`, and nothing uses it any more.
    pub(super) unsafe fn free(block: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's promise is `dealloc`'s contract.
        unsafe { std::alloc::dealloc(block.as_ptr(), layout) };
    }

    /// A spare block of `layout`, if there is one.
    pub(super) fn take(&self, layout: Layout) -> Option<NonNull<u8>> {
        let i = Self::bin_of(layout)?;
        let mut bins = self.bins.try_borrow_mut().ok()?;
        let bin = bins.get_mut(i)?;
        let block = bin.blocks.pop()?;
        bin.low = bin.low.min(bin.blocks.len());
        Some(block)
    }

    /// Keeps `block`, a block of `layout` that nothing uses any more, for reuse. `false` if it
    /// is not kept: the caller frees it.
    pub(super) fn put(&self, layout: Layout, block: NonNull<u8>) -> bool {
        let Some(i) = Self::bin_of(layout) else {
            return false;
        };
        let Ok(mut bins) = self.bins.try_borrow_mut() else {
            return false;
        };
        if bins.len() <= i {
            bins.resize_with(i + 1, Bin::default);
        }
        bins[i].blocks.push(block);
        true
    }

    /// Frees the spare blocks that were not reused since the last trim (called when a run of
    /// the loop ends).
    pub(crate) fn trim(&self) {
        let Ok(mut bins) = self.bins.try_borrow_mut() else {
            return;
        };
        let unit = align_of::<Header>();
        for (i, bin) in bins.iter_mut().enumerate() {
            let low = bin.low.min(bin.blocks.len());
            if low > 0 {
                // Built from the same values as a `RawCell` layout of this bin, so valid.
                let layout = Layout::from_size_align((i + 1) * unit, unit)
                    .unwrap_or_else(|_| unreachable!());
                for block in bin.blocks.drain(..low) {
                    // SAFETY: every block in a bin came from `alloc` with this bin's layout,
                    // and a kept block is used by nothing.
                    unsafe { Self::free(block, layout) };
                }
            }
            bin.low = bin.blocks.len();
        }
    }
}

impl Drop for BlockCache {
    fn drop(&mut self) {
        for bin in self.bins.get_mut() {
            bin.low = bin.blocks.len();
        }
        self.trim();
    }
}
