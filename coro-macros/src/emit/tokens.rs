//! Token builders of the emitter: values that append their tokens where they are
//! interpolated, and `Tree`, which assembles a stream with few proc-macro bridge round trips.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt};

// The types below append their tokens one by one where they are interpolated. Interpolating a
// `TokenStream` instead costs several round trips through the proc-macro bridge (evaluating
// it, concatenating it, dropping it), which is most of the emitter's run time.

/// `__coro_held::name`: the newtype that wraps a variable in a suspended state.
pub(super) struct HeldPath(pub(super) Ident);

impl ToTokens for HeldPath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append(Ident::new("__coro_held", Span::call_site()));
        tokens.append(Punct::new(':', Spacing::Joint));
        tokens.append(Punct::new(':', Spacing::Alone));
        tokens.append(self.0.clone());
    }
}

/// A variable read in an expression: `x`, or `__shadowedN!()` for a shadowed one (see
/// `names::expr_name`).
pub(super) struct VarName(pub(super) Ident);

impl ToTokens for VarName {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append(self.0.clone());
        if self.0.to_string().starts_with("__shadowed") {
            tokens.append(Punct::new('!', Spacing::Alone));
            tokens.append(Group::new(Delimiter::Parenthesis, TokenStream::new()));
        }
    }
}

/// A stored variable bound in an arm's pattern: `field: mut x` (the jump enum's fields) or
/// `__coro_held::name(mut x)` (a suspended state's, moved out by `take_state!`).
pub(super) struct Binding {
    pub(super) field: Option<Ident>,
    pub(super) held: Option<HeldPath>,
    pub(super) mutable: bool,
    pub(super) ident: Ident,
}

impl ToTokens for Binding {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let binding = |tokens: &mut TokenStream| {
            if self.mutable {
                tokens.append(Ident::new("mut", Span::call_site()));
            }
            tokens.append(self.ident.clone());
        };
        if let Some(field) = &self.field {
            tokens.append(field.clone());
            tokens.append(Punct::new(':', Spacing::Alone));
        }
        match &self.held {
            Some(held) => {
                held.to_tokens(tokens);
                let mut inner = TokenStream::new();
                binding(&mut inner);
                tokens.append(Group::new(Delimiter::Parenthesis, inner));
            }
            None => binding(tokens),
        }
    }
}

/// An arm's code: `prefix` then `body`, with `body` moved in rather than copied.
pub(super) fn arm_of(prefix: TokenStream, body: TokenStream) -> TokenStream {
    if prefix.is_empty() {
        body
    } else {
        Tree::new().stream(prefix).stream(body).into()
    }
}

/// A token stream assembled from token trees and whole streams: trees are appended where they
/// are (no bridge round trip), each stream is moved in once (one round trip for the lot, at
/// the end), and `braced` makes a group of a stream without copying it.
pub(super) struct Tree {
    parts: Vec<TokenStream>,
    trees: TokenStream,
}

impl Tree {
    pub(super) fn new() -> Self {
        Self {
            parts: Vec::new(),
            trees: TokenStream::new(),
        }
    }

    pub(super) fn tree(mut self, tree: impl ToTokens) -> Self {
        tree.to_tokens(&mut self.trees);
        self
    }

    pub(super) fn word(mut self, word: &str) -> Self {
        self.trees.append(Ident::new(word, Span::call_site()));
        self
    }

    pub(super) fn punct(mut self, c: char) -> Self {
        self.trees.append(Punct::new(c, Spacing::Alone));
        self
    }

    /// A two-character operator such as `=>`.
    pub(super) fn punct2(mut self, a: char, b: char) -> Self {
        self.trees.append(Punct::new(a, Spacing::Joint));
        self.trees.append(Punct::new(b, Spacing::Alone));
        self
    }

    pub(super) fn braced(mut self, inner: TokenStream) -> Self {
        self.trees.append(Group::new(Delimiter::Brace, inner));
        self
    }

    pub(super) fn stream(mut self, stream: TokenStream) -> Self {
        if !self.trees.is_empty() {
            self.parts.push(std::mem::take(&mut self.trees));
        }
        self.parts.push(stream);
        self
    }
}

impl From<Tree> for TokenStream {
    fn from(mut tree: Tree) -> Self {
        if tree.parts.is_empty() {
            return tree.trees;
        }
        if !tree.trees.is_empty() {
            tree.parts.push(tree.trees);
        }
        tree.parts.into_iter().collect()
    }
}

/// User code that `lower` did not mark (see `Node::jumps`): copied as it is.
pub(super) fn unmarked(tokens: &TokenStream) -> TokenStream {
    #[cfg(test)]
    assert!(
        !has_marker(tokens.clone()),
        "a jump marker outside marked code: {tokens}"
    );
    tokens.clone()
}

#[cfg(test)]
pub(super) fn has_marker(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => crate::names::parse_jump_marker(&i).is_some(),
        proc_macro2::TokenTree::Group(g) => has_marker(g.stream()),
        _ => false,
    })
}
