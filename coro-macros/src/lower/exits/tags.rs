//! The tags that name an exit in both the analysis and the marker (see exits.rs):
//! `#[__coro_exit(N)]` on a `break`/`continue` of a copy of the construct that is lowered,
//! with `Lowerer::exits[N]` saying what the jump sets.

use crate::lower::Lowerer;
use crate::vars::VarId;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Stmt};

/// The attribute that tags an exit; never printed: the marker takes it off (`take_tags`).
const TAG: &str = "__coro_exit";

impl Lowerer {
    /// Tags each labelled `break`/`continue` of `e` that leaves it (a label defined inside `e`
    /// is not left) for a loop or labelled block that became states, which the marker turns
    /// into a jump, with a new entry of `exits`, empty until `note_exit_ways` fills it.
    pub(in crate::lower) fn tag_exits(&mut self, e: &mut Expr) {
        self.tagger(false).visit_expr_mut(e);
    }

    /// `tag_exits` for the body of a loop that became states, with its own unlabelled
    /// `break`s and `continue`s (not those of a loop inside it).
    pub(super) fn tag_loop_body(&mut self, body: &mut syn::Block) {
        self.tagger(true).visit_block_mut(body);
    }

    /// `tag_exits` for the body of a labelled block.
    pub(super) fn tag_block(&mut self, body: &mut syn::Block) {
        self.tagger(false).visit_block_mut(body);
    }

    /// `tag_exits` for a statement.
    pub(in crate::lower) fn tag_exits_stmt(&mut self, s: &mut Stmt) {
        self.tagger(false).visit_stmt_mut(s);
    }

    fn tagger(&mut self, unlabelled: bool) -> Tagger<'_> {
        // Only exits aimed at a construct made of states, which the marker turns into jumps:
        // one anywhere else (a `match` guard is not marked) would be printed with its tag.
        let jumps = self
            .targets
            .iter()
            .filter_map(|t| t.label.clone())
            .flat_map(|l| [(l.clone(), false), (l, true)])
            .filter(|(l, is_continue)| self.resolve(Some(l), *is_continue).is_some())
            .collect();
        Tagger {
            exits: &mut self.exits,
            jumps,
            inner: Vec::new(),
            unlabelled,
            loops: 0,
        }
    }
}

/// The tags on a `break`/`continue`, removed from its attributes.
pub(in crate::lower) fn take_tags(attrs: &mut Vec<Attribute>) -> Vec<usize> {
    let mut tags = Vec::new();
    attrs.retain(|a| match tag_of(a) {
        Some(t) => {
            tags.push(t);
            false
        }
        None => true,
    });
    tags
}

fn tag_of(a: &Attribute) -> Option<usize> {
    if !a.path().is_ident(TAG) {
        return None;
    }
    a.parse_args::<syn::LitInt>().ok()?.base10_parse().ok()
}
/// Where to look for tagged exits.
pub(super) enum ExitsIn<'a> {
    Expr(&'a Expr),
    Stmt(&'a Stmt),
}

/// The tagged exits of `within`: (tag, label, is `continue`), in source order. (Only exits
/// that leave the construct they were tagged for carry a tag, so each leaves any part of it
/// too.)
pub(super) fn tagged_exits(within: &ExitsIn<'_>) -> Vec<(usize, Option<String>, bool)> {
    let mut f = Finder(Vec::new());
    match within {
        ExitsIn::Expr(e) => f.visit_expr(e),
        ExitsIn::Stmt(s) => f.visit_stmt(s),
    }
    f.0
}

/// A label a labelled construct defines, if any.
fn defined_label(e: &Expr) -> Option<String> {
    let label = match e {
        Expr::Loop(l) => l.label.as_ref(),
        Expr::While(w) => w.label.as_ref(),
        Expr::ForLoop(f) => f.label.as_ref(),
        Expr::Block(b) => b.label.as_ref(),
        _ => None,
    };
    label.map(|l| l.name.ident.to_string())
}

/// The label a `break`/`continue` names, whether it is a `continue`, and its attributes.
fn exit_of(e: &mut Expr) -> Option<(Option<String>, bool, &mut Vec<Attribute>)> {
    let label = |l: &Option<syn::Lifetime>| l.as_ref().map(|l| l.ident.to_string());
    match e {
        Expr::Break(b) => Some((label(&b.label), false, &mut b.attrs)),
        Expr::Continue(c) => Some((label(&c.label), true, &mut c.attrs)),
        _ => None,
    }
}

struct Finder(Vec<(usize, Option<String>, bool)>);

impl<'ast> Visit<'ast> for Finder {
    fn visit_expr(&mut self, e: &'ast Expr) {
        let (label, is_continue, attrs) = match e {
            Expr::Break(b) => (&b.label, false, &b.attrs),
            Expr::Continue(c) => (&c.label, true, &c.attrs),
            _ => return syn::visit::visit_expr(self, e),
        };
        let label = label.as_ref().map(|l| l.ident.to_string());
        for tag in attrs.iter().filter_map(tag_of) {
            self.0.push((tag, label.clone(), is_continue));
        }
        syn::visit::visit_expr(self, e);
    }
    // The marker leaves these alone: their jumps are not the coroutine's.
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

struct Tagger<'a> {
    exits: &'a mut Vec<Vec<(VarId, bool)>>,
    /// The labels (with whether for `continue`) that name a construct made of states.
    jumps: Vec<(String, bool)>,
    /// Labels defined inside what is being tagged.
    inner: Vec<String>,
    /// Whether to tag an unlabelled `break`/`continue` too (the body of a loop being tagged),
    /// and how many loops inside it enclose the expression (then it is that loop's).
    unlabelled: bool,
    loops: usize,
}

impl VisitMut for Tagger<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        let (inner, loops, unlabelled) = (&self.inner, self.loops, self.unlabelled);
        let jumps = &self.jumps;
        if let Some((label, is_continue, attrs)) = exit_of(e) {
            let leaves = match label {
                Some(l) => !inner.contains(&l) && jumps.contains(&(l, is_continue)),
                None => unlabelled && loops == 0,
            };
            if leaves {
                let tag = self.exits.len();
                let tag_name = crate::names::hidden(TAG);
                attrs.push(syn::parse_quote!(#[#tag_name(#tag)]));
                self.exits.push(Vec::new());
            }
        }
        let label = defined_label(e);
        let defines = label.is_some();
        let is_loop = matches!(e, Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_));
        self.inner.extend(label);
        self.loops += usize::from(is_loop);
        syn::visit_mut::visit_expr_mut(self, e);
        self.loops -= usize::from(is_loop);
        if defines {
            self.inner.pop();
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
