//! Phase 5's check of what it stores: a stored variable that borrows a local the coroutine
//! owns, or a `pin!` local, kept across a suspension is the macro's own spanned error (rustc's
//! would name the generated state type).

use super::{Payloads, reverse_post_order};
use crate::lower::{Lowered, Node, StateId};
use crate::vars::VarId;

/// A variable kept across a suspension that certainly borrows a local the coroutine owns
/// (`vars::Var::borrows`): rustc would reject the generated code with errors about the state
/// type; say it on the user's `.await`, naming both variables. Only shapes where rustc
/// fails are recognised: `&x`-like borrows, `ref` bindings, and methods by name whose std
/// versions all return a borrow (`vars/values.rs` `borrowed_root`). A user type's own method
/// of such a name (`iter`, `keys`, `first`, `trim`, …) that returns owned data is the one way
/// this rejects a program rustc accepts: the message says to make the value own its data,
/// which a rename or a binding of the method's result through a helper `fn` also does.
pub(super) fn held_borrows(l: &Lowered, payloads: &Payloads) -> syn::Result<()> {
    pinned_across(l, payloads)?;
    for s in reverse_post_order(l) {
        let Some(at) = l.states[s].suspends_at else {
            continue;
        };
        for &b in &payloads[s] {
            let var = &l.vars.all[b];
            let Some((src, how)) = &var.borrows else {
                continue;
            };
            if !l.vars.all[*src].owned {
                continue;
            }
            let (name, source) = (&var.ident, &l.vars.all[*src].ident);
            let suspension = if l.states[s].yields {
                "yield"
            } else {
                "`.await`"
            };
            // A hidden local (`__t1`, an operand kept across the await of the same
            // expression) is named by the code whose value it holds.
            let message = if name.to_string().starts_with("__") {
                format!(
                    "the value of `{how}` borrows `{source}` and is still needed after this \
                     {suspension}, in the same expression: a coroutine moves its locals into its \
                     own state when it suspends, so it cannot keep a borrow of one of them \
                     across a suspension. Bind the awaited value to a local before this \
                     statement (`let out = fut.await;`) and use `out` in its place, make the value \
                     own its data (`.cloned()`, `.to_owned()`, a clone), or take `{source}` by \
                     `&` reference as a parameter of the coroutine"
                )
            } else {
                format!(
                    "`{name}` borrows `{source}` (`{how}`) and is still used after this \
                     {suspension}: a coroutine moves its locals into its own state when it \
                     suspends, so it cannot keep a borrow of one of them across a \
                     suspension. Finish with `{name}` before the {suspension}, make it own \
                     its data (`.to_vec()`, `.to_owned()`, `.collect::<Vec<_>>()`, a clone), \
                     or take `{source}` by `&` reference as a parameter of the coroutine"
                )
            };
            return Err(syn::Error::new(at, message));
        }
    }
    Ok(())
}

/// `let a = pin!(fut);` with `a` kept across a suspension, or used by the future awaited
/// there (`select(a, b).await`): `pin!` pins `fut` as a temporary of its statement, which
/// ends with the step that runs it, so `a` cannot outlive that step. rustc would say E0716
/// about the generated state type; say it on the `pin!`, with the way out.
fn pinned_across(l: &Lowered, payloads: &Payloads) -> syn::Result<()> {
    fn in_futures(l: &Lowered, nodes: &[Node], found: &mut Option<(VarId, StateId)>) {
        for node in nodes {
            if found.is_some() {
                return;
            }
            if let Node::Suspend { uses, target, .. } = node {
                if let Some(&v) = uses.iter().find(|&&v| l.vars.all[v].pinned.is_some()) {
                    *found = Some((v, *target));
                }
            }
            node.for_each_child(|child| in_futures(l, child, found));
        }
    }
    let mut found = None;
    for s in reverse_post_order(l) {
        in_futures(l, &l.states[s].body, &mut found);
        if found.is_some() {
            break;
        }
        if l.states[s].suspends_at.is_none() {
            continue;
        }
        if let Some(&v) = payloads[s]
            .iter()
            .find(|&&v| l.vars.all[v].pinned.is_some())
        {
            found = Some((v, s));
            break;
        }
    }
    let Some((v, s)) = found else { return Ok(()) };
    let var = &l.vars.all[v];
    let (name, at) = (&var.ident, var.pinned.expect("found by its `pinned`"));
    let suspension = if l.states[s].yields {
        "yield"
    } else {
        "`.await`"
    };
    let mut error = syn::Error::new(
        at,
        format!(
            "`{name}` is pinned with `pin!`, which pins the value in a temporary of this step of \
             the coroutine, but the coroutine keeps `{name}` across a later {suspension} (it is \
             used after it, by the awaited future, or is still in scope there): a coroutine's \
             locals move into its own state when it suspends, and the temporary does not. Pin \
             it on the heap instead, `let {name} = Box::pin(fut);` (a `Pin<Box<_>>`, usable as \
             the `Pin<&mut _>` through `{name}.as_mut()`), or end its use before the \
             {suspension} with `drop({name})`"
        ),
    );
    if let Some(suspends) = l.states[s].suspends_at {
        error.combine(syn::Error::new(
            suspends,
            format!("`{name}`, pinned by `pin!`, is kept across this {suspension}"),
        ));
    }
    Err(error)
}
