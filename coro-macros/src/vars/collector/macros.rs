//! Uses inside macro invocations, which `syn` leaves as tokens: a formatting macro's
//! arguments are parsed and only borrowed (as `format_args!` does), and `{name}` in its format
//! string reads `name`; `matches!(v, pat)` is read as the `match` it stands for; in any other
//! macro, every identifier is read as a use that may move.
//! Separate because it reads tokens and strings rather than the syntax tree.

use super::Collector;
use proc_macro2::{TokenStream, TokenTree};
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Expr, Macro, Pat, Token};

const FORMAT_MACROS: &[&str] = &[
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
    "format_args",
    "todo",
    "unimplemented",
    "unreachable",
];

impl Collector<'_> {
    /// The uses in the macro invocation `mac` (the collector's `visit_macro`).
    pub(super) fn read_macro(&mut self, mac: &Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if FORMAT_MACROS.contains(&name.as_str()) {
            if let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                for arg in &args {
                    if let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = arg
                    {
                        self.format_string(&format!("{:?}", s.value()));
                    } else {
                        // The formatting machinery only takes references to its arguments.
                        let was = std::mem::replace(&mut self.borrow, true);
                        self.place(arg);
                        self.borrow = was;
                    }
                }
                return;
            }
        }
        if name == "matches" {
            if let Ok(m) = mac.parse_body_with(parse_matches) {
                self.scrutinee(&m.scrutinee, [&m.pat]);
                self.with_scope(|c| {
                    c.bind(&m.pat);
                    if let Some(guard) = &m.guard {
                        c.visit_expr(guard);
                    }
                });
                return;
            }
        }
        self.tokens(mac.tokens.clone(), true);
    }

    fn tokens(&mut self, tokens: TokenStream, moving: bool) {
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => self.use_name(&i.to_string(), moving),
                TokenTree::Group(g) => self.tokens(g.stream(), moving),
                TokenTree::Literal(l) => self.format_string(&l.to_string()),
                TokenTree::Punct(_) => {}
            }
        }
    }

    /// `{name}` and `{name:?}` in a format string read `name`.
    fn format_string(&mut self, lit: &str) {
        if !lit.starts_with('"') && !lit.starts_with('r') {
            return;
        }
        let mut rest = lit;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            if rest.starts_with('{') {
                rest = &rest[1..];
                continue;
            }
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                self.use_name(name, false);
            }
        }
    }
}

/// The arguments of `matches!(scrutinee, pat if guard)`.
struct Matches {
    scrutinee: Expr,
    pat: Pat,
    guard: Option<Expr>,
}

fn parse_matches(input: ParseStream<'_>) -> syn::Result<Matches> {
    let scrutinee = input.parse()?;
    input.parse::<Token![,]>()?;
    let pat = Pat::parse_multi_with_leading_vert(input)?;
    let guard = if input.parse::<Option<Token![if]>>()?.is_some() {
        Some(input.parse()?)
    } else {
        None
    };
    input.parse::<Option<Token![,]>>()?;
    Ok(Matches {
        scrutinee,
        pat,
        guard,
    })
}
