//! What the emitter's output costs rustc, pinned by tests (BENCHMARKS.md §3).

use crate::expand;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

/// Each `#[allow]`'s lint list (the tokens inside its parentheses) in `tokens`, leaving out
/// what a `cfg_attr(..)` holds.
fn allow_lists(tokens: TokenStream, out: &mut Vec<String>) {
    let mut prev = String::new();
    for tt in tokens {
        match tt {
            TokenTree::Group(g) => {
                if prev == "allow" && g.delimiter() == Delimiter::Parenthesis {
                    out.push(g.stream().to_string());
                }
                if prev != "cfg_attr" {
                    allow_lists(g.stream(), out);
                }
                prev.clear();
            }
            TokenTree::Ident(i) => prev = i.to_string(),
            _ => prev.clear(),
        }
    }
}

/// rustc checks every tool lint named in an `allow`, also when clippy does not run: the
/// clippy lints go in a `cfg_attr(clippy, ..)`, which plain `cargo check` drops first.
#[test]
fn clippy_lints_are_allowed_only_under_clippy() {
    let out = expand(
        &TokenStream::new(),
        quote! {
            fn f(a: u32) -> u32 {
                let s = String::new();
                let x = ready(a).await;
                for i in 0..x { if ready(i).await > 3 { break; } }
                x + s.len() as u32
            }
        },
    );
    let text = out.to_string();
    assert!(!text.contains("compile_error"), "{text}");
    let mut lists = Vec::new();
    allow_lists(out, &mut lists);
    assert!(!lists.is_empty());
    for list in &lists {
        assert!(
            !list.contains("clippy"),
            "a plain allow names a clippy lint: {list}"
        );
    }
    assert!(text.contains("cfg_attr (clippy"), "{text}");
}

/// The `StateEnum` impl declares two associated items: each one is an item of its own to
/// rustc, with its own queries on every check.
#[test]
fn state_enum_impl_has_two_items() {
    let out = expand(
        &TokenStream::new(),
        quote! {
            fn f(a: u32) -> u32 { ready(a).await }
        },
    )
    .to_string();
    let start = out.find("StateEnum for").expect("the impl");
    let impl_text = &out[start..];
    assert!(impl_text.contains("const LIFE"), "{out}");
    for gone in [
        "const NAME",
        "const DONE",
        "const PANICKED",
        "const RUNNING",
    ] {
        assert!(!out.contains(gone), "{gone} in {out}");
    }
}
