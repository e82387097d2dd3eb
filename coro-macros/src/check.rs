//! Phase 2: reject what the lowering cannot express, and rewrite the three things whose meaning
//! changes once the body runs inside the step closure:
//!
//! - `self` becomes a hidden local (a closure cannot bind `self`);
//! - `return e` becomes `return Poll::Ready(e)` (the closure returns `Poll<T>`);
//! - `e?` becomes a `match` on `__private::Branch` that returns `Poll::Ready(residual)`.
//!
//! It also rewrites the generators' `yield_!`/`yield_from!` (check/generators.rs), and expands
//! `dbg!` and a message-less `assert!` around an `.await` itself, so the text they print is
//! the user's and not that of the temporary `normalize` hoists the await into
//! (check/printing.rs).
//!
//! Closures, `async` blocks and nested items keep their own `return`, `?` and `self`, so the
//! visitor does not rewrite inside them.

mod generators;
mod printing;

pub(crate) use generators::suspend_markers;
use generators::{find_yield_macro, suspend_macro};
use printing::{is_bare_assert_with_await, is_dbg_with_await, is_debug_assert_with_await};

use crate::kind::Kind;
use crate::names;
use crate::signature::Parsed;
use crate::syntax;
use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprPath, Item, Macro, Stmt, Token};

pub(crate) fn check(parsed: &Parsed, body: &mut Block) -> syn::Result<()> {
    let mut checker = Checker {
        name: parsed.sig.ident.to_string(),
        boxed: parsed.boxed,
        kind: Kind::of(parsed)?,
        output: parsed.output.clone(),
        output_tokens: None,
        recursion_reported: false,
        suspend_paths: Vec::new(),
        errors: None,
    };
    checker.visit_block_mut(body);
    // `yield_!(v)` is rewritten away, so a `use coro_core::yield_;` would look unused: invoke
    // each path once with the marker arm, which expands to nothing.
    for path in checker.suspend_paths.drain(..).rev() {
        body.stmts
            .insert(0, syn::parse_quote!(#path!(@__coro_used);));
    }
    match checker.errors {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

struct Checker {
    name: String,
    boxed: bool,
    kind: Kind,
    /// The declared return type, which `?` converts its residual into.
    output: syn::Type,
    /// `output` as tokens, and whether they name `impl` (see `output_tokens`).
    output_tokens: Option<(TokenStream, bool)>,
    /// One recursion error per function: `f(n - 1).await + f(n - 2).await` is one mistake.
    recursion_reported: bool,
    /// The paths `yield_!`/`yield_from!` were spelled with, one of each spelling.
    suspend_paths: Vec<syn::Path>,
    errors: Option<syn::Error>,
}

impl Checker {
    fn error(&mut self, err: syn::Error) {
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
        }
    }

    /// The declared output type as tokens, and whether they name `impl` (an `impl Trait` is
    /// no type a `?` can name in `<T as FromResidual<_>>`): printed on the first `?` and kept
    /// for the others.
    fn output_tokens(&mut self) -> &(TokenStream, bool) {
        let output = &self.output;
        self.output_tokens.get_or_insert_with(|| {
            let tokens = quote!(#output);
            let names_impl = mentions_ident(&tokens, "impl");
            (tokens, names_impl)
        })
    }

    fn is_self_call(&self, func: &Expr) -> bool {
        let Expr::Path(ExprPath {
            qself: None, path, ..
        }) = func
        else {
            return false;
        };
        let segs: Vec<_> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        match segs.as_slice() {
            [one] => *one == self.name,
            [ty, one] => ty == "Self" && *one == self.name,
            _ => false,
        }
    }
}

impl Checker {
    /// `Box::pin(f(..)) as T` (or `Box::new`, or `self.f(..)`) where `T` names a `dyn` type:
    /// a recursive call whose object is stored as a trait object.
    fn is_erased_self_call(&self, cast: &syn::ExprCast) -> bool {
        let ty = &cast.ty;
        if !mentions_ident(&quote!(#ty), "dyn") {
            return false;
        }
        let Expr::Call(boxing) = &*cast.expr else {
            return false;
        };
        let Expr::Path(func) = &*boxing.func else {
            return false;
        };
        let segs = crate::syntax::segment_names(&func.path);
        let boxes = matches!(
            segs.iter()
                .rev()
                .take(2)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice(),
            ["pin" | "new", "Box"]
        );
        if !boxes || boxing.args.len() != 1 {
            return false;
        }
        match &boxing.args[0] {
            Expr::Call(inner) => self.is_self_call(&inner.func),
            Expr::MethodCall(m) => {
                m.method == self.name
                    && matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"))
            }
            _ => false,
        }
    }

    /// A call of the function inside itself, where its object would contain itself: the
    /// fix that compiles for this kind of object.
    fn recursion_error(&self, span: proc_macro2::Span) -> syn::Error {
        let name = &self.name;
        let message = match &self.kind {
            Kind::Coroutine => format!(
                "recursive coroutine: `{name}` would contain itself. Use \
                 `#[coro_core::coroutine(boxed)]`, which returns a boxed coroutine so recursion \
                 has an indirection"
            ),
            kind => format!(
                "recursive generator: `{name}` would contain itself. Store the recursive call \
                 as a boxed trait object, whose size is known: `{}`",
                erased_call(name, kind, &self.output)
            ),
        };
        syn::Error::new(span, message)
    }
}

/// How a generator of `kind` boxes a recursive call of `name` so that it compiles (for a
/// coroutine, which the `boxed` option covers, the same box awaited).
fn erased_call(name: &str, kind: &Kind, output: &syn::Type) -> String {
    let tidy_output = tidy(&quote!(#output));
    let (object, delegate) = match kind {
        Kind::Generator {
            yield_ty,
            resume_ty,
        } => {
            let resume = if matches!(resume_ty, syn::Type::Tuple(t) if t.elems.is_empty()) {
                String::new()
            } else {
                format!("{}, ", tidy(&quote!(#resume_ty)))
            };
            let yield_ty = tidy(&quote!(#yield_ty));
            let object =
                format!("coro_core::Generator<{resume}Yield = {yield_ty}, Return = {tidy_output}>");
            (object, "yield_from!")
        }
        Kind::Stream { yield_ty } => {
            let object = format!("coro_core::Stream<Item = {}>", tidy(&quote!(#yield_ty)));
            (object, "yield_from!")
        }
        Kind::Coroutine => (format!("coro_core::Coroutine<Output = {tidy_output}>"), ""),
    };
    let boxed = format!("Box::pin({name}(..)) as Pin<Box<dyn {object} + '_>>");
    if delegate.is_empty() {
        format!("({boxed}).await")
    } else {
        format!("{delegate}({boxed})")
    }
}

/// A type as a user would write it: `Vec<u32>`, not `Vec < u32 >`.
fn tidy(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let prev = out.chars().last();
        let drop_space = c == ' '
            && (matches!(next, Some('<' | '>' | ',' | ')' | ':'))
                || matches!(prev, Some('<' | '(' | '&' | ':')));
        if !drop_space {
            out.push(c);
        }
    }
    out
}

fn mentions_ident(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => mentions_ident(&g.stream(), name),
        _ => false,
    })
}

/// Does `.await` appear in `expr` outside closures and `async` blocks?
pub(crate) fn has_await_in_closure(expr: &Expr) -> Option<proc_macro2::Span> {
    struct Find(Option<proc_macro2::Span>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_expr_await(&mut self, e: &syn::ExprAwait) {
            self.0.get_or_insert(e.await_token.span);
        }
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
        fn visit_item(&mut self, _: &Item) {}
    }
    let mut f = Find(None);
    syn::visit::visit_expr(&mut f, expr);
    f.0
}

impl VisitMut for Checker {
    fn visit_item_mut(&mut self, _: &mut Item) {}

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let user_self = postfix_base(expr).and_then(|base| match base {
            Expr::Path(p) if p.qself.is_none() && p.path.is_ident("self") => Some(p.path.span()),
            _ => None,
        });
        self.rewrite_expr(expr);
        if let (Some(span), Some(base)) = (user_self, postfix_base(expr)) {
            // Input: `self.1`. Output: `(__self).1`, the parentheses on the user's `self`.
            // The hidden name's hygiene is the macro's, the field's the user's, and rustc
            // cannot join spans of two contexts into one: `__self.1` would be reported as
            // `self` alone (and its suggestions edit `self`, as `self.to_string().1`). The
            // parentheses carry the user's context, so `(__self).1` spans `self.1`.
            let inner = std::mem::replace(base, Expr::Verbatim(TokenStream::new()));
            *base = Expr::Paren(syn::ExprParen {
                attrs: vec![],
                paren_token: syn::token::Paren(span),
                expr: Box::new(inner),
            });
        }
        // The lowering reads a field path rooted at a variable (`self.items.len()`,
        // `self.n + 1`) as a borrow or a copy, not a move, and knows it by that shape only:
        // there the field keeps the plain `__self`.
        match expr {
            Expr::MethodCall(m) => plain_self_field(&mut m.receiver),
            Expr::Binary(b) if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                plain_self_field(&mut b.left);
                plain_self_field(&mut b.right);
            }
            Expr::Unary(u) if !matches!(u.op, syn::UnOp::Deref(_)) => plain_self_field(&mut u.expr),
            Expr::Cast(c) => plain_self_field(&mut c.expr),
            _ => {}
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        // The arguments of `vec!` and the formatting family are ordinary expressions, which
        // `normalize` may cut apart at an `.await`: their `return`, `?` and `self` are the
        // coroutine's and get the same rewrites. Other macros only get `self` renamed.
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        if name.as_deref() == Some("vec") {
            if let Ok((mut elem, mut count)) = mac.parse_body_with(crate::normalize::vec_repeat) {
                self.visit_expr_mut(&mut elem);
                self.visit_expr_mut(&mut count);
                mac.tokens = quote!(#elem; #count);
                return;
            }
        }
        if name.is_some_and(|n| crate::normalize::EXPRESSION_MACROS.contains(&n.as_str())) {
            if let Ok(mut args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
            ) {
                for arg in &mut args {
                    self.visit_expr_mut(arg);
                }
                mac.tokens = quote!(#args);
                return;
            }
        }
        mac.tokens = rename_self_tokens(std::mem::take(&mut mac.tokens));
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt {
            if suspend_macro(&m.mac).is_some()
                || is_dbg_with_await(&m.mac)
                || is_bare_assert_with_await(&m.mac)
                || is_debug_assert_with_await(&m.mac).is_some()
            {
                // `yield_!(v);` as a statement: the same as the expression statement.
                let mut expr = Expr::Macro(syn::ExprMacro {
                    attrs: m.attrs.clone(),
                    mac: m.mac.clone(),
                });
                self.visit_expr_mut(&mut expr);
                *stmt = Stmt::Expr(expr, Some(m.semi_token.unwrap_or_default()));
                return;
            }
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }
}

impl Checker {
    fn rewrite_expr(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Async(a) => {
                let block = Expr::Block(syn::ExprBlock {
                    attrs: vec![],
                    label: None,
                    block: a.block.clone(),
                });
                if let Some(span) = find_yield_macro(&block) {
                    self.error(syn::Error::new(
                        span,
                        "`yield_!` inside an `async` block: the block is a separate future, not \
                         part of the generator. Move the `yield_!` out of it",
                    ));
                }
                // The block keeps its own `return`, `?` and `.await`; its `self` is ours.
                rename_self_everywhere(expr);
            }
            Expr::Macro(m) if is_dbg_with_await(&m.mac) => {
                // Unparsable arguments stay as they are: `normalize` reports them.
                if let Some(new) = self.dbg(&m.mac) {
                    *expr = new;
                }
            }
            Expr::Macro(m) if is_bare_assert_with_await(&m.mac) => {
                if let Some(new) = self.bare_assert(&m.mac) {
                    *expr = new;
                }
            }
            Expr::Macro(m) if is_debug_assert_with_await(&m.mac).is_some() => {
                if let Some(new) = self.debug_assert(&m.mac) {
                    *expr = new;
                }
            }
            Expr::Macro(m) if suspend_macro(&m.mac).is_some() => match self.suspend(&m.mac) {
                Ok(mut new) => {
                    self.visit_expr_mut(&mut new);
                    *expr = new;
                }
                Err(err) => self.error(err),
            },
            Expr::Closure(c) => {
                if let Some(span) = find_yield_macro(&c.body) {
                    self.error(syn::Error::new(
                        span,
                        "`yield_!` inside a closure: the closure is not part of the generator's \
                         state machine. Move the `yield_!` out of the closure",
                    ));
                }
                if c.asyncness.is_none() {
                    if let Some(span) = has_await_in_closure(&c.body) {
                        self.error(syn::Error::new(
                            span,
                            "`.await` inside a closure: the closure is not part of the \
                             coroutine's state machine. Use an `async` block or closure, or \
                             move the `.await` out of the closure",
                        ));
                    }
                }
                // Only `self` is renamed inside closures: `return` and `?` belong to them.
                rename_self_everywhere(&mut c.body);
            }
            Expr::Path(p) if p.qself.is_none() && p.path.is_ident("self") => {
                *expr = Expr::Path(ExprPath {
                    attrs: p.attrs.clone(),
                    qself: None,
                    path: self_at(p.path.span()).into(),
                });
            }
            Expr::Return(r) => {
                visit_mut::visit_expr_return_mut(self, r);
                let span = r.return_token.span;
                let value = r.expr.take().map_or_else(|| quote!(()), |e| quote!(#e));
                // The wrapper's tokens take the `return`'s span, so a type mismatch is reported
                // on the user's `return`, not on the attribute.
                let complete = self.kind.complete_at(wrapper_span(span), &value);
                *expr = syn::parse_quote_spanned! {span=> return #complete };
            }
            Expr::Try(t) => {
                visit_mut::visit_expr_try_mut(self, t);
                let span = t.question_token.span;
                let (v, r) = (names::hidden("__ok"), names::hidden("__residual"));
                // Naming the output type, spanned on the `?`, puts a wrong return type's error
                // on the `?`. `<impl Trait as ..>` is not an expression: infer it then.
                let (output, names_impl) = self.output_tokens();
                let convert = if *names_impl {
                    quote!(::coro_core::__private::FromResidual::from_residual(#r))
                } else {
                    let output = respan(output.clone(), span);
                    quote_spanned!(span=> <#output as ::coro_core::__private::FromResidual<_>>::from_residual(#r))
                };
                let complete = self.kind.complete_at(wrapper_span(span), &convert);
                // Input: `inner?`.
                // Output: `match Branch::branch(operand(inner)) { Continue(__ok) => __ok,
                // Break(__residual) => return <complete>, }`, built as a tree around `inner`
                // (see `syntax`). The `return`'s value holds no user code, so later phases
                // need not look inside it: it stays tokens.
                let private = |name: &str, item: &str| {
                    syntax::path(span, &["coro_core", "__private", name, item])
                };
                let scrutinee = syntax::call(
                    span,
                    private("Branch", "branch"),
                    vec![syntax::call(
                        span,
                        syntax::path(span, &["coro_core", "__private", "operand"]),
                        vec![std::mem::replace(
                            &mut *t.expr,
                            Expr::Verbatim(TokenStream::new()),
                        )],
                    )],
                );
                let ret = Expr::Return(syn::ExprReturn {
                    attrs: vec![],
                    return_token: Token![return](span),
                    expr: Some(Box::new(Expr::Verbatim(complete))),
                });
                let arms = vec![
                    syntax::arm(
                        span,
                        syntax::tuple_struct_pat(
                            span,
                            private("ControlFlow", "Continue"),
                            syntax::ident_pat(v.clone()),
                        ),
                        syntax::ident_expr(&v),
                    ),
                    syntax::arm(
                        span,
                        syntax::tuple_struct_pat(
                            span,
                            private("ControlFlow", "Break"),
                            syntax::ident_pat(r),
                        ),
                        ret,
                    ),
                ];
                *expr = syntax::match_expr(span, scrutinee, arms);
            }
            Expr::Yield(y) => self.error(syn::Error::new(
                y.yield_token.span,
                "`yield` cannot be used in a `#[coroutine]` fn (rustc rejects it before the \
                 attribute runs): write `coro_core::yield_!(value)` in a \
                 `#[coro_core::coroutine(yield = Type)]` fn",
            )),
            Expr::Unsafe(u)
                if has_await_in_closure(&Expr::Block(syn::ExprBlock {
                    attrs: vec![],
                    label: None,
                    block: u.block.clone(),
                }))
                .is_some() =>
            {
                self.error(syn::Error::new(
                    u.unsafe_token.span,
                    "`.await` inside an `unsafe` block is not supported: keep the `unsafe` \
                     block to the operation that needs it and `.await` outside it",
                ));
            }
            Expr::Cast(c) if self.is_erased_self_call(c) => {
                // `Box::pin(f(..)) as Pin<Box<dyn ..>>`: the object stores a trait object, not
                // its own type, so the recursion has an indirection of known size. Only the
                // call's arguments are checked; rustc still rejects a cast that does not erase.
                if let Expr::Call(boxing) = &mut *c.expr {
                    match boxing.args.first_mut() {
                        Some(Expr::Call(inner)) => {
                            for arg in &mut inner.args {
                                self.visit_expr_mut(arg);
                            }
                        }
                        Some(Expr::MethodCall(inner)) => {
                            self.visit_expr_mut(&mut inner.receiver);
                            for arg in &mut inner.args {
                                self.visit_expr_mut(arg);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Expr::Call(c) if !self.boxed && self.is_self_call(&c.func) => {
                visit_mut::visit_expr_call_mut(self, c);
                if std::mem::replace(&mut self.recursion_reported, true) {
                    return;
                }
                let err = self.recursion_error(c.func.span());
                self.error(err);
            }
            Expr::MethodCall(m)
                if !self.boxed
                    && m.method == self.name
                    && matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) =>
            {
                if std::mem::replace(&mut self.recursion_reported, true) {
                    visit_mut::visit_expr_mut(self, expr);
                    return;
                }
                let err = self.recursion_error(m.method.span());
                self.error(err);
                visit_mut::visit_expr_mut(self, expr);
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }
}

/// `(__self).a.b` → `__self.a.b` (see `visit_expr_mut`).
fn plain_self_field(expr: &mut Expr) {
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
fn postfix_base(expr: &mut Expr) -> Option<&mut Expr> {
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
fn self_at(user: proc_macro2::Span) -> Ident {
    let mut id = names::self_var();
    id.set_span(id.span().located_at(user));
    id
}

/// Renames `self` inside a closure body (which keeps its own `return` and `?`).
fn rename_self_everywhere(expr: &mut Expr) {
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
fn rename_self_tokens(tokens: TokenStream) -> TokenStream {
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

/// Where the tokens the macro wraps around a user's `return` or `?` go: at that token, with
/// the hygiene of the macro's own (`quote!`'s) tokens, as [`respan`] would move them.
fn wrapper_span(user: proc_macro2::Span) -> proc_macro2::Span {
    proc_macro2::Span::call_site().located_at(user)
}

/// `tokens` with every span moved to `span` (keeping each token's hygiene).
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(g) = &tt {
                let mut ng = Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(g.span().located_at(span));
                return TokenTree::Group(ng);
            }
            tt.set_span(tt.span().located_at(span));
            tt
        })
        .collect()
}
