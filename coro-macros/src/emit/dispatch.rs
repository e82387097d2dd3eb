//! The layout of the step's dispatch: the arms chained by labelled blocks (see `chain`).

use super::tokens::Tree;
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// How many arms one labelled-block chain holds (see `chain`).
pub(super) const SEGMENT: usize = 48;

/// The label of the block the dispatch breaks out of to start at the arm of rank `rank`.
pub(super) fn arm_label(rank: usize) -> syn::Lifetime {
    syn::Lifetime::new(&format!("'__s{rank}"), Span::mixed_site())
}

/// The label of the block the outer dispatch breaks out of to start at segment `segment`.
pub(super) fn segment_label(segment: usize) -> syn::Lifetime {
    syn::Lifetime::new(&format!("'__g{segment}"), Span::mixed_site())
}

/// The body of the dispatch loop: the arms in rank order, each placed right after a labelled
/// block that the dispatch breaks out of to start at it:
///
/// ```text
/// '__s1: { '__s0: { match rank { 0 => break '__s0, 1 => break '__s1, _ => .. } } { arm 0 } } { arm 1 }
/// ```
///
/// A jump to a later arm is then a plain `break` out of the blocks between
/// (`Emitter::transfer`), which LLVM follows like any forward branch: an await of a future
/// that is ready at once costs a store and a poll, and a loop of such awaits folds as with
/// rustc's `async fn`. Only a jump back (a loop) goes through the dispatch again. The nesting
/// is one block per arm, which rustc's recursive passes pay for in stack, so past `SEGMENT`
/// arms the chains are split into segments, each a chain with its own dispatch, chained the
/// same way under an outer dispatch that picks the segment.
///
/// A dispatch's fallback arm is `finished`: only a state no step resumes (`__Done`,
/// `__Panicked`) has a rank outside the arms, so the dispatch is also the frame's life-cycle
/// check (`coro_core::__private::not_resumable`).
pub(super) fn chain(
    arms: Vec<TokenStream>,
    scrutinee: &TokenStream,
    finished: &TokenStream,
) -> TokenStream {
    let segmented = arms.len() > SEGMENT;
    let mut segments = Vec::new();
    let mut arms = arms.into_iter().enumerate().peekable();
    while arms.peek().is_some() {
        let seg: Vec<(usize, TokenStream)> = arms.by_ref().take(SEGMENT).collect();
        let ranks = seg
            .iter()
            .map(|(rank, _)| proc_macro2::Literal::usize_unsuffixed(*rank));
        let labels = seg.iter().map(|(rank, _)| arm_label(*rank));
        // The scrutinee is evaluated afresh: a forward jump into a later segment lands here
        // with the target set, not the rank this step started at.
        let mut chain = quote!(match #scrutinee { #(#ranks => break #labels,)* _ => #finished, });
        for (rank, body) in seg {
            let label = arm_label(rank);
            chain = Tree::new()
                .tree(label)
                .punct(':')
                .braced(chain)
                .braced(body)
                .into();
        }
        segments.push(chain);
    }
    if !segmented {
        return segments.into_iter().collect();
    }
    let starts = (0..segments.len()).map(|i| {
        let (first, last) = (
            proc_macro2::Literal::usize_unsuffixed(i * SEGMENT),
            proc_macro2::Literal::usize_unsuffixed(i * SEGMENT + SEGMENT - 1),
        );
        let label = segment_label(i);
        quote!(#first..=#last => break #label,)
    });
    let mut outer = quote!(match #scrutinee { #(#starts)* _ => #finished, });
    for (i, segment) in segments.into_iter().enumerate() {
        outer = Tree::new()
            .tree(segment_label(i))
            .punct(':')
            .braced(outer)
            .braced(segment)
            .into();
    }
    outer
}
