//! The questions the normalizer asks about an expression, without changing it: does it await
//! (also inside macro arguments), is it a control-flow construct, may it be read after a later
//! operand's await, what are its operands in evaluation order and which of them are only
//! borrowed. Other phases ask whether code awaits here too.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Expr, Macro, Stmt};

/// Macros whose arguments are comma-separated expressions evaluated in order: `vec!` and the
/// formatting and assertion family. An `.await` may appear in them.
pub(crate) const EXPRESSION_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "vec",
    "format_args",
    "dbg",
    "todo",
    "unimplemented",
    "unreachable",
];

/// Does `.await` appear in this expression, outside closures, `async` blocks and items?
pub(crate) fn has_await(expr: &Expr) -> bool {
    struct Find(bool);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_await(&mut self, _: &syn::ExprAwait) {
            self.0 = true;
        }
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
        fn visit_expr_closure(&mut self, _: &syn::ExprClosure) {}
        fn visit_item(&mut self, _: &syn::Item) {}
        fn visit_macro(&mut self, m: &Macro) {
            self.0 |= tokens_have_await(m.tokens.clone());
        }
    }
    let mut f = Find(false);
    syn::visit::visit_expr(&mut f, expr);
    f.0
}

pub(crate) fn stmt_has_await(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Local(l) => l.init.as_ref().is_some_and(|i| {
            has_await(&i.expr) || i.diverge.as_ref().is_some_and(|(_, e)| has_await(e))
        }),
        Stmt::Expr(e, _) => has_await(e),
        Stmt::Macro(m) => tokens_have_await(m.mac.tokens.clone()),
        Stmt::Item(_) => false,
    }
}

/// Does `.await` appear in a macro's input?
pub(crate) fn tokens_have_await(tokens: TokenStream) -> bool {
    let mut prev_dot = false;
    for tt in tokens {
        match &tt {
            TokenTree::Ident(i) if prev_dot && i == "await" => return true,
            TokenTree::Group(g) if tokens_have_await(g.stream()) => return true,
            _ => {}
        }
        prev_dot = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '.');
    }
    false
}

/// Constructs that carry control flow and are lowered as such when they contain an await.
pub(super) fn is_compound(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::If(_)
            | Expr::Match(_)
            | Expr::Block(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
    )
}

/// An operand that can be evaluated after a later operand's await without anyone noticing.
pub(super) fn is_deferrable(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Field(f) => is_deferrable(&f.base),
        Expr::Paren(p) => is_deferrable(&p.expr),
        Expr::Reference(r) => is_deferrable(&r.expr),
        _ => false,
    }
}

/// Does any identifier in `later` spell the root variable of the place `expr`?
pub(super) fn mentioned_in(expr: &Expr, later: &[&mut Expr]) -> bool {
    fn root(expr: &Expr) -> Option<String> {
        match expr {
            Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
            Expr::Field(f) => root(&f.base),
            Expr::Paren(p) => root(&p.expr),
            Expr::Reference(r) => root(&r.expr),
            _ => None,
        }
    }
    fn find(tokens: TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(i) => i == name,
            TokenTree::Group(g) => find(g.stream(), name),
            _ => false,
        })
    }
    let Some(name) = root(expr) else { return false };
    later.iter().any(|e| find(e.to_token_stream(), &name))
}

/// If `pre` is exactly one await and `value` is its result, returns the result's name.
pub(super) fn single_await(pre: &[Stmt], value: &Expr) -> Option<syn::Ident> {
    let [Stmt::Local(local)] = pre else {
        return None;
    };
    let syn::Pat::Ident(pat) = &local.pat else {
        return None;
    };
    let Expr::Path(p) = value else { return None };
    (p.path.get_ident() == Some(&pat.ident)).then(|| pat.ident.clone())
}

/// The sub-expressions of `expr` in the order rustc evaluates them.
pub(super) fn operands(expr: &mut Expr) -> Vec<&mut Expr> {
    match expr {
        Expr::Array(a) => a.elems.iter_mut().collect(),
        Expr::Tuple(t) => t.elems.iter_mut().collect(),
        Expr::Call(c) => std::iter::once(&mut *c.func)
            .chain(c.args.iter_mut())
            .collect(),
        Expr::MethodCall(m) => std::iter::once(&mut *m.receiver)
            .chain(m.args.iter_mut())
            .collect(),
        Expr::Binary(b) => vec![&mut *b.left, &mut *b.right],
        Expr::Assign(a) => vec![&mut *a.left, &mut *a.right],
        Expr::Index(i) => vec![&mut *i.expr, &mut *i.index],
        Expr::Unary(u) => vec![&mut *u.expr],
        Expr::Cast(c) => vec![&mut *c.expr],
        Expr::Field(f) => vec![&mut *f.base],
        Expr::Paren(p) => vec![&mut *p.expr],
        Expr::Group(g) => vec![&mut *g.expr],
        Expr::Reference(r) => vec![&mut *r.expr],
        Expr::Return(r) => r.expr.iter_mut().map(|e| &mut **e).collect(),
        Expr::Break(b) => b.expr.iter_mut().map(|e| &mut **e).collect(),
        Expr::Range(r) => r
            .start
            .iter_mut()
            .chain(r.end.iter_mut())
            .map(|e| &mut **e)
            .collect(),
        Expr::Repeat(r) => vec![&mut *r.expr],
        Expr::Struct(s) => s
            .fields
            .iter_mut()
            .map(|f| &mut f.expr)
            .chain(s.rest.iter_mut().map(|e| &mut **e))
            .collect(),
        _ => Vec::new(),
    }
}

/// For each of `operands(expr)`, is it only borrowed (or named) rather than taken by value?
pub(super) fn operands_by_ref(expr: &Expr) -> Vec<bool> {
    match expr {
        // The callee and the receiver (auto-referenced).
        Expr::Call(c) => std::iter::once(true)
            .chain(c.args.iter().map(|_| false))
            .collect(),
        Expr::MethodCall(m) => std::iter::once(true)
            .chain(m.args.iter().map(|_| false))
            .collect(),
        Expr::Binary(b) if is_comparison(&b.op) => vec![true, true],
        // A field read by arithmetic (`self.n + f().await`) is nearly always a `Copy` number:
        // read in place after the await, it is not a move of the variable, which a hoisted
        // `let __t = self.n;` would be (vars/collector/walk.rs reads a field operand of arithmetic
        // as a read, a `let` initialiser as a move).
        Expr::Binary(b) if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
            vec![is_field_read(&b.left), is_field_read(&b.right)]
        }
        Expr::Index(_) => vec![true, false],
        Expr::Field(_) | Expr::Paren(_) | Expr::Group(_) | Expr::Reference(_) => vec![true],
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => vec![true],
        _ => Vec::new(),
    }
}

/// `x.f`, `(x).f.g`: a field of a variable.
fn is_field_read(expr: &Expr) -> bool {
    fn rooted(expr: &Expr) -> bool {
        match expr {
            Expr::Path(p) => p.qself.is_none() && p.path.get_ident().is_some(),
            Expr::Field(f) => rooted(&f.base),
            Expr::Paren(p) => rooted(&p.expr),
            _ => false,
        }
    }
    matches!(expr, Expr::Field(f) if rooted(&f.base))
}

fn is_comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp as B;
    matches!(
        op,
        B::Eq(_) | B::Ne(_) | B::Lt(_) | B::Le(_) | B::Gt(_) | B::Ge(_)
    )
}

/// `MAX`, `None`, `Ordering::Less`, `i64::MAX`: a path that does not name a local variable.
pub(super) fn is_constant_path(expr: &Expr) -> bool {
    let Expr::Path(p) = expr else { return false };
    p.path.segments.len() > 1
        || p.path
            .segments
            .first()
            .is_some_and(|s| s.ident.to_string().starts_with(|c: char| c.is_uppercase()))
}

/// The `let` of a let-chain (`let P = e && …`), whose operands cannot be split apart.
pub(super) fn let_in_chain(chain: &syn::ExprBinary) -> Option<proc_macro2::Span> {
    [&*chain.left, &*chain.right]
        .into_iter()
        .find_map(|side| match side {
            Expr::Let(l) => Some(l.let_token.span),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => let_in_chain(b),
            _ => None,
        })
}

/// Can `e` be the receiver of a postfix operator (`e.await`) without parentheses?
pub(super) fn binds_tighter_than_postfix(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Path(_)
            | Expr::Call(_)
            | Expr::MethodCall(_)
            | Expr::Field(_)
            | Expr::Paren(_)
            | Expr::Macro(_)
            | Expr::Index(_)
            | Expr::Await(_)
            | Expr::Try(_)
            | Expr::Lit(_)
            | Expr::Tuple(_)
            | Expr::Array(_)
    )
}

/// `&x` / `&mut x` of a plain lower-case variable: a borrow of one of the coroutine's own
/// variables (a `static` would be upper-case). Not a temporary the rewrite made a local
/// (`&__tmp1`, see `Normalizer::hoist_borrowed`): whether a future may borrow that is rustc's
/// to decide, on the user's temporary, as it would without the rewrite.
pub(crate) fn borrowed_variable(expr: &Expr) -> Option<String> {
    let Expr::Reference(r) = expr else {
        return None;
    };
    let Expr::Path(p) = &*r.expr else {
        return None;
    };
    let ident = p.path.get_ident()?;
    let name = ident.to_string();
    let variable = name.starts_with(|c: char| c.is_lowercase() || c == '_');
    (p.qself.is_none() && variable && !is_hoisted_temporary(&name)).then_some(name)
}

/// Is `name` a local `hoist_borrowed` made of a borrowed temporary (`__tmp1`)?
pub(super) fn is_hoisted_temporary(name: &str) -> bool {
    name.strip_prefix("__tmp")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Does evaluating `expr` make a new value (a temporary when borrowed), rather than name a
/// place?
pub(super) fn creates_temporary(expr: &Expr) -> bool {
    match expr {
        Expr::Call(_) | Expr::MethodCall(_) | Expr::Struct(_) | Expr::Macro(_) | Expr::Array(_) => {
            true
        }
        Expr::Tuple(t) => !t.elems.is_empty(),
        Expr::Paren(p) => creates_temporary(&p.expr),
        _ => false,
    }
}

/// Does a `let` with this pattern leave part of its value unbound (`_`, `..`, a constant) and
/// bind nothing by reference? rustc drops such a part of a value expression at the end of the
/// statement, as a temporary; a `ref` binding extends the whole value to the end of the block.
pub(super) fn leaves_part_unbound(pat: &syn::Pat) -> bool {
    fn by_ref(pat: &syn::Pat) -> bool {
        struct Find(bool);
        impl syn::visit::Visit<'_> for Find {
            fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
                self.0 |= p.by_ref.is_some();
                syn::visit::visit_pat_ident(self, p);
            }
            fn visit_expr(&mut self, _: &Expr) {}
        }
        let mut f = Find(false);
        syn::visit::visit_pat(&mut f, pat);
        f.0
    }
    fn unbound(pat: &syn::Pat) -> bool {
        use syn::Pat;
        match pat {
            Pat::Wild(_) | Pat::Rest(_) | Pat::Lit(_) | Pat::Range(_) | Pat::Path(_) => true,
            // A binding takes the whole value; an upper-case name is a constant or unit struct.
            Pat::Ident(i) => {
                i.subpat.is_none() && i.ident.to_string().starts_with(|c: char| c.is_uppercase())
            }
            Pat::Type(t) => unbound(&t.pat),
            Pat::Paren(p) => unbound(&p.pat),
            Pat::Reference(r) => unbound(&r.pat),
            Pat::Tuple(t) => t.elems.iter().any(unbound),
            Pat::TupleStruct(t) => t.elems.iter().any(unbound),
            Pat::Slice(s) => s.elems.iter().any(unbound),
            Pat::Struct(s) => s.rest.is_some() || s.fields.iter().any(|f| unbound(&f.pat)),
            Pat::Or(o) => o.cases.iter().any(unbound),
            _ => false,
        }
    }
    unbound(pat) && !by_ref(pat)
}

/// A temporary that rustc cannot promote to a `'static` constant when it is borrowed: a
/// function or method call, `vec!` or `format!`, or a constructor, tuple, array or struct
/// literal holding one. (`&[1, 2]` and `&Some(3)` are promoted: a local of the macro's in their
/// place would be borrowed instead, for as long as the borrow is used.)
pub(super) fn surely_runtime_temporary(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(_) => true,
        Expr::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "vec" || s.ident == "format"),
        Expr::Call(c) => {
            let function =
                match &*c.func {
                    Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
                        !s.ident.to_string().starts_with(|c: char| c.is_uppercase())
                    }),
                    _ => true,
                };
            function || c.args.iter().any(surely_runtime_temporary)
        }
        Expr::Tuple(t) => t.elems.iter().any(surely_runtime_temporary),
        Expr::Array(a) => a.elems.iter().any(surely_runtime_temporary),
        Expr::Struct(s) => s.fields.iter().any(|f| surely_runtime_temporary(&f.expr)),
        Expr::Paren(p) => surely_runtime_temporary(&p.expr),
        _ => false,
    }
}

/// Does `expr` name no variable (local, parameter or `self`), outside the callee of a call?
/// A value made from none cannot borrow one (`LOCK.lock()`, `holder("t")`), so a local of the
/// statement can hold it across an await; one made from a variable may borrow it
/// (`m.lock()`), and a coroutine cannot keep such a borrow of a local across an await. The
/// arguments of a macro that are not expressions count as naming one.
pub(super) fn names_no_variable(expr: &Expr) -> bool {
    struct Find(bool);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_path(&mut self, p: &syn::ExprPath) {
            self.0 |= p.path.get_ident().is_some_and(|i| {
                i.to_string()
                    .starts_with(|c: char| c.is_lowercase() || c == '_')
            });
        }
        fn visit_expr_call(&mut self, c: &syn::ExprCall) {
            if !matches!(&*c.func, Expr::Path(_)) {
                self.visit_expr(&c.func);
            }
            c.args.iter().for_each(|a| self.visit_expr(a));
        }
        fn visit_macro(&mut self, m: &syn::Macro) {
            let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
            match m.parse_body_with(parser) {
                Ok(args) => args.iter().for_each(|a| self.visit_expr(a)),
                Err(_) => self.0 = true,
            }
        }
    }
    let mut f = Find(false);
    syn::visit::visit_expr(&mut f, expr);
    !f.0
}
