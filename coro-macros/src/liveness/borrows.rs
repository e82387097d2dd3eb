//! Phase 5's check of what it stores: a stored variable that borrows a local the coroutine
//! owns, or a `pin!` local, kept across a suspension is the macro's own spanned error (rustc's
//! would name the generated state type).

use super::{Payloads, Set, reverse_post_order};
use crate::lower::{Lowered, Node, StateId};
use crate::vars::{Var, VarId};

/// A variable kept across a suspension that certainly borrows a local the coroutine owns
/// (`vars::Var::borrows`): rustc would reject the generated code with errors about the state
/// type; say it on the user's `.await`, naming both variables. Only shapes where rustc
/// fails are recognised: `&x`-like borrows, `ref` bindings, and methods by name whose std
/// versions all return a borrow (`vars/values.rs` `borrowed_root`). A user type's own method
/// of such a name (`iter`, `keys`, `first`, `trim`, …) that returns owned data is the one way
/// this rejects a program rustc accepts: the message says to make the value own its data,
/// which a rename or a binding of the method's result through a helper `fn` also does.
/// `live_in` tells a variable used after the suspension from one kept only to drop at its
/// scope's end (an iterator, say; a reference is never kept so, `vars::Var::reference`).
pub(super) fn held_borrows(l: &Lowered, payloads: &Payloads, live_in: &[Set]) -> syn::Result<()> {
    pinned_across(l, payloads)?;
    for s in reverse_post_order(l) {
        let Some(at) = l.states[s].suspends_at else {
            continue;
        };
        let suspension = if l.states[s].yields {
            "yield"
        } else {
            "`.await`"
        };
        for &b in &payloads[s] {
            let var = &l.vars.all[b];
            let Some((src, how)) = &var.borrows else {
                continue;
            };
            let source = &l.vars.all[*src];
            let message = if is_loop_iterator(var) && is_hidden(source) {
                loop_message(suspension)
            } else if source.owned {
                held_message(var, source, how, suspension, live_in[s].contains(&b))
            } else {
                continue;
            };
            return Err(syn::Error::new(at, message));
        }
    }
    Ok(())
}

/// A local of the macro's, not the user's (`__t1`, an awaited value; a user's local spelled
/// `__…` is taken for one, as emit.rs `held_name` does).
fn is_hidden(var: &Var) -> bool {
    var.ident.to_string().starts_with("__")
}

/// The iterator of a `for` loop (normalize/compound.rs). One over `&` a value the macro keeps
/// in a hidden local (`for x in &f().await`, `for x in &make()`) borrows that local, whatever
/// its type, as a `for` over `&local` does (which normalize rejects outright): `&T` iterates
/// by reference into `T` itself (`vars/values.rs` `borrowed_root` takes only `&local`).
fn is_loop_iterator(var: &Var) -> bool {
    var.ident.to_string().starts_with("__iter")
}

/// The error for a `for` loop over `&` a hidden local whose body suspends.
fn loop_message(suspension: &str) -> String {
    format!(
        "this `for` loop iterates over a borrow of a temporary value (its iterable is `&…`) \
         and its body suspends at this {suspension}: a coroutine moves its locals into its own \
         state when it suspends, so the loop's iterator cannot keep borrowing one of them. \
         Iterate over the value itself (`for x in fut.await`, `for x in make()`), or bind it \
         to a local before the loop and iterate over indices (`for i in 0..v.len()`)"
    )
}

/// The error for `var`, which borrows `source` through `how` and is stored across a
/// `suspension`: used after it (`live`), or kept there only to drop at its scope's end.
fn held_message(var: &Var, source: &Var, how: &str, suspension: &str, live: bool) -> String {
    let (name, source) = (&var.ident, &source.ident);
    // A hidden local (`__t1`, an operand kept across the await of the same expression) is
    // named by the code whose value it holds.
    if is_hidden(var) {
        return format!(
            "the value of `{how}` borrows `{source}` and is still needed after this \
             {suspension}, in the same expression: a coroutine moves its locals into its own \
             state when it suspends, so it cannot keep a borrow of one of them across a \
             suspension. Bind the awaited value to a local before this statement \
             (`let out = fut.await;`) and use `out` in its place, make the value own its data \
             (`.cloned()`, `.to_owned()`, a clone), or take `{source}` by `&` reference as a \
             parameter of the coroutine"
        );
    }
    let (held, finish) = if live {
        (
            "is still used after this",
            format!("Finish with `{name}` before the {suspension}"),
        )
    } else {
        (
            "is kept across this",
            format!(
                "`{name}` is not used after it, but would drop only at the end of its \
                 scope: end it before the {suspension} (`drop({name});`, or a block around \
                 its uses)"
            ),
        )
    };
    format!(
        "`{name}` borrows `{source}` (`{how}`) and {held} {suspension}: a coroutine moves its \
         locals into its own state when it suspends, so it cannot keep a borrow of one of them \
         across a suspension. {finish}, make it own its data (`.to_vec()`, `.to_owned()`, \
         `.collect::<Vec<_>>()`, a clone), or take `{source}` by `&` reference as a parameter \
         of the coroutine"
    )
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

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    /// The macro's own error for `item`, or `None` when it expands.
    fn error_of(item: TokenStream) -> Option<String> {
        let out = crate::expand(&TokenStream::new(), item).to_string();
        out.contains("compile_error").then_some(out)
    }

    #[test]
    fn a_dead_reference_binding_is_no_error() {
        let out = error_of(quote! {
            fn f(o: Option<String>) -> u32 {
                let v = later(o).await;
                if let Some(x) = &v { println!("{x}"); later(()).await; }
                let Some(y) = v.as_ref() else { return 0 };
                println!("{y}");
                later(()).await;
                1
            }
        });
        assert_eq!(out, None);
    }

    #[test]
    fn a_reference_binding_used_after_the_await_is_an_error() {
        let out = error_of(quote! {
            fn f() -> usize {
                let v = Some(String::new());
                if let Some(x) = &v { later(()).await; return x.len(); }
                0
            }
        })
        .expect("an error");
        assert!(out.contains("`x` borrows `v`"), "{out}");
        assert!(out.contains("is still used after this `.await`"), "{out}");
    }

    #[test]
    fn a_borrow_kept_only_to_drop_says_so() {
        let out = error_of(quote! {
            fn f(n: usize) -> usize {
                let v = vec![1; n];
                let it = v.iter();
                println!("{it:?}");
                later(()).await;
                0
            }
        })
        .expect("an error");
        assert!(out.contains("is kept across this `.await`"), "{out}");
        assert!(out.contains("drop(it);"), "{out}");
    }

    #[test]
    fn a_for_loop_over_a_borrowed_await_is_an_error() {
        let out = error_of(quote! {
            fn f() -> u32 {
                for d in &later(vec![1, 2]).await { later(()).await; }
                3
            }
        })
        .expect("an error");
        assert!(out.contains("a borrow of a temporary value"), "{out}");
    }
}
