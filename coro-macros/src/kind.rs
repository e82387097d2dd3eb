//! Which object a `#[coroutine]` function becomes, and how its step closure reports each of
//! the three ways a step can end: still waiting (`Pending`), suspended with a value
//! (`yield_!`), or finished (`return`).
//!
//! | attribute           | `.await` in body | object        | step returns                 |
//! |---------------------|------------------|---------------|------------------------------|
//! | `#[coroutine]`      | any              | `Frame`       | `Poll<T>`                    |
//! | `(yield = Y, ..)`   | no               | `GenFrame`    | `GeneratorState<Y, T>`       |
//! | `(yield = Y)`       | yes              | `StreamFrame` | `Poll<Option<Y>>`            |
//! | `(yield = Y, async)`| any              | `StreamFrame` | `Poll<Option<Y>>`            |

use crate::normalize::stmt_has_await;
use crate::signature::Parsed;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Type;
use syn::spanned::Spanned;

// Built once per function; boxing the types would only add noise.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Kind {
    Coroutine,
    Generator { yield_ty: Type, resume_ty: Type },
    Stream { yield_ty: Type },
}

impl Kind {
    /// The kind `parsed` asks for, or why it cannot be one.
    pub fn of(parsed: &Parsed) -> syn::Result<Self> {
        let Some(yield_ty) = parsed.yield_ty.clone() else {
            return Ok(Self::Coroutine);
        };
        if !parsed.async_gen && !parsed.body.stmts.iter().any(stmt_has_await) {
            let resume_ty = parsed
                .resume_ty
                .clone()
                .unwrap_or_else(|| syn::parse_quote!(()));
            return Ok(Self::Generator {
                yield_ty,
                resume_ty,
            });
        }
        if let Some(resume) = &parsed.resume_ty {
            return Err(syn::Error::new(
                resume.span(),
                "an async generator (one that uses `.await`, or declared `async`) is a \
                 `Stream`, which cannot be sent values: remove `resume = ..`",
            ));
        }
        if !is_unit(&parsed.output) {
            let span = match &parsed.sig.output {
                syn::ReturnType::Type(_, ty) => ty.span(),
                syn::ReturnType::Default => parsed.sig.output.span(),
            };
            return Err(syn::Error::new(
                span,
                "an async generator (one that uses `.await`, or declared `async`) is a \
                 `Stream`, which has no return value: remove the return type",
            ));
        }
        Ok(Self::Stream { yield_ty })
    }

    pub fn yield_ty(&self) -> Option<&Type> {
        match self {
            Self::Coroutine => None,
            Self::Generator { yield_ty, .. } | Self::Stream { yield_ty } => Some(yield_ty),
        }
    }

    pub fn is_generator(&self) -> bool {
        !matches!(self, Self::Coroutine)
    }

    /// The step closure's value when the body finishes with `value`.
    pub fn complete(&self, value: &TokenStream) -> TokenStream {
        self.complete_at(Span::call_site(), value)
    }

    /// [`Self::complete`] with the wrapper's tokens on `span` (`value` keeps its own spans).
    pub fn complete_at(&self, span: Span, value: &TokenStream) -> TokenStream {
        match self {
            Self::Coroutine => quote_spanned!(span=> ::coro_core::__private::Poll::Ready(#value)),
            Self::Generator { .. } => {
                quote_spanned!(span=> ::coro_core::__private::GeneratorState::Complete(#value))
            }
            Self::Stream { .. } => {
                quote_spanned!(span=> { let () = #value; ::coro_core::__private::Poll::Ready(::core::option::Option::None) })
            }
        }
    }

    /// The step closure's value when the body yields `value`.
    pub fn yielded(&self, value: &TokenStream) -> TokenStream {
        match self {
            Self::Coroutine => quote!(::core::unreachable!()),
            Self::Generator { .. } => {
                quote!(::coro_core::__private::GeneratorState::Yielded(#value))
            }
            Self::Stream { .. } => {
                quote!(::coro_core::__private::Poll::Ready(::core::option::Option::Some(#value)))
            }
        }
    }

    /// The step closure's return type for a function declared to return `output`.
    pub fn step_output(&self, output: &Type) -> TokenStream {
        match self {
            Self::Coroutine => quote!(::coro_core::__private::Poll<#output>),
            Self::Generator { yield_ty, .. } => {
                quote!(::coro_core::__private::GeneratorState<#yield_ty, #output>)
            }
            Self::Stream { yield_ty } => {
                quote!(::coro_core::__private::Poll<::core::option::Option<#yield_ty>>)
            }
        }
    }

    /// The frame type's constructor.
    pub fn frame(&self) -> TokenStream {
        match self {
            Self::Coroutine => quote!(::coro_core::__private::Frame::new),
            Self::Generator { .. } => quote!(::coro_core::__private::GenFrame::new),
            Self::Stream { .. } => quote!(::coro_core::__private::StreamFrame::new),
        }
    }

    /// The `coro_core::__private::Object` this kind builds, which names it in the panic of a
    /// finished object polled again.
    pub fn object(&self) -> TokenStream {
        let private = crate::names::private();
        match self {
            Self::Coroutine => quote!(#private::Object::Coroutine),
            Self::Generator { .. } => quote!(#private::Object::Generator),
            Self::Stream { .. } => quote!(#private::Object::AsyncGenerator),
        }
    }

    /// The return type callers see (before `boxed`, which only coroutines take).
    pub fn object_type(&self, output: &Type) -> TokenStream {
        match self {
            Self::Coroutine => {
                quote!(impl ::coro_core::Coroutine<Output = #output> + ::core::fmt::Debug)
            }
            Self::Generator {
                yield_ty,
                resume_ty,
            } => {
                // Without `resume`, a generator is also an iterator over what it yields.
                let iter =
                    is_unit(resume_ty).then(|| quote!(+ ::core::iter::Iterator<Item = #yield_ty>));
                quote! {
                    impl ::coro_core::Generator<#resume_ty, Yield = #yield_ty, Return = #output>
                        #iter + ::core::fmt::Debug
                }
            }
            Self::Stream { yield_ty } => {
                quote!(impl ::coro_core::Stream<Item = #yield_ty> + ::core::fmt::Debug)
            }
        }
    }

    /// `Stub`'s type arguments beyond the output.
    pub fn stub_args(&self) -> TokenStream {
        match self {
            Self::Coroutine => TokenStream::new(),
            Self::Generator {
                yield_ty,
                resume_ty,
            } => quote!(, #yield_ty, #resume_ty),
            Self::Stream { yield_ty } => quote!(, #yield_ty),
        }
    }

    pub fn must_use(&self) -> &'static str {
        match self {
            Self::Coroutine => "coroutines do nothing unless awaited or scheduled with create_task",
            Self::Generator { .. } => "generators do nothing unless iterated or resumed",
            Self::Stream { .. } => "async generators do nothing unless polled as a stream",
        }
    }
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}
