//! Small syn trees that the phases insert around the user's code, built directly.
//!
//! `syn::parse_quote!` would print the template (and the user's code inside it) and parse it
//! again; the macro runs as a debug build under `cargo check`, where parsing a 60-token
//! template costs as much as a whole phase. Each builder gives the tree `parse_quote!` would,
//! with every template token on `span` (`quote_spanned!`'s spans; `Span::call_site()` for
//! `quote!`'s, and for the builders that take no span).

use proc_macro2::{Ident, Span};
use syn::punctuated::Punctuated;
use syn::{Block, Expr, Local, LocalInit, Pat, Stmt, Token};

/// `::a::b::c`.
pub(crate) fn path(span: Span, segments: &[&str]) -> syn::Path {
    let mut path = syn::Path {
        leading_colon: Some(Token![::](span)),
        segments: Punctuated::new(),
    };
    for segment in segments {
        path.segments
            .push(syn::PathSegment::from(Ident::new(segment, span)));
    }
    path
}

/// `path` as an expression.
/// The names of `path`'s segments, `["std", "pin", "pin"]` for `std::pin::pin`: what the
/// phases match well-known paths (`Box::pin`, `panic!`, `pin!`) against.
pub(crate) fn segment_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

pub(crate) fn path_expr(path: syn::Path) -> Expr {
    Expr::Path(syn::ExprPath {
        attrs: vec![],
        qself: None,
        path,
    })
}

/// `func(args..)`.
pub(crate) fn call(span: Span, func: syn::Path, args: Vec<Expr>) -> Expr {
    Expr::Call(syn::ExprCall {
        attrs: vec![],
        func: Box::new(path_expr(func)),
        paren_token: syn::token::Paren(span),
        args: args.into_iter().collect(),
    })
}

/// The binding pattern `ident`.
pub(crate) fn ident_pat(ident: Ident) -> Pat {
    Pat::Ident(syn::PatIdent {
        attrs: vec![],
        by_ref: None,
        mutability: None,
        ident,
        subpat: None,
    })
}

/// `path(pat)`.
pub(crate) fn tuple_struct_pat(span: Span, path: syn::Path, pat: Pat) -> Pat {
    Pat::TupleStruct(syn::PatTupleStruct {
        attrs: vec![],
        qself: None,
        path,
        paren_token: syn::token::Paren(span),
        elems: std::iter::once(pat).collect(),
    })
}

/// `pat => body,`.
pub(crate) fn arm(span: Span, pat: Pat, body: Expr) -> syn::Arm {
    syn::Arm {
        attrs: vec![],
        pat,
        guard: None,
        fat_arrow_token: Token![=>](span),
        body: Box::new(body),
        comma: Some(Token![,](span)),
    }
}

/// `match scrutinee { arms }`.
pub(crate) fn match_expr(span: Span, scrutinee: Expr, arms: Vec<syn::Arm>) -> Expr {
    Expr::Match(syn::ExprMatch {
        attrs: vec![],
        match_token: Token![match](span),
        expr: Box::new(scrutinee),
        brace_token: syn::token::Brace(span),
        arms,
    })
}

/// The variable (or marker) `ident` as an expression, on its own span.
pub(crate) fn ident_expr(ident: &Ident) -> Expr {
    path_expr(ident.clone().into())
}

/// `let IDENT = init;` (`let mut` when `mutable`): the same tree as
/// `parse_quote!(let #ident = #init;)` without printing `init` and parsing it again, which in
/// the macro's debug build is a large share of its run time.
pub(crate) fn let_ident(mutable: bool, ident: &Ident, init: Expr) -> Stmt {
    let pat = syn::Pat::Ident(syn::PatIdent {
        attrs: vec![],
        by_ref: None,
        mutability: mutable.then(|| Token![mut](Span::call_site())),
        ident: ident.clone(),
        subpat: None,
    });
    let_pat(pat, init)
}

/// `let PAT = init;`.
pub(crate) fn let_pat(pat: syn::Pat, init: Expr) -> Stmt {
    Stmt::Local(Local {
        attrs: vec![],
        let_token: Token![let](Span::call_site()),
        pat,
        init: Some(LocalInit {
            eq_token: Token![=](Span::call_site()),
            expr: Box::new(init),
            diverge: None,
        }),
        semi_token: Token![;](Span::call_site()),
    })
}

/// `(e)`.
pub(crate) fn paren(expr: Expr) -> Expr {
    Expr::Paren(syn::ExprParen {
        attrs: vec![],
        paren_token: syn::token::Paren::default(),
        expr: Box::new(expr),
    })
}

/// `{ e }`: a block whose tail is `expr`.
pub(crate) fn tail_block(expr: Expr) -> Block {
    Block {
        brace_token: syn::token::Brace::default(),
        stmts: vec![Stmt::Expr(expr, None)],
    }
}

/// The block `block` as an expression.
pub(crate) fn block_expr(block: Block) -> Expr {
    Expr::Block(syn::ExprBlock {
        attrs: vec![],
        label: None,
        block,
    })
}

/// `{ pre; expr }`: `expr` preceded by the statements `pre`, as one expression (`expr` itself
/// when there are none).
pub(crate) fn preceded(pre: Vec<Stmt>, expr: Expr) -> Expr {
    if pre.is_empty() {
        return expr;
    }
    let mut stmts = pre;
    stmts.push(Stmt::Expr(expr, None));
    Expr::Block(syn::ExprBlock {
        attrs: vec![],
        label: None,
        block: Block {
            brace_token: syn::token::Brace::default(),
            stmts,
        },
    })
}

/// Whether `op` is a compound assignment (`+=`, `<<=`, ..): it writes its left operand.
pub(crate) fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp as B;
    matches!(
        op,
        B::AddAssign(_)
            | B::SubAssign(_)
            | B::MulAssign(_)
            | B::DivAssign(_)
            | B::RemAssign(_)
            | B::BitXorAssign(_)
            | B::BitAndAssign(_)
            | B::BitOrAssign(_)
            | B::ShlAssign(_)
            | B::ShrAssign(_)
    )
}
