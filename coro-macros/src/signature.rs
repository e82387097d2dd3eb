//! Phase 1: read the attribute and the function, validate what the lowering relies on, and
//! give every argument a name the state enum can store it under.

use crate::names;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Block, FnArg, Ident, ItemFn, Pat, ReturnType, Signature, Type, Visibility};

/// A function accepted by `#[coroutine]`, split into the parts later phases use.
pub(crate) struct Parsed {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    /// The signature as written, before arguments are renamed.
    pub sig: Signature,
    pub body: Block,
    /// `#[coroutine(boxed)]`: return a boxed coroutine so the function may call itself.
    pub boxed: bool,
    pub args: Vec<Arg>,
    /// The declared output type (`()` when omitted).
    pub output: Type,
    /// `#[coroutine(yield = Y)]`: the function is a generator yielding `Y` (with `.await` in the
    /// body too, an async generator: a `Stream`).
    pub yield_ty: Option<Type>,
    /// `#[coroutine(yield = Y, resume = R)]`: each resume sends an `R` in; `()` when omitted.
    pub resume_ty: Option<Type>,
}

/// The attribute's arguments.
#[derive(Default)]
struct Options {
    boxed: bool,
    yield_ty: Option<Type>,
    resume_ty: Option<Type>,
}

/// One argument: how the Start state stores it and the pattern the body binds from it.
pub(crate) struct Arg {
    /// Field of the Start variant (`__arg0`, ...), also the argument's name in the new signature.
    pub slot: Ident,
    /// `None` for `self` receivers; the body sees those as the renamed `self` ident.
    pub pat: Option<Pat>,
}

pub(crate) fn parse(attr: &TokenStream, item: TokenStream) -> syn::Result<Parsed> {
    let item: ItemFn = syn::parse2(item)?;
    let Options {
        boxed,
        yield_ty,
        resume_ty,
    } = parse_attr(attr)?;
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item;
    validate(&sig)?;
    let args = sig
        .inputs
        .iter()
        .enumerate()
        .map(|(i, arg)| Arg {
            slot: names::arg_slot(i),
            pat: match arg {
                FnArg::Receiver(_) => None,
                FnArg::Typed(t) => Some((*t.pat).clone()),
            },
        })
        .collect();
    let output = match &sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    Ok(Parsed {
        attrs,
        vis,
        sig,
        body: *block,
        boxed,
        args,
        output,
        yield_ty,
        resume_ty,
    })
}

// Input: `boxed`, `yield = u64`, `yield = f64, resume = f64` (comma separated, any order).
fn parse_attr(attr: &TokenStream) -> syn::Result<Options> {
    let mut options = Options::default();
    if attr.is_empty() {
        return Ok(options);
    }
    // `syn::meta::parser` accepts keywords as option names, which `yield` is.
    let parser = syn::meta::parser(|meta| {
        let slot = if meta.path.is_ident("boxed") && !options.boxed {
            options.boxed = true;
            return Ok(());
        } else if meta.path.is_ident("yield") && options.yield_ty.is_none() {
            &mut options.yield_ty
        } else if meta.path.is_ident("resume") && options.resume_ty.is_none() {
            &mut options.resume_ty
        } else {
            let name = meta.path.to_token_stream().to_string();
            return Err(meta.error(format!(
                "unknown or repeated coroutine option `{name}`; the options are `boxed`, \
                 `yield = Type` and `resume = Type`, each at most once"
            )));
        };
        *slot = Some(meta.value()?.parse::<Type>()?);
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr.clone())?;
    if options.resume_ty.is_some() && options.yield_ty.is_none() {
        return Err(syn::Error::new(
            attr.span(),
            "`resume = Type` needs `yield = Type`: only a generator can be sent values",
        ));
    }
    if options.boxed && options.yield_ty.is_some() {
        return Err(syn::Error::new(
            attr.span(),
            "`boxed` is for recursive coroutines; a generator cannot be `boxed` (box it at the \
             call site with `Box::pin`)",
        ));
    }
    Ok(options)
}

fn validate(sig: &Signature) -> syn::Result<()> {
    if let Some(t) = &sig.asyncness {
        return Err(syn::Error::new(
            t.span,
            "`#[coroutine]` makes the function a coroutine already: remove `async`",
        ));
    }
    if let Some(t) = &sig.constness {
        return Err(syn::Error::new(
            t.span,
            "a coroutine cannot be a `const fn`",
        ));
    }
    if let Some(abi) = &sig.abi {
        return Err(syn::Error::new(
            abi.span(),
            "a coroutine cannot have an `extern` ABI: it returns a Rust coroutine object",
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new(v.span(), "a coroutine cannot be variadic"));
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        if let Type::ImplTrait(_) = **ty {
            // Fine, but the step closure cannot be annotated with it; see `emit`.
        }
    }
    Ok(())
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
            FnArg::Receiver(r) => r.to_token_stream(),
            FnArg::Typed(t) => {
                let attrs = &t.attrs;
                let slot = &arg.slot;
                let ty = &t.ty;
                quote!(#(#attrs)* #slot: #ty)
            }
        });
    quote!(#(#inputs),*)
}
