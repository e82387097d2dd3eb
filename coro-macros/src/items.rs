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
//! Moving an item must not change what any name means, so a block's items move only together
//! and only when (see `Hoister::movable`):
//!
//! - in a nested block, no name they declare is spelled anywhere in the function outside that
//!   block (an outer local, a second item of that name, a use of a module-level item of that
//!   name would each resolve differently once the item is visible everywhere);
//! - a `macro_rules!` (textually scoped, and resolving the locals its body names where it is
//!   defined) is the only definition of its name, its name is spelled nowhere before it or
//!   outside its block, and its body names no binding of the function (nor `self`).
//!
//! Otherwise the block keeps its items, as it would without the coroutine, and an item is then
//! out of reach across an `.await` from it (another arm): a use there is a spanned error asking
//! for a rename (`Hoister::check_out_of_reach`).

use crate::normalize::stmt_has_await;
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::HashMap;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Item, Stmt, UseTree};

/// Removes the items to move from `body` and returns them, in source order; an error for an
/// item that cannot move although its block uses it after an `.await`.
pub(crate) fn hoist(body: &mut Block, sig: &syn::Signature) -> syn::Result<Vec<Item>> {
    // Most bodies declare no item: spare them the walks below (printing the body to count its
    // identifiers is, in a debug-built proc macro, most of this phase's cost).
    if !declares_items(body) {
        return Ok(Vec::new());
    }
    let mut bindings = Bindings(vec![
        "self".to_owned(),
        crate::names::self_var().to_string(),
    ]);
    for input in &sig.inputs {
        bindings.visit_fn_arg(input);
    }
    bindings.visit_block(body);
    let mut macros = HashMap::new();
    for stmt in &body.stmts {
        count_macro_definitions(stmt, &mut macros);
    }
    let mut hoister = Hoister {
        items: Vec::new(),
        everywhere: ident_counts(body.to_token_stream()),
        bindings: bindings.0,
        macros,
        errors: None,
    };
    hoister.take_items(body, true);
    visit_mut::visit_block_mut(&mut hoister, body);
    match hoister.errors {
        Some(err) => Err(err),
        None => Ok(hoister.items),
    }
}

struct Hoister {
    items: Vec<Item>,
    /// How often each identifier is spelled in the whole body.
    everywhere: HashMap<String, usize>,
    /// The names the function binds: its parameters and every pattern of its body.
    bindings: Vec<String>,
    /// How many `macro_rules!` define each name, anywhere in the body.
    macros: HashMap<String, usize>,
    errors: Option<syn::Error>,
}

impl Hoister {
    /// Moves `block`'s own items (not those of blocks inside it) to `self.items` when all of
    /// them can move; `top` is the function's own block.
    fn take_items(&mut self, block: &mut Block, top: bool) {
        if !block.stmts.iter().any(|s| matches!(s, Stmt::Item(_))) {
            return;
        }
        if let Err((ident, at)) = self.movable(block, top) {
            self.check_out_of_reach(block, &ident, at);
            return;
        }
        for stmt in std::mem::take(&mut block.stmts) {
            match stmt {
                Stmt::Item(item) => self.items.push(item),
                other => block.stmts.push(other),
            }
        }
    }

    /// `Ok` if moving `block`'s items to the function's top changes no name's meaning (see the
    /// module docs); otherwise the first name that stops them, with its statement's index.
    fn movable(&self, block: &Block, top: bool) -> Result<(), (proc_macro2::Ident, usize)> {
        let inside = ident_counts(block.to_token_stream());
        for (i, stmt) in block.stmts.iter().enumerate() {
            let Stmt::Item(item) = stmt else { continue };
            for ident in declared_names(item) {
                let name = ident.to_string();
                if name == "_" {
                    continue;
                }
                let outside = self.everywhere.get(&name) != inside.get(&name);
                let stays = if let Item::Macro(m) = item
                    && m.ident.is_some()
                {
                    let before: TokenStream = block.stmts[..i]
                        .iter()
                        .map(ToTokens::to_token_stream)
                        .collect();
                    outside
                        || self.macros.get(&name).copied().unwrap_or(0) != 1
                        || ident_counts(before).contains_key(&name)
                        || free_idents(m.mac.tokens.clone())
                            .iter()
                            .any(|k| self.bindings.contains(k))
                } else {
                    !top && outside
                };
                if stays {
                    return Err((ident.clone(), i));
                }
            }
        }
        Ok(())
    }

    /// A block that keeps its items: an error if `ident` (the name that stopped them, declared
    /// by statement `at`) is spelled across an `.await` from its declaration, where the lowering
    /// puts it in another arm, out of the item's reach. Not for a `macro_rules!` defined more
    /// than once: a later spelling may be the later definition's.
    fn check_out_of_reach(&mut self, block: &Block, ident: &proc_macro2::Ident, at: usize) {
        let name = ident.to_string();
        if self.macros.get(&name).copied().unwrap_or(0) > 1 {
            return;
        }
        let awaits: Vec<usize> = (0..block.stmts.len())
            .filter(|&j| stmt_has_await(&block.stmts[j]))
            .collect();
        let after = awaits
            .iter()
            .find(|&&j| j >= at)
            .map_or(block.stmts.len(), |&j| j + 1);
        let before = awaits.iter().rev().find(|&&j| j < at).map_or(0, |&j| j + 1);
        let elsewhere: TokenStream = block.stmts[after..]
            .iter()
            .chain(&block.stmts[..before])
            .map(ToTokens::to_token_stream)
            .collect();
        if !ident_counts(elsewhere).contains_key(&name) {
            return;
        }
        let err = syn::Error::new(
            ident.span(),
            format!(
                "`{ident}` is used across an `.await` from where it is declared, so the \
                 coroutine would have to move this block's items to the top of the generated \
                 function (each stretch between awaits becomes code of its own); it cannot, \
                 because that would change what a name means: `{ident}` is also spelled \
                 elsewhere in the function (an outer local, another item, or a use before its \
                 `macro_rules!`), or a `macro_rules!` here names a local or `self`. Rename it, \
                 move the item to module level, or (for a macro) pass the local as an argument"
            ),
        );
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
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
            self.take_items(block, false);
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// The names patterns bind, in the signature and the body (closures' too: conservative).
struct Bindings(Vec<String>);

impl Visit<'_> for Bindings {
    fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
        self.0.push(p.ident.to_string());
        syn::visit::visit_pat_ident(self, p);
    }
}

/// Does any block of `body` (closures' and `async` blocks' included) declare an item?
///
/// Also turns each `thread_local! { .. }` statement into the item it is: syn parses a macro
/// call in statement position as a statement, but this one declares statics (the only
/// item-declaring macro of std that a body uses), and left in one arm they would be out of
/// reach after an `.await`.
fn declares_items(body: &mut Block) -> bool {
    struct Find(bool);
    impl VisitMut for Find {
        fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
            if let Stmt::Macro(m) = stmt
                && m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "thread_local")
            {
                let Stmt::Macro(m) =
                    std::mem::replace(stmt, Stmt::Expr(syn::parse_quote!(()), None))
                else {
                    unreachable!("matched above")
                };
                *stmt = Stmt::Item(Item::Macro(syn::ItemMacro {
                    attrs: m.attrs,
                    ident: None,
                    mac: m.mac,
                    semi_token: m.semi_token,
                }));
            }
            if matches!(stmt, Stmt::Item(_)) {
                self.0 = true;
            } else {
                visit_mut::visit_stmt_mut(self, stmt);
            }
        }
    }
    let mut find = Find(false);
    find.visit_block_mut(body);
    find.0
}

/// Counts the `macro_rules!` definitions in `stmt` by name, at any depth.
fn count_macro_definitions(stmt: &Stmt, out: &mut HashMap<String, usize>) {
    struct Count<'a>(&'a mut HashMap<String, usize>);
    impl Visit<'_> for Count<'_> {
        fn visit_item_macro(&mut self, m: &syn::ItemMacro) {
            if let Some(ident) = &m.ident {
                *self.0.entry(ident.to_string()).or_default() += 1;
            }
        }
    }
    Count(out).visit_stmt(stmt);
}

/// The identifiers of a `macro_rules!` body other than its metavariables (`$x`, `$x:ident`):
/// the names it resolves where it is defined.
fn free_idents(tokens: TokenStream) -> Vec<String> {
    fn walk(tokens: TokenStream, out: &mut Vec<String>) {
        let mut after_dollar = false;
        for tt in tokens {
            match &tt {
                TokenTree::Ident(i) if !after_dollar => out.push(i.to_string()),
                TokenTree::Group(g) => walk(g.stream(), out),
                _ => {}
            }
            after_dollar = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '$');
        }
    }
    let mut out = Vec::new();
    walk(tokens, &mut out);
    out
}

/// How often each identifier is spelled in `tokens`, inside groups too.
fn ident_counts(tokens: TokenStream) -> HashMap<String, usize> {
    fn walk(tokens: TokenStream, out: &mut HashMap<String, usize>) {
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => *out.entry(i.to_string()).or_default() += 1,
                TokenTree::Group(g) => walk(g.stream(), out),
                _ => {}
            }
        }
    }
    let mut out = HashMap::new();
    walk(tokens, &mut out);
    out
}

/// The names `item` brings into scope (none for an `impl`, a glob import or a foreign block).
fn declared_names(item: &Item) -> Vec<proc_macro2::Ident> {
    if let Item::Macro(m) = item
        && m.ident.is_none()
    {
        return thread_local_names(m.mac.tokens.clone());
    }
    borrowed_names(item).into_iter().cloned().collect()
}

/// The statics a `thread_local!` declares: each identifier after the keyword `static` (not
/// after the lifetime `'static`, as in `Cell<&'static str>`, which is a `'` then `static`).
fn thread_local_names(tokens: TokenStream) -> Vec<proc_macro2::Ident> {
    let mut names = Vec::new();
    let mut after_static = false;
    let mut after_quote = false;
    for tt in tokens {
        if let TokenTree::Ident(i) = &tt {
            if after_static {
                names.push(i.clone());
            }
            after_static = i == "static" && !after_quote;
        } else {
            after_static = false;
        }
        after_quote = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '\'');
    }
    names
}

fn borrowed_names(item: &Item) -> Vec<&proc_macro2::Ident> {
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
