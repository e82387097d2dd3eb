//! A labelled block's exits read as one decision (see exits.rs `begin_block`): whether they
//! meet (`block_verdict`), and whether a block in a branch of an awaiting site will decide a
//! local, asked by the site before the block is lowered (`block_decides`).

use super::{BodyExits, ExitsIn, So, tagged_exits};
use crate::lower::flags::{ExitWays, Way};
use crate::lower::{Cont, Lowerer, StateId, Target, block_expr};
use crate::vars::VarId;

impl Lowerer {
    /// Would the labelled block `b`, a statement of a branch of the awaiting site whose join
    /// is `join` (in `v`'s scope), decide `v` on its exits and its end (`begin_block`) when it
    /// is lowered? The site then leaves that branch's decision to it (`way`), and the block
    /// finds `v` there although the site's reading counted it maybe moved (`by_blocks`).
    ///
    /// Asked before the state after the block exists: the block is made a target whose
    /// `break`s go to `join` for the scope test (the state after the block, inside the branch,
    /// is in `v`'s scope as the join is), and only its own `break`s count as entering the state
    /// after it. The block is read through a copy tagged as `begin_block` tags it (the tags
    /// stay unused). It is never shared: the state after it is new (lower/constructs.rs `seq`).
    pub(in crate::lower) fn block_decides(
        &mut self,
        b: &syn::ExprBlock,
        v: VarId,
        join: StateId,
    ) -> bool {
        let Some(label) = b.label.as_ref().map(|l| l.name.ident.to_string()) else {
            return false;
        };
        self.targets.push(Target {
            label: Some(label.clone()),
            is_loop: false,
            break_to: Cont::State(join, false),
            continue_to: None,
        });
        let mut tagged = b.clone();
        self.tag_block(&mut tagged.block);
        let exits = tagged_exits(&ExitsIn::Expr(&block_expr(tagged.block.clone())));
        let found = self
            .body_exit_ways(&tagged.block.stmts, None, &exits)
            .into_iter()
            .find(|f| f.v == v);
        self.targets.pop();
        found.is_some_and(|found| {
            let own = |l: Option<&str>| l == Some(label.as_str());
            block_verdict(found, &exits, own).meets
        })
    }
}

/// How a labelled block's exits leave a candidate (see `Lowerer::begin_block`).
pub(super) struct BlockVerdict {
    /// The exits that set the flag: those into the state after the block, and those
    /// elsewhere that keep `x`.
    pub(super) set: ExitWays,
    /// The exits that keep `x` (set even when the block does not decide).
    pub(super) kept_only: ExitWays,
    /// How the block's end leaves `x`, when known.
    pub(super) end: Option<Way>,
    /// Whether the exits and the end meet: some keep `x` and some move it, every exit's way
    /// is known, and every `continue` keeps it. (The state after the block must also not be
    /// shared, which the caller checks.)
    pub(super) meets: bool,
}

/// `begin_block`'s reading of `found`, where `to_after` says whether a `break` with that label
/// enters the state after the block.
pub(super) fn block_verdict(
    found: BodyExits,
    exits: &[(usize, Option<String>, bool)],
    to_after: impl Fn(Option<&str>) -> bool,
) -> BlockVerdict {
    let BodyExits {
        ways,
        end,
        complete,
        assigned,
        ..
    } = found;
    // As in `begin_loop`: `None` only on the jumps into `after`, none on a `continue`.
    let ExitSplit {
        set,
        kept_only,
        into_after,
        ok,
    } = split_exits(ways, exits, to_after);
    let end = match end {
        So::Kept => Some(Way::Kept),
        So::Moved => Some(Way::Moved),
        So::Unknown | So::Leaves | So::Decided => None,
    };
    let meets = ok
        && complete
        && !assigned
        && end.as_ref().is_some_and(|w| {
            let kept = matches!(w, Way::Kept);
            (into_after.0 || kept) && (into_after.1 || !kept)
        });
    BlockVerdict {
        set,
        kept_only,
        end,
        meets,
    }
}

/// How each exit of a loop's or labelled block's body leaves a candidate `x`: the first step
/// of both `Lowerer::begin_loop` and `block_verdict`.
pub(super) struct ExitSplit {
    /// The exits that set the flag: the `break`s into the state after the construct, and
    /// those elsewhere that keep `x`.
    pub(super) set: ExitWays,
    /// The `break`s that keep `x`.
    pub(super) kept_only: ExitWays,
    /// Whether some `break` into the state after the construct keeps `x`, and whether some
    /// moves it.
    pub(super) into_after: (bool, bool),
    /// Every exit's way is known, and every `continue` keeps `x`.
    pub(super) ok: bool,
}

/// Splits `ways` (per exit tag, how the code before it leaves `x`) by where each exit goes;
/// `to_after` says whether a `break` with that label enters the state after the construct.
pub(super) fn split_exits(
    ways: ExitWays,
    exits: &[(usize, Option<String>, bool)],
    to_after: impl Fn(Option<&str>) -> bool,
) -> ExitSplit {
    let mut split = ExitSplit {
        set: Vec::new(),
        kept_only: Vec::new(),
        into_after: (false, false),
        ok: true,
    };
    for (tag, way) in ways {
        let Some((_, label, is_continue)) = exits.iter().find(|(t, ..)| *t == tag) else {
            split.ok = false;
            continue;
        };
        let kept = matches!(way, Way::Kept);
        if *is_continue {
            // Back to a loop head: `x` must be there for the next turn, and no flag is set
            // (the head is also entered from before the loop).
            split.ok &= kept;
            continue;
        }
        if to_after(label.as_deref()) {
            split.into_after.0 |= kept;
            split.into_after.1 |= !kept;
            split.set.push((tag, way.clone()));
        } else if kept {
            split.set.push((tag, way.clone()));
        }
        if kept {
            split.kept_only.push((tag, way));
        }
    }
    split
}
