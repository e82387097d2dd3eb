//! What a binding certainly is, read from syntax alone (no types): a `Copy` or owned type, a
//! freshly built value, a borrow rooted at another local, `ref` bindings; and the user's code
//! as text for the errors about such borrows. Separate from the use collector: these are
//! questions about one declaration, asked once where it is lowered.

use proc_macro2::{Ident, TokenStream};
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

/// Is `ty` certainly `Copy` whatever the rest of the program says: primitives, shared
/// references, raw and function pointers, and tuples and arrays of those.
pub(crate) fn surely_copy(ty: &syn::Type) -> bool {
    use syn::Type;
    const PRIMITIVES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64", "bool", "char",
    ];
    match ty {
        Type::Path(p) => {
            p.qself.is_none()
                && p.path
                    .get_ident()
                    .is_some_and(|i| PRIMITIVES.contains(&i.to_string().as_str()))
        }
        Type::Reference(r) => r.mutability.is_none(),
        Type::Ptr(_) | Type::BareFn(_) | Type::Never(_) => true,
        Type::Tuple(t) => t.elems.iter().all(surely_copy),
        Type::Array(a) => surely_copy(&a.elem),
        Type::Paren(p) => surely_copy(&p.elem),
        Type::Group(g) => surely_copy(&g.elem),
        _ => false,
    }
}

/// A `let` that binds one variable to a certainly `Copy` value: declared with such a type, or
/// initialised with a literal.
pub(crate) fn surely_copy_let(local: &syn::Local) -> bool {
    let literal = |e: &Expr| match e {
        Expr::Lit(_) => true,
        Expr::Unary(u) => matches!(&*u.expr, Expr::Lit(_)),
        _ => false,
    };
    match &local.pat {
        Pat::Type(t) => {
            matches!(&*t.pat, Pat::Ident(i) if i.subpat.is_none()) && surely_copy(&t.ty)
        }
        Pat::Ident(i) if i.subpat.is_none() => {
            local.init.as_ref().is_some_and(|init| literal(&init.expr))
        }
        _ => false,
    }
}

/// Is `ty` certainly an owned type (no reference inside at the top): a path that is not one
/// of the function's type parameters (`generics`), or an array or tuple of such.
pub(crate) fn surely_owned(ty: &syn::Type, generics: &[Ident]) -> bool {
    use syn::Type;
    match ty {
        Type::Path(p) => {
            p.qself.is_none()
                && !p.path.get_ident().is_some_and(|i| generics.contains(i))
                && p.path.segments.iter().all(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().all(|g| match g {
                        syn::GenericArgument::Type(t) => surely_owned(t, generics),
                        syn::GenericArgument::Lifetime(_) => false,
                        _ => true,
                    }),
                    syn::PathArguments::None => true,
                    syn::PathArguments::Parenthesized(_) => false,
                })
        }
        Type::Tuple(t) => t.elems.iter().all(|t| surely_owned(t, generics)),
        Type::Array(a) => surely_owned(&a.elem, generics),
        Type::Paren(p) => surely_owned(&p.elem, generics),
        _ => false,
    }
}

/// Is `init` certainly a freshly built value, not a reference: `vec![..]`/`format!(..)`, a
/// struct, array or tuple literal, `T::new(..)`/`from`/`with_capacity`/`default`, a tuple
/// struct or variant, or a call chain ending in `.to_owned()`/`.to_string()`/`.to_vec()`/
/// `.collect()`/`.clone()`? (Borrowing such a variable borrows the coroutine's own storage.)
pub(crate) fn fresh_value(init: &Expr) -> bool {
    match init {
        Expr::Macro(m) => m
            .mac
            .path
            .get_ident()
            .is_some_and(|i| i == "vec" || i == "format"),
        Expr::Struct(_) => true,
        Expr::Array(a) => a.elems.iter().all(fresh_value),
        Expr::Tuple(t) => t.elems.iter().all(fresh_value),
        // `T::new(..)` and friends, or a tuple struct or variant (`Some(..)`, `Wrapper(..)`):
        // a value, not a reference.
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            (p.path.segments.len() >= 2
                && ["new", "from", "with_capacity", "default"].contains(&name.as_str()))
                || name.starts_with(|c: char| c.is_ascii_uppercase())
        })),
        Expr::MethodCall(m) => ["to_owned", "to_string", "to_vec", "collect", "clone"]
            .contains(&m.method.to_string().as_str()),
        Expr::Paren(p) => fresh_value(&p.expr),
        _ => false,
    }
}

/// Methods whose every common version returns a reference, or an `Option` of one, into its
/// receiver (`Option::as_ref` and `AsRef::as_ref`, `first`, `trim`, …): a value with no drop
/// glue of its own. (See `borrowed_root` for the names left out.)
const REFERENCES: &[&str] = &[
    "as_slice",
    "as_bytes",
    "as_mut_slice",
    "first",
    "get_mut",
    "first_mut",
    "last_mut",
    "trim",
    "as_deref",
    "as_deref_mut",
    "as_ref",
    "as_mut",
];

/// The variable `init` certainly borrows, as `let x = init;` keeps it: `&v.f` / `&v[i]` (a
/// plain `&v` is an alias, rebuilt after each resume), `v.iter()` and the like followed only by
/// iterator adapters, `v.as_slice()` and the like as the last call, or
/// `IntoIterator::into_iter(&v)` (how a `for` loop over `&v` starts, normalize/compound.rs;
/// `&v: IntoIterator` iterates over what `v` holds itself).
///
/// Without types a method is known by its name only, and the held-borrow error this feeds
/// (liveness/borrows.rs `held_borrows`) must never reject a program rustc accepts. So a name is listed
/// only if every common method of that name returns a borrow of its receiver. Left out on
/// purpose, because std or common user types return an owned value under them: `get`
/// (`Cell::get`, a user type's getter), `last` (`Iterator::last` consumes its receiver),
/// `as_str` (an enum's `fn as_str(&self) -> &'static str`), and `lines` / `bytes`
/// (`BufRead::lines` and `Read::bytes` consume the reader). A real borrow through one of
/// those still fails to compile, with rustc's error about the state type.
pub(crate) fn borrowed_root(init: &Expr) -> Option<Ident> {
    const ITERATORS: &[&str] = &[
        "iter",
        "iter_mut",
        "chars",
        "char_indices",
        "split_whitespace",
        "windows",
        "chunks",
        "keys",
        "values",
        "values_mut",
        "drain",
    ];
    const ADAPTERS: &[&str] = &[
        "enumerate",
        "rev",
        "map",
        "filter",
        "filter_map",
        "skip",
        "take",
        "step_by",
        "peekable",
        "zip",
        "chain",
        "skip_while",
        "take_while",
        "inspect",
        "fuse",
        "cloned",
        "copied",
        "flat_map",
        "flatten",
    ];
    match init {
        Expr::Reference(r) if !matches!(&*r.expr, Expr::Path(_)) => place_root(&r.expr),
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if REFERENCES.contains(&name.as_str()) {
                return place_root(&m.receiver);
            }
            let mut call = m;
            while ADAPTERS.contains(&call.method.to_string().as_str()) {
                let Expr::MethodCall(inner) = &*call.receiver else {
                    return None;
                };
                call = inner;
            }
            ITERATORS
                .contains(&call.method.to_string().as_str())
                .then(|| place_root(&call.receiver))
                .flatten()
        }
        // Only of a variable itself: through a field, the variable could be a reference
        // (an awaited value's hidden local, say) and the iterator borrow what it points to.
        Expr::Call(c) if calls_into_iter(&c.func) && c.args.len() == 1 => match &c.args[0] {
            Expr::Reference(r) if matches!(&*r.expr, Expr::Path(_)) => place_root(&r.expr),
            _ => None,
        },
        Expr::Paren(p) => borrowed_root(&p.expr),
        _ => None,
    }
}

/// `IntoIterator::into_iter`, by any path ending so.
fn calls_into_iter(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    crate::syntax::segment_names(&p.path)
        .ends_with(&["IntoIterator".to_owned(), "into_iter".to_owned()])
}

/// Is the value of `scrutinee` certainly a reference, or an `Option` of one, into a place
/// (`&v.f`, `&mut v[i]`, `v.as_ref()`, `v.first()`; `REFERENCES`)? Every binding of a
/// pattern matched against it is then a reference, or a `Copy` value read through one (a
/// move out of a reference is an error): nothing with drop glue, so when it is dropped is
/// unobservable. The place must be rooted at a variable: a borrowed temporary (`&D::new()`,
/// `make().first()`) has drop glue and its own end, which an early drop would move.
pub(crate) fn surely_reference(scrutinee: &Expr) -> bool {
    match scrutinee {
        Expr::Reference(r) => place_root(&r.expr).is_some(),
        Expr::MethodCall(m) => {
            REFERENCES.contains(&m.method.to_string().as_str()) && place_root(&m.receiver).is_some()
        }
        Expr::Paren(p) => surely_reference(&p.expr),
        _ => false,
    }
}

/// The variable a place expression (`v`, `v.f`, `v[i]`, `(v)`) is rooted at.
pub(crate) fn place_root(expr: &Expr) -> Option<Ident> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().cloned(),
        Expr::Field(f) => place_root(&f.base),
        Expr::Index(i) => place_root(&i.expr),
        Expr::Paren(p) => place_root(&p.expr),
        _ => None,
    }
}

/// The bindings of `pat` written `ref x` / `ref mut x`.
pub(crate) fn ref_bindings(pat: &Pat) -> Vec<Ident> {
    struct Finder(Vec<Ident>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            if p.by_ref.is_some() {
                self.0.push(p.ident.clone());
            }
            visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut f = Finder(Vec::new());
    f.visit_pat(pat);
    f.0
}

/// `tokens` as a user would write them: `& v [0]` → `&v[0]`.
pub(crate) fn code_text(tokens: &TokenStream) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [
        (" . ", "."),
        (" .", "."),
        (". ", "."),
        ("& ", "&"),
        (" [", "["),
        ("[ ", "["),
        (" ]", "]"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" ,", ","),
        (" :: ", "::"),
        (" !", "!"),
    ] {
        text = text.replace(from, to);
    }
    text
}
