//! A format string's implicit capture (`format!("{x:?}")`) names the local `x` from inside a
//! string literal, where no rename of tokens reaches (difftest finding 18). In a run that
//! takes a new value out of the flag into a local of its own (`moved_again.rs`), a formatting
//! macro of the standard library gets the capture renamed and a named argument for it: the
//! local's hidden name resolves only where the expansion wrote it, while a named argument is
//! found by its spelling, whatever the hygiene of the string.
//!
//! Input: `log(format!("{x:?} {}", x.0));` (`x` renamed to `__againN` in the run)
//! Output: `log(format!("{__againN:?} {}", __againN.0, __againN = __againN));`
//!
//! Any other macro whose string literal may capture `x` keeps the run from being rewritten
//! (a use of `x`, as before), and every such literal counts as naming `x` (fills.rs
//! `mentions`): a read, not an assignment's target.

use super::fills::is_name;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// The arguments of a formatting macro of the standard library, and which of them is the
/// format string.
pub(super) struct FormatArgs {
    pub args: Punctuated<Expr, Token![,]>,
    /// The index of the format string in `args`.
    pub at: usize,
}

impl FormatArgs {
    /// `m`'s arguments, when `m` is one of the macros of the standard library that always read
    /// their string as a format string, in every edition (`panic!`, `assert!` and the like
    /// read a lone string literally before 2021, so they are not among them).
    pub fn of(m: &syn::Macro) -> Option<Self> {
        let at = match m.path.segments.last()?.ident.to_string().as_str() {
            "format" | "format_args" | "print" | "println" | "eprint" | "eprintln" => 0,
            "write" | "writeln" => 1,
            _ => return None,
        };
        let args = Punctuated::<Expr, Token![,]>::parse_terminated
            .parse2(m.tokens.clone())
            .ok()?;
        Some(Self { args, at })
    }

    /// Is the argument at `k` a named one (`name = value`, after the format string)? Its
    /// name is no local.
    pub fn is_named(&self, k: usize) -> bool {
        k > self.at
            && matches!(self.args.iter().nth(k), Some(Expr::Assign(a))
                if matches!(&*a.left, Expr::Path(p) if p.path.get_ident().is_some()))
    }

    /// The macro's tokens with `name` renamed to `to` where the format string refers to it
    /// and where a named argument is called so; when no named argument was, `to = to` is
    /// appended to take the capture's place (a named argument is found by its spelling,
    /// whatever the hygiene of the string and of `to`).
    pub fn rename(mut self, name: &Ident, to: &Ident) -> TokenStream {
        let mut referred = false;
        if let Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) = self.args.iter_mut().nth(self.at)
        {
            let renamed = map_names(&s.value(), |n| {
                referred |= name == n;
                if name == n {
                    to.to_string()
                } else {
                    n.to_string()
                }
            });
            *s = syn::LitStr::new(&renamed, s.span());
        }
        let mut explicit = false;
        for k in 0..self.args.len() {
            if !self.is_named(k) {
                continue;
            }
            if let Expr::Assign(a) = &mut self.args[k] {
                if is_name(&a.left, name) {
                    *a.left = syn::parse_quote!(#to);
                    explicit = true;
                }
            }
        }
        if referred && !explicit {
            self.args.push(syn::parse_quote!(#to = #to));
        }
        self.args.to_token_stream()
    }
}

/// May the string literal `l` capture `name` as a format string: does it name it in braces
/// (`{x}`, `{x:?}`) or as a width or precision (`{:x$}`)?
pub(super) fn may_capture(l: &Literal, name: &Ident) -> bool {
    let text = l.to_string();
    (text.starts_with('"') || text.starts_with('r')) && format_names(&text).any(|n| name == &n)
}

/// The names a format string refers to (see `map_names`).
fn format_names(s: &str) -> impl Iterator<Item = String> {
    let mut names = Vec::new();
    map_names(s, |n| {
        names.push(n.to_string());
        n.to_string()
    });
    names.into_iter()
}

/// `s` with each name it refers to as a format string passed through `rename`: an argument
/// `{name..}`, and a width or precision `name$` inside the braces (`{{` is a brace).
fn map_names(s: &str, mut rename: impl FnMut(&str) -> String) -> String {
    let is_name = |w: &str| w.starts_with(|c: char| c.is_alphabetic() || c == '_');
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            out.push('{');
            rest = after;
            continue;
        }
        let (inside, after) = rest.split_at(rest.find('}').unwrap_or(rest.len()));
        let (argument, spec) = match inside.split_once(':') {
            Some((argument, spec)) => (argument, Some(spec)),
            None => (inside, None),
        };
        out.push_str(&if is_name(argument) {
            rename(argument)
        } else {
            argument.to_string()
        });
        if let Some(spec) = spec {
            out.push(':');
            // Each word followed by `$` names a width or precision.
            let mut word = String::new();
            for c in spec.chars() {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                let w = std::mem::take(&mut word);
                out.push_str(&if c == '$' && is_name(&w) {
                    rename(&w)
                } else {
                    w
                });
                out.push(c);
            }
            out.push_str(&word);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}
