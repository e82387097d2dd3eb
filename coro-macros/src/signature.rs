//! Phase 1: read the function, then the attribute, validate what the lowering relies on, and
//! give every argument a name the state enum can store it under.
//!
//! The two steps fail differently. If the item is not a function with a body, [`parse_fn`]
//! fails and the item goes back to rustc untouched. Once the function has parsed, every later
//! mistake ([`configure`]: the options, the qualifiers) is reported next to a stub with the
//! same signature, so the body's `.await`s do not add rustc errors of their own.

use crate::names;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{
    Attribute, Block, FnArg, Ident, Item, ItemFn, Pat, ReturnType, Signature, Token, TraitItemFn,
    Type, Visibility,
};

/// A function accepted by `#[coroutine]`, split into the parts later phases use.
pub(crate) struct Parsed {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    /// The signature as written, before arguments are renamed.
    pub sig: Signature,
    pub body: Block,
    /// `#[coroutine(boxed)]`: return a boxed coroutine so the function may call itself.
    pub boxed: bool,
    /// For `boxed`: the lifetime every borrowed input outlives, which bounds the box
    /// (`None`: the inputs borrow nothing, so the box is `'static`).
    pub box_lifetime: Option<syn::Lifetime>,
    /// `#[coroutine(send)]`: the returned object is declared `Send`, so a value held across an
    /// await that is not `Send` is an error at the definition (and a boxed coroutine can go to
    /// a multi-threaded executor).
    pub send: bool,
    pub args: Vec<Arg>,
    /// The declared output type (`()` when omitted).
    pub output: Type,
    /// `#[coroutine(yield = Y)]`: the function is a generator yielding `Y` (with `.await` in the
    /// body too, an async generator: a `Stream`).
    pub yield_ty: Option<Type>,
    /// `#[coroutine(yield = Y, resume = R)]`: each resume sends an `R` in; `()` when omitted.
    pub resume_ty: Option<Type>,
    /// `#[coroutine(yield = Y, async)]`: an async generator (a `Stream`) even if the body has
    /// no `.await` of its own (it may only `yield_from!` a stream).
    pub async_gen: bool,
}

/// The attribute's arguments, with where each was written for later checks.
#[derive(Default)]
struct Options {
    boxed: Option<Span>,
    send: Option<Span>,
    yield_ty: Option<(Span, Type)>,
    resume_ty: Option<(Span, Type)>,
    async_gen: Option<Span>,
}

/// One argument: how the Start state stores it and the pattern the body binds from it.
pub(crate) struct Arg {
    /// Field of the Start variant (`__arg0`, ...).
    pub slot: Ident,
    /// The argument's name in the new signature: the user's own for a plain `x: T` or
    /// `mut x: T` (what rustdoc and an IDE show), else (patterns, `_x`) `slot`. The body never reads it: the
    /// start state takes it, and the entry arm binds the pattern again from the slot.
    pub param: Ident,
    /// `None` for `self` receivers; the body sees those as the renamed `self` ident.
    pub pat: Option<Pat>,
}

/// Both steps at once; an error from either is returned (used by the unit tests).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn parse(attr: &TokenStream, item: TokenStream) -> syn::Result<Parsed> {
    let mut parsed = parse_fn(item)?;
    configure(&mut parsed, attr)?;
    Ok(parsed)
}

/// Step 1: the item must be a function with a body. The options are left at their defaults.
pub(crate) fn parse_fn(item: TokenStream) -> syn::Result<Parsed> {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(err) => return Err(explain_not_a_fn(item).unwrap_or(err)),
    };
    let args = sig
        .inputs
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            let slot = names::arg_slot(i);
            let param = match arg {
                FnArg::Typed(t) => match &*t.pat {
                    // Not `_x`: the start state reads it, which is a use of a binding the
                    // user marked unused (`clippy::used_underscore_binding`).
                    Pat::Ident(p)
                        if p.by_ref.is_none()
                            && p.subpat.is_none()
                            && !p.ident.to_string().starts_with('_') =>
                    {
                        p.ident.clone()
                    }
                    _ => slot.clone(),
                },
                FnArg::Receiver(_) => slot.clone(),
            };
            Arg {
                slot,
                param,
                pat: match arg {
                    FnArg::Receiver(_) => None,
                    FnArg::Typed(t) => Some((*t.pat).clone()),
                },
            }
        })
        .collect();
    let output = match &sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        // `-> !`: the output appears as a type argument (`Coroutine<Output = !>`,
        // `Poll<!>`), where stable Rust does not accept `!`; a fn pointer's output names it.
        ReturnType::Type(_, ty) => match &**ty {
            Type::Never(never) => {
                let span = never.bang_token.span;
                syn::parse_quote_spanned!(span=> <fn() -> ! as ::coro_core::__private::FnOutput>::Output)
            }
            ty => ty.clone(),
        },
    };
    Ok(Parsed {
        attrs,
        vis,
        sig,
        body: *block,
        boxed: false,
        box_lifetime: None,
        send: false,
        args,
        output,
        yield_ty: None,
        resume_ty: None,
        async_gen: false,
    })
}

/// A clearer error than syn's "expected `fn`" when the item is some other well-formed item:
/// `None` when it is not, so syn's own error (on the offending token) stands.
fn explain_not_a_fn(item: TokenStream) -> Option<syn::Error> {
    // A method declaration in a trait (`fn f(&self) -> u32;`) has no body to lower.
    if let Ok(f) = syn::parse2::<TraitItemFn>(item.clone()) {
        if f.default.is_none() {
            let name = &f.sig.ident;
            let output = match &f.sig.output {
                ReturnType::Default => quote!(()),
                ReturnType::Type(_, ty) => ty.to_token_stream(),
            };
            return Some(syn::Error::new(
                f.sig.fn_token.span,
                format!(
                    "`#[coroutine]` needs a function body to lower: put it on `{name}` in the \
                     `impl` block, and declare the trait method as `fn {name}(..) -> impl \
                     Future<Output = {output}>`"
                ),
            ));
        }
    }
    let (what, span) = match syn::parse2::<Item>(item).ok()? {
        Item::Struct(i) => ("a struct", i.struct_token.span),
        Item::Enum(i) => ("an enum", i.enum_token.span),
        Item::Union(i) => ("a union", i.union_token.span),
        Item::Trait(i) => ("a trait", i.trait_token.span),
        Item::Impl(i) => ("an `impl` block", i.impl_token.span),
        Item::Mod(i) => ("a module", i.mod_token.span),
        Item::Const(i) => ("a `const`", i.const_token.span),
        Item::Static(i) => ("a `static`", i.static_token.span),
        Item::Type(i) => ("a type alias", i.type_token.span),
        Item::Use(i) => ("a `use` declaration", i.use_token.span),
        other => ("this item", other.span()),
    };
    Some(syn::Error::new(
        span,
        format!(
            "`#[coroutine]` applies to functions, not to {what}: write it on a `fn` whose \
             body uses `.await`"
        ),
    ))
}

/// Step 2: read the attribute's options into `parsed` and check the qualifiers the lowering
/// cannot keep. All the mistakes found are reported together.
pub(crate) fn configure(parsed: &mut Parsed, attr: &TokenStream) -> syn::Result<()> {
    let mut errors = Errors(None);
    match parse_attr(attr) {
        Ok(options) => {
            parsed.boxed = options.boxed.is_some();
            parsed.send = options.send.is_some();
            if parsed.boxed {
                parsed.box_lifetime = name_lifetimes(&mut parsed.sig);
            }
            parsed.yield_ty = options.yield_ty.map(|(_, ty)| ty);
            parsed.resume_ty = options.resume_ty.map(|(_, ty)| ty);
            parsed.async_gen = options.async_gen.is_some();
        }
        Err(err) => errors.push(err),
    }
    // A second `#[coro_core::coroutine]` would lower the first one's output again. Taken out
    // of the attributes, so the stub emitted beside the error is not lowered by it either.
    let (repeated, attrs): (Vec<_>, Vec<_>) = std::mem::take(&mut parsed.attrs)
        .into_iter()
        .partition(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "coroutine")
        });
    parsed.attrs = attrs;
    for attr in repeated {
        errors.push(syn::Error::new_spanned(
            attr,
            "`#[coroutine]` is applied twice to this function: remove one of the two \
             attributes",
        ));
    }
    validate(&parsed.sig, &mut errors);
    errors.finish()
}

/// Independent errors, reported together.
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, err: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

// Input: `boxed`, `send`, `yield = u64`, `yield = f64, resume = f64`, `yield = u64, async`
// (comma separated, any order).
fn parse_attr(attr: &TokenStream) -> syn::Result<Options> {
    let mut options = Options::default();
    if attr.is_empty() {
        return Ok(options);
    }
    // `syn::meta::parser` accepts keywords as option names, which `yield` is.
    let parser = syn::meta::parser(|meta| {
        let span = meta.path.span();
        let name = meta.path.to_token_stream().to_string().replace(' ', "");
        let repeated = || syn::Error::new(span, format!("`{name}` is given twice"));
        match name.as_str() {
            "boxed" | "send" | "async" => {
                if !(meta.input.is_empty() || meta.input.peek(Token![,])) {
                    return Err(syn::Error::new(
                        span,
                        format!("`{name}` takes no value: write `#[coro_core::coroutine({name})]`"),
                    ));
                }
                let slot = match name.as_str() {
                    "boxed" => &mut options.boxed,
                    "send" => &mut options.send,
                    _ => &mut options.async_gen,
                };
                if slot.replace(span).is_some() {
                    return Err(repeated());
                }
            }
            "yield" | "resume" => {
                let ty = option_type(&name, span, meta.input)?;
                let slot = if name == "yield" {
                    &mut options.yield_ty
                } else {
                    &mut options.resume_ty
                };
                if slot.replace((span, ty)).is_some() {
                    return Err(repeated());
                }
            }
            _ => {
                return Err(syn::Error::new(
                    span,
                    format!(
                        "unknown coroutine option `{name}`: the options are `boxed`, `send`, \
                         `yield = Type`, `resume = Type` and `async`"
                    ),
                ));
            }
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr.clone())?;
    if let (Some((span, _)), None) = (&options.resume_ty, &options.yield_ty) {
        return Err(syn::Error::new(
            *span,
            "`resume = Type` needs `yield = Type`: only a generator can be sent values",
        ));
    }
    if let (Some(span), None) = (options.async_gen, &options.yield_ty) {
        return Err(syn::Error::new(
            span,
            "`async` marks an async generator and needs `yield = Type`: a coroutine is async \
             already, remove `async`",
        ));
    }
    if let (Some(span), Some(_)) = (options.boxed, &options.yield_ty) {
        return Err(syn::Error::new(
            span,
            "`boxed` is for recursive coroutines, not generators: a recursive generator stores \
             its recursive call as a boxed trait object instead, `yield_from!(Box::pin(f(..)) \
             as Pin<Box<dyn coro_core::Generator<Yield = Y, Return = R> + '_>>)` (for an async \
             generator, `dyn coro_core::Stream<Item = Y>`)",
        ));
    }
    Ok(options)
}

// Input: the rest of `yield = u64` after `yield`.
fn option_type(name: &str, span: Span, input: ParseStream<'_>) -> syn::Result<Type> {
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            span,
            format!("`{name}` needs a type: write `{name} = Type`"),
        ));
    }
    input.parse::<Token![=]>()?;
    input.parse()
}

fn validate(sig: &Signature, errors: &mut Errors) {
    if let Some(t) = &sig.constness {
        errors.push(syn::Error::new(
            t.span,
            "a coroutine cannot be a `const fn`: calling it builds a coroutine object at run \
             time; remove `const`",
        ));
    }
    if let Some(t) = &sig.asyncness {
        errors.push(syn::Error::new(
            t.span,
            "`#[coroutine]` makes the function a coroutine already: remove `async`",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new(
            abi.span(),
            "a coroutine cannot have an `extern` ABI: it returns a Rust coroutine object; \
             remove the ABI, or wrap the coroutine in an `extern` fn that schedules it",
        ));
    }
    if let Some(v) = &sig.variadic {
        errors.push(syn::Error::new(v.span(), "a coroutine cannot be variadic"));
    }
}

/// The signature the expansion emits: every typed argument renamed to its slot, so the body
/// (which now lives in the step closure) binds the user's patterns itself, as rustc's `async fn`
/// desugaring does.
pub(crate) fn renamed_inputs(parsed: &Parsed) -> TokenStream {
    let inputs = parsed
        .sig
        .inputs
        .iter()
        .zip(&parsed.args)
        .map(|(input, arg)| match input {
            // `mut self` (not `&mut self`, whose `mut` is the reference's): the receiver only
            // moves into the state, and the body's `__self` is the binding declared `mut` (see
            // `lower`), so a `mut` here would be unused.
            FnArg::Receiver(r) if r.reference.is_none() => {
                let mut r = r.clone();
                r.mutability = None;
                r.to_token_stream()
            }
            FnArg::Receiver(r) => r.to_token_stream(),
            FnArg::Typed(t) => {
                let attrs = &t.attrs;
                let param = &arg.param;
                let ty = &t.ty;
                quote!(#(#attrs)* #param: #ty)
            }
        });
    quote!(#(#inputs),*)
}

/// For a boxed coroutine, which is a `dyn Coroutine + 'x` where `'x` must outlive nothing the
/// coroutine borrows: names every elided lifetime in the inputs (`&self`, `&T`, `Foo<'_>`),
/// adds `'__coro` with `'l: '__coro` for every lifetime and `T: '__coro` for every type
/// parameter, and returns `'__coro`.
///
/// Input: `fn size(&self, extra: &[u32]) -> usize`.
/// Output: `fn size<'__coro0, '__coro1, '__coro>(&'__coro0 self, extra: &'__coro1 [u32])
/// where '__coro0: '__coro, '__coro1: '__coro` (and the box is `+ '__coro`).
fn name_lifetimes(sig: &mut Signature) -> Option<syn::Lifetime> {
    use syn::visit_mut::{self, VisitMut};
    struct Namer(Vec<syn::Lifetime>);
    impl Namer {
        fn fresh(&mut self) -> syn::Lifetime {
            let lt = syn::Lifetime::new(&format!("'__coro{}", self.0.len()), Span::call_site());
            self.0.push(lt.clone());
            lt
        }
    }
    impl VisitMut for Namer {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            if r.lifetime.as_ref().is_none_or(|l| l.ident == "_") {
                r.lifetime = Some(self.fresh());
            }
            visit_mut::visit_type_reference_mut(self, r);
        }
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            if l.ident == "_" {
                *l = self.fresh();
            }
        }
        // Lifetimes of `fn(&T)` pointers and `impl Trait` arguments are their own.
        fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
        fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {}
    }
    let mut namer = Namer(Vec::new());
    for input in &mut sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                if r.colon_token.is_none() {
                    if let Some((_, lt)) = &mut r.reference {
                        if lt.as_ref().is_none_or(|l| l.ident == "_") {
                            *lt = Some(namer.fresh());
                        }
                    }
                }
                namer.visit_type_mut(&mut r.ty);
            }
            FnArg::Typed(t) => namer.visit_type_mut(&mut t.ty),
        }
    }
    let declared: Vec<syn::Lifetime> = sig
        .generics
        .lifetimes()
        .map(|l| l.lifetime.clone())
        .collect();
    let types: Vec<Ident> = sig
        .generics
        .type_params()
        .map(|t| t.ident.clone())
        .collect();
    if namer.0.is_empty() && declared.is_empty() && types.is_empty() {
        return None;
    }
    let bound = syn::Lifetime::new("'__coro", Span::call_site());
    for (i, lt) in namer.0.iter().enumerate() {
        sig.generics.params.insert(i, syn::parse_quote!(#lt));
    }
    let at = namer.0.len() + declared.len();
    sig.generics.params.insert(at, syn::parse_quote!(#bound));
    let where_clause = sig.generics.make_where_clause();
    for lt in namer.0.iter().chain(&declared) {
        where_clause.predicates.push(syn::parse_quote!(#lt: #bound));
    }
    for ty in &types {
        where_clause.predicates.push(syn::parse_quote!(#ty: #bound));
    }
    Some(bound)
}

/// The parameters that are `&mut` references (`&mut self`, as its renamed local, and
/// `v: &mut T`), leaving out any name a pattern in `body` binds again: normalize leaves such a
/// parameter in place where it is passed by value (see `normalize::Normalizer`).
pub(crate) fn mut_ref_params(sig: &Signature, body: &Block) -> Vec<String> {
    use syn::visit::Visit;
    fn mut_ref(ty: &Type) -> bool {
        match ty {
            Type::Reference(r) => r.mutability.is_some(),
            Type::Paren(p) => mut_ref(&p.elem),
            Type::Group(g) => mut_ref(&g.elem),
            _ => false,
        }
    }
    struct Rebound(Vec<String>);
    impl Visit<'_> for Rebound {
        fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
            self.0.push(p.ident.to_string());
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut names: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Receiver(r) if mut_ref(&r.ty) => Some(names::self_var().to_string()),
            FnArg::Typed(t) => match &*t.pat {
                Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() && mut_ref(&t.ty) => {
                    Some(p.ident.to_string())
                }
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    if names.is_empty() {
        return names;
    }
    let mut rebound = Rebound(Vec::new());
    rebound.visit_block(body);
    names.retain(|n| !rebound.0.contains(n));
    names
}
