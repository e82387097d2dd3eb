//! Phase 2b: take the items declared in the body out of it, for `emit` to print at the top of
//! the generated function.
//!
//! rustc makes an item visible in the whole block that declares it. The lowering cuts a block
//! that suspends into states, each printed as its own arm: an item left where it was written
//! would be visible only in its arm, and `use`, `fn`, `struct`, `macro_rules!` declared before
//! an `.await` would not resolve after it. An item captures no local and none of the outer
//! function's generics, so moving it changes only where it is visible.
//!
//! Input: `fn f() -> u32 { fn helper(y: u32) -> u32 { y * 10 } let a = g().await; helper(a) }`.
//! Output: `fn f() -> impl Coroutine<..> { fn helper(y: u32) -> u32 { y * 10 } enum
//! __CoroState { .. } Frame::new(..) }`, the body without the item.
//!
//! Taken: the items of the body's own block and of every nested block that suspends (the
//! blocks the lowering cuts apart), with their attributes (so `#[cfg]` on an item still works)
//! and spans. Left in place: the items of a block that does not suspend (it stays whole, in one
//! arm), and anything inside a closure, an `async` block, a `const` block or an item.
//!
//! Moving an item out of a nested block widens its scope to the whole function, so two blocks
//! that each declare a `helper` would collide, and two `macro_rules! m` (textually scoped, a
//! later one replaces an earlier one) would both be in force everywhere: each is a spanned
//! error asking for a rename. An item of a nested block that shares its name with an item
//! outside the function now shadows it in the whole function: ARCHITECTURE.md states this.

use crate::normalize::stmt_has_await;
use std::collections::HashMap;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Item, Stmt, UseTree};

/// Removes the items to move from `body` and returns them, in source order; an error for every
/// name that moving them would make collide.
pub(crate) fn hoist(body: &mut Block) -> syn::Result<Vec<Item>> {
    let mut hoister = Hoister {
        items: Vec::new(),
        blocks: 0,
        names: HashMap::new(),
        errors: None,
    };
    hoister.take_items(body);
    visit_mut::visit_block_mut(&mut hoister, body);
    match hoister.errors {
        Some(err) => Err(err),
        None => Ok(hoister.items),
    }
}

struct Hoister {
    items: Vec<Item>,
    /// How many blocks have given up items so far: each one's number tells them apart.
    blocks: usize,
    /// Each name taken so far (and whether it names a `macro_rules!`, which has a namespace of
    /// its own): the number of its block.
    names: HashMap<(String, bool), usize>,
    errors: Option<syn::Error>,
}

impl Hoister {
    /// Moves `block`'s own items (not those of blocks inside it) to `self.items`.
    fn take_items(&mut self, block: &mut Block) {
        if !block.stmts.iter().any(|s| matches!(s, Stmt::Item(_))) {
            return;
        }
        let this = self.blocks;
        self.blocks += 1;
        for stmt in std::mem::take(&mut block.stmts) {
            match stmt {
                Stmt::Item(item) => {
                    self.record_names(&item, this);
                    self.items.push(item);
                }
                other => block.stmts.push(other),
            }
        }
    }

    /// Notes the names `item` declares, with an error for each one that moving would make
    /// collide: the same name from another block, or a second `macro_rules!` of one name.
    fn record_names(&mut self, item: &Item, block: usize) {
        let is_macro = matches!(item, Item::Macro(_));
        for ident in declared_names(item) {
            let name = ident.to_string();
            if name == "_" {
                continue;
            }
            let clash = match self.names.get(&(name.clone(), is_macro)) {
                Some(_) if is_macro => Some(format!(
                    "`macro_rules! {name}` is defined twice in this `#[coroutine]` fn: the \
                     coroutine moves the items of its body to the top of the generated \
                     function (so that they stay visible across `.await`), where the second \
                     definition would replace the first everywhere. Rename one of them"
                )),
                Some(&other) if other != block => Some(format!(
                    "`{name}` is declared in two blocks of this `#[coroutine]` fn: the \
                     coroutine moves the items of its body to the top of the generated \
                     function (so that they stay visible across `.await`), where the two \
                     would collide. Rename one of them, or move it to module level"
                )),
                _ => None,
            };
            if let Some(message) = clash {
                let err = syn::Error::new(ident.span(), message);
                match &mut self.errors {
                    Some(all) => all.combine(err),
                    None => self.errors = Some(err),
                }
            } else {
                self.names.insert((name, is_macro), block);
            }
        }
    }
}

impl VisitMut for Hoister {
    // Copied whole, with the items inside them.
    fn visit_item_mut(&mut self, _: &mut Item) {}
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_expr_const_mut(&mut self, _: &mut syn::ExprConst) {}

    fn visit_block_mut(&mut self, block: &mut Block) {
        // Only a block that suspends is cut apart (after `check`, `yield_!` is an `.await`).
        // Asked only of a block with items: the question walks the whole block.
        if block.stmts.iter().any(|s| matches!(s, Stmt::Item(_)))
            && block.stmts.iter().any(stmt_has_await)
        {
            self.take_items(block);
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// The names `item` brings into scope (none for an `impl`, a glob import or a foreign block).
fn declared_names(item: &Item) -> Vec<&proc_macro2::Ident> {
    match item {
        Item::Const(i) => vec![&i.ident],
        Item::Enum(i) => vec![&i.ident],
        Item::ExternCrate(i) => vec![i.rename.as_ref().map_or(&i.ident, |(_, r)| r)],
        Item::Fn(i) => vec![&i.sig.ident],
        Item::Macro(i) => i.ident.iter().collect(),
        Item::Mod(i) => vec![&i.ident],
        Item::Static(i) => vec![&i.ident],
        Item::Struct(i) => vec![&i.ident],
        Item::Trait(i) => vec![&i.ident],
        Item::TraitAlias(i) => vec![&i.ident],
        Item::Type(i) => vec![&i.ident],
        Item::Union(i) => vec![&i.ident],
        Item::Use(i) => {
            let mut names = Vec::new();
            use_names(&i.tree, None, &mut names);
            names
        }
        _ => Vec::new(),
    }
}

/// The names a `use` tree imports; `parent` is the segment before a group, for `self`.
fn use_names<'a>(
    tree: &'a UseTree,
    parent: Option<&'a proc_macro2::Ident>,
    out: &mut Vec<&'a proc_macro2::Ident>,
) {
    match tree {
        UseTree::Path(p) => use_names(&p.tree, Some(&p.ident), out),
        UseTree::Name(n) if n.ident == "self" => out.extend(parent),
        UseTree::Name(n) => out.push(&n.ident),
        UseTree::Rename(r) => out.push(&r.rename),
        UseTree::Glob(_) => {}
        UseTree::Group(g) => {
            for tree in &g.items {
                use_names(tree, parent, out);
            }
        }
    }
}
