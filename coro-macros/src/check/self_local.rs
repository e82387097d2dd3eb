//! `self` as a hidden local: the step closure cannot bind `self`, so the body's `self` becomes
//! the macro's own local, located at the user's token, in closures, `async` blocks and macro
//! input too (where `return` and `?` keep their meaning). A field path rooted at it keeps the
//! shape the lowering reads as a borrow or a copy.

use crate::names;
use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprPath, Item, Macro};

/// `(__self).a.b` → `__self.a.b` (see `visit_expr_mut`).
pub(super) fn plain_self_field(expr: &mut Expr) {
    let Expr::Field(field) = expr else { return };
    if let Expr::Paren(p) = &mut *field.base {
        if matches!(&*p.expr, Expr::Path(path) if path.path.is_ident("__self")) {
            let inner = std::mem::replace(&mut *p.expr, Expr::Verbatim(TokenStream::new()));
            *field.base = inner;
        }
        return;
    }
    plain_self_field(&mut field.base);
}

/// The operand a postfix expression (`e.f`, `e.m()`, `e[i]`, `e.await`) is applied to.
pub(super) fn postfix_base(expr: &mut Expr) -> Option<&mut Expr> {
    match expr {
        Expr::Field(f) => Some(&mut *f.base),
        Expr::MethodCall(m) => Some(&mut *m.receiver),
        Expr::Index(i) => Some(&mut *i.expr),
        Expr::Await(a) => Some(&mut *a.base),
        _ => None,
    }
}

/// The renamed `self`, resolving as the macro's binding does but located at the user's `self`,
/// so rustc's errors about it (a borrow checker error on a `&mut self` reborrowed across an
/// await) point at the user's code.
pub(super) fn self_at(user: proc_macro2::Span) -> Ident {
    let mut id = names::self_var();
    id.set_span(id.span().located_at(user));
    id
}

/// Renames `self` inside a closure body (which keeps its own `return` and `?`).
pub(super) fn rename_self_everywhere(expr: &mut Expr) {
    struct Rename;
    impl VisitMut for Rename {
        fn visit_item_mut(&mut self, _: &mut Item) {}
        fn visit_expr_path_mut(&mut self, p: &mut ExprPath) {
            if p.qself.is_none() && p.path.is_ident("self") {
                p.path = self_at(p.path.span()).into();
            }
        }
        fn visit_macro_mut(&mut self, mac: &mut Macro) {
            mac.tokens = rename_self_tokens(std::mem::take(&mut mac.tokens));
        }
    }
    Rename.visit_expr_mut(expr);
}

/// Renames `self` tokens inside a macro's input, except `self::path` and `self` after `::`.
pub(super) fn rename_self_tokens(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    for (i, tt) in trees.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "self" => {
                let path_next =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                let path_prev =
                    i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':');
                if path_next || path_prev {
                    out.push(tt.clone());
                } else {
                    out.push(TokenTree::Ident(self_at(tt.span())));
                }
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), rename_self_tokens(g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            other => out.push(other.clone()),
        }
    }
    out.into_iter().collect()
}
