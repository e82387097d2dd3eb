//! Phase 6: print the state enum and the step closure.
//!
//! ```text
//! fn name(__arg0: A, ..) -> impl Coroutine<Output = T> + Debug {
//!     enum __CoroState<G0, G1, ..> {                       // one type parameter per field
//!         S0 { __arg0: G0, .. },                            // the arguments, never polled yet
//!         S1 { __fut: G1, __v3: G2, .. },                   // suspended: the future (pinned),
//!         __Running,                                        //   then locals; moved out while an
//!     }                                                     //   arm runs
//!     Frame::new(__CoroState::S0 { __arg0, .. }, move |__state, __cx| -> Poll<T> {
//!         '__dispatch: loop {
//!             '__s1: { '__s0: { match pinned_arm(state) {   // the rank to start at     
//!                 0 => break '__s0, 1 => break '__s1, _ => unreachable,
//!             } }
//!             { take_state!(..); run to the next jump }             // arm 0
//!             } { resume_state!(..); run to the next jump }         // arm 1
//!         }
//!     })
//! }
//! ```
//!
//! Arms are printed in reverse post-order of the state graph, so every variant is constructed
//! (and its type parameters inferred) before the arm that matches it, and a jump to a later
//! arm is a `break` to its label (see `chain`); only a jump back re-enters the dispatch.
//! States no path reaches are not printed. A suspended variant stores the future first and
//! the locals innermost-first, so dropping a suspended coroutine drops them in the order
//! rustc's `async fn` would.
//!
//! This module prints the enums, their impls and the function around the step closure; each
//! arm and its jumps are [`arms`], their chaining [`dispatch`], the token builders [`tokens`].

use crate::kind::Kind;
use crate::liveness::{Payloads, redeclared, reverse_post_order};
use crate::lower::Lowered;
use crate::names;
use crate::signature::{self, Parsed};
use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use std::collections::HashMap;

mod arms;
mod dispatch;
#[cfg(test)]
mod tests;
mod tokens;

use dispatch::chain;

/// `items` are the items taken out of the body (see [`crate::items`]): printed first, so that
/// every arm sees them.
pub(crate) fn emit(
    parsed: &Parsed,
    items: &[syn::Item],
    l: &Lowered,
    payloads: &Payloads,
) -> TokenStream {
    let kind = Kind::of(parsed).unwrap_or(Kind::Coroutine);
    let order = reverse_post_order(l);
    let variant: HashMap<usize, Ident> = order
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, format_ident!("S{}", i)))
        .collect();
    let redeclared = redeclared(l, payloads);
    let e = Emitter {
        mentioned: std::cell::RefCell::default(),
        touched: touched(l, payloads, &redeclared),
        kind: &kind,
        l,
        payloads,
        redeclared,
        variant: &variant,
        rank: order.iter().enumerate().map(|(i, &s)| (s, i)).collect(),
        current: std::cell::Cell::new(0),
        arm_state: std::cell::Cell::new(0),
        dispatch: syn::Lifetime::new("'__dispatch", Span::mixed_site()),
    };

    // Suspension states (and the entry) live in the pinned state enum; join and loop-head
    // states are only ever passed through within one step, so their payload travels in a
    // local `__CoroJump` value instead and costs the coroutine no bytes.
    // One type parameter per variable (a variable has one type in every state that stores
    // it) and one per other field: fewer parameters make the enum, and rustc's checking of
    // it, proportionally cheaper.
    let mut generics = Vec::new();
    let mut variants = Vec::new();
    let mut jump_generics = Vec::new();
    let mut jump_variants = Vec::new();
    // The rank of each variant's arm, for the dispatch (`StateEnum::arm_at`, `__CoroJump::arm`).
    let (mut variant_ranks, mut jump_ranks) = (Vec::new(), Vec::new());
    let mut var_generic: HashMap<(bool, usize), Ident> = HashMap::new();
    for &s in &order {
        let name = &variant[&s];
        let transient = e.transient(s);
        let (mut fields, mut types) = (Vec::new(), Vec::new());
        let mut field = |f: Ident, var: Option<usize>| {
            let (list, prefix) = if transient {
                (&mut jump_generics, "J")
            } else {
                (&mut generics, "G")
            };
            fields.push(f);
            if let Some(g) = var.and_then(|v| var_generic.get(&(transient, v))) {
                types.push(g.clone());
                return;
            }
            let g = format_ident!("{}{}", prefix, list.len());
            types.push(g.clone());
            list.push(g.clone());
            if let Some(v) = var {
                var_generic.insert((transient, v), g);
            }
        };
        if s == 0 {
            for arg in &parsed.args {
                field(arg.slot.clone(), None);
            }
        } else {
            if l.states[s].resume && !l.states[s].yields {
                field(names::hidden("__fut"), None);
            }
            // Innermost first: the order rustc's drop glue uses for a suspended `async fn`.
            for &v in payloads[s].iter().rev() {
                field(names::var_field(v), Some(v));
            }
            if l.states[s].input.is_some() && !l.states[s].resume {
                field(names::hidden("__in"), None);
            }
        }
        let (list, ranks) = if transient {
            (&mut jump_variants, &mut jump_ranks)
        } else {
            (&mut variants, &mut variant_ranks)
        };
        list.push((name.clone(), fields, types));
        ranks.push(proc_macro2::Literal::usize_unsuffixed(e.rank[&s]));
    }
    // Printed by nested repetition: name, field names, field types.
    let (variant_names, variant_fields, variant_types) = split_variants(&variants);
    let (jump_names, jump_fields, jump_types) = split_variants(&jump_variants);
    let start_slots = parsed.args.iter().map(|arg| &arg.slot);
    let start_values = parsed
        .args
        .iter()
        .zip(&parsed.sig.inputs)
        .map(|(arg, input)| match input {
            // The receiver's own `self` token: from a `macro_rules!` expansion, a `self`
            // spanned anywhere else would not resolve to it.
            syn::FnArg::Receiver(r) => Ident::new("self", r.self_token.span),
            syn::FnArg::Typed(_) => arg.param.clone(),
        });
    let output = &parsed.output;
    let closure_ret = if mentions_impl(quote!(#output)) {
        TokenStream::new()
    } else {
        let step_output = kind.step_output(output);
        quote!(-> #step_output)
    };
    let name = parsed.sig.ident.to_string();
    let (state, cx, resume) = (
        names::hidden("__state"),
        names::hidden("__cx"),
        names::hidden("__resume"),
    );
    // What the step gets besides the state: the task context, or for a generator the value
    // sent in (`None` when it is started).
    let private = names::private();
    let input = match &kind {
        Kind::Generator { resume_ty, .. } => {
            // `mut`: an arm takes the value out (`take`), so a `yield_!` in a loop, which
            // re-enters the dispatch, does not move the parameter a second time.
            quote!(mut #resume: ::core::option::Option<#resume_ty>)
        }
        Kind::Coroutine | Kind::Stream { .. } => {
            quote!(#cx: &mut #private::Context<'_>)
        }
    };
    let dispatch = &e.dispatch;
    let next = names::hidden("__next");
    let has_jumps = !jump_variants.is_empty();
    // The dispatch switches on the rank of the arm to start at (a variant's number is its
    // arm's rank): a pending jump's, else the pinned state's. An integer, not a pattern per
    // variant: each mention of the generic enums costs rustc a fresh inference variable per
    // type parameter.
    // Read through the pinned `&mut`, not `&*state` (coro_core::state::pinned_arm says why).
    let resumed = quote!(#private::pinned_arm(#state.as_mut()));
    let (next_decl, scrutinee) = if has_jumps {
        (
            quote!(let mut #next = __CoroJump::__Resume;),
            quote!(#next.arm(#resumed)),
        )
    } else {
        (TokenStream::new(), resumed)
    };
    let jump_enum = has_jumps.then(|| {
        quote! {
            #[allow(non_camel_case_types)]
            enum __CoroJump<#(#jump_generics),*> {
                #(#jump_names { #(#jump_fields: #jump_types),* },)*
                // No jump pending: the dispatch goes by the pinned state.
                __Resume,
            }
            impl<#(#jump_generics),*> __CoroJump<#(#jump_generics),*> {
                /// The rank of the arm to start at: this jump's, or `resumed` if none.
                #[inline]
                fn arm(&self, resumed: usize) -> usize {
                    match self {
                        #(Self::#jump_names { .. } => #jump_ranks,)*
                        Self::__Resume => resumed,
                    }
                }
            }
        }
    });
    let arms: Vec<TokenStream> = order
        .iter()
        .enumerate()
        .map(|(rank, &s)| {
            e.current.set(rank);
            e.arm(s)
        })
        .collect();
    let object = kind.object();
    let finished =
        quote!(#private::not_resumable(#private::pinned_phase(#state.as_mut()), #object));
    let chain = chain(arms, &scrutinee, &finished);
    let held = held_newtypes(
        l,
        payloads,
        order.iter().copied().filter(|&s| s != 0 && !e.transient(s)),
    );
    // A generator that never awaits stores no future: every state it suspends in is a
    // `yield_!`'s, whose variant holds only locals. Those are moved in by `Pin::set` at each
    // suspension and out by `take_state!` at each resume (see `coro_core::state`), so nothing
    // in the enum is ever structurally pinned and no code relies on its address: it can be
    // `Unpin` whatever the locals are, and so the generator an `Iterator` even when it holds
    // a `T` of a type parameter (or a `!Unpin` value) across a `yield_!`.
    let unpin = (matches!(kind, Kind::Generator { .. })
        && order
            .iter()
            .all(|&s| !l.states[s].resume || l.states[s].yields))
    .then(|| {
        quote! {
            impl<#(#generics),*> ::core::marker::Unpin for __CoroState<#(#generics),*> {}
        }
    });
    // Where a `mut` variable is moved into a drop flag, or moved and given a new value after
    // a suspension, the assignment that needs the `mut` is to the flag or to a later arm's
    // copy, and no store of the variable stands for it (see `touched`): such a coroutine
    // leaves `unused_mut` out. A drop flag's branch that leaves by a jump still builds the
    // flag's value after it (lower/flags), unreachable code of the macro's own: a coroutine
    // with a flag leaves `unreachable_code` out.
    let flagged = l.vars.all.iter().any(|var| var.flag.is_some());
    let mut lenient = Vec::new();
    if l.vars.all.iter().enumerate().any(|(v, var)| {
        var.mutable && (var.flag.is_some() || e.redeclared.iter().any(|r| r.contains(&v)))
    }) {
        lenient.push(quote!(unused_mut));
    }
    if flagged {
        lenient.push(quote!(unreachable_code));
    }
    let lenient = (!lenient.is_empty()).then(|| quote!(#[allow(#(#lenient),*)]));
    let new_frame = kind.frame();
    let clippy = clippy_allow();
    let frame = quote! {
        #new_frame(
            __CoroState::S0 { #(#start_slots: #start_values,)* },
            #lenient
            #clippy
            // The state's type comes from the frame's `FnMut` bound.
            move |mut #state, #input| #closure_ret {
                #next_decl
                #dispatch: loop {
                    #chain
                }
            },
        )
    };
    let body = if parsed.boxed {
        quote!(::std::boxed::Box::pin(#frame))
    } else {
        frame
    };
    let Parsed {
        attrs, vis, sig, ..
    } = parsed;
    let inputs = signature::renamed_inputs(parsed);
    let (constness, unsafety, ident, generics_decl, where_clause) = (
        &sig.constness,
        &sig.unsafety,
        &sig.ident,
        &sig.generics,
        &sig.generics.where_clause,
    );
    let ret = return_type(parsed, &kind);
    let must_use = must_use(attrs, &kind);
    // The user's `fn` and body braces (see `with_user_braces`).
    let fn_token = &sig.fn_token;
    let item = quote! {
        #(#attrs)*
        #must_use
        #vis #constness #unsafety #fn_token #ident #generics_decl (#inputs) -> #ret #where_clause {
            use ::coro_core::__private as #private;
            #(#items)*
            // Pinned; only `__fut` is structurally pinned (see `coro_core::state`).
            #[allow(non_camel_case_types)]
            #clippy
            enum __CoroState<#(#generics),*> {
                #(#variant_names { #(#variant_fields: #variant_types),* },)*
                // While an arm runs, its variant's fields live on the stack.
                __Running,
                __Done,
                __Panicked,
            }
            #unpin
            #jump_enum
            #held
            // The life cycle is the enum's own: no flag beside it, so no extra bytes.
            #[allow(unreachable_patterns)]
            #clippy
            impl<#(#generics),*> #private::StateEnum for __CoroState<#(#generics),*> {
                const LIFE: #private::Life<Self> = #private::Life {
                    name: #name,
                    running: Self::__Running,
                    done: Self::__Done,
                    panicked: Self::__Panicked,
                };
                #[inline]
                unsafe fn arm_at(this: *const Self) -> usize {
                    // SAFETY: the caller's contract makes `this` valid for reads; the patterns
                    // bind nothing, so the match reads only the discriminant.
                    unsafe {
                        match *this {
                            #(Self::#variant_names { .. } => #variant_ranks,)*
                            Self::__Done => #private::DONE_ARM,
                            Self::__Panicked => #private::PANICKED_ARM,
                            Self::__Running => #private::RUNNING_ARM,
                        }
                    }
                }
            }
            #body
        }
    };
    with_user_braces(item, parsed.body.brace_token.span.join())
}

/// `item` with its body's braces spanned as the user's: rustc's `dead_code` reports an item
/// only when its span is the user's, and an item's span runs from its first token (the
/// user's `fn`) to its body's closing brace; with either of the macro's, a coroutine function
/// nobody calls would never be reported.
fn with_user_braces(item: TokenStream, braces: Span) -> TokenStream {
    let mut trees: Vec<TokenTree> = item.into_iter().collect();
    if let Some(TokenTree::Group(body)) = trees.last_mut() {
        let mut respanned = proc_macro2::Group::new(body.delimiter(), body.stream());
        respanned.set_span(braces);
        *body = respanned;
    }
    trees.into_iter().collect()
}

/// `#[allow(clippy::all, clippy::pedantic)]`, for clippy only: outside clippy, rustc still
/// checks each tool lint's name in an `allow`, which cost about 0.6 M instructions per
/// coroutine of every `cargo check` (BENCHMARKS.md, compile time); a `cfg_attr` on the
/// `clippy` cfg, which only `cargo clippy` sets, is dropped before that.
fn clippy_allow() -> TokenStream {
    quote!(#[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))])
}

/// A variant list's names, field names and field types, for a nested `quote!` repetition.
#[allow(clippy::type_complexity)]
fn split_variants(
    list: &[(Ident, Vec<Ident>, Vec<Ident>)],
) -> (Vec<&Ident>, Vec<&Vec<Ident>>, Vec<&Vec<Ident>>) {
    (
        list.iter().map(|v| &v.0).collect(),
        list.iter().map(|v| &v.1).collect(),
        list.iter().map(|v| &v.2).collect(),
    )
}

/// `#[must_use]` for the function when its return type does not carry one: `Coroutine` and
/// `Generator` are `#[must_use]` traits themselves (one warning, not two), `Stream` is not.
fn must_use(attrs: &[syn::Attribute], kind: &Kind) -> TokenStream {
    if attrs.iter().any(|a| a.path().is_ident("must_use"))
        || matches!(kind, Kind::Coroutine | Kind::Generator { .. })
    {
        TokenStream::new()
    } else {
        let text = kind.must_use();
        quote!(#[must_use = #text])
    }
}

/// The coroutine's return type as callers see it.
pub(crate) fn return_type(parsed: &Parsed, kind: &Kind) -> TokenStream {
    let output = &parsed.output;
    let send = parsed.send.then(|| quote!(+ ::core::marker::Send));
    if parsed.boxed {
        let bound = parsed.box_lifetime.as_ref().map(|l| quote!(+ #l));
        quote!(::core::pin::Pin<::std::boxed::Box<dyn ::coro_core::Coroutine<Output = #output> #send #bound>>)
    } else {
        let object = kind.object_type(output);
        quote!(#object #send)
    }
}

/// What is emitted beside a compile error: the signature with the coroutine return type and a
/// body that never runs, so the error does not cascade to every caller.
pub(crate) fn stub(parsed: &Parsed) -> TokenStream {
    let Parsed {
        attrs, vis, sig, ..
    } = parsed;
    let span = sig.ident.span();
    let inputs = signature::renamed_inputs(parsed);
    let (ident, generics, where_clause) = (&sig.ident, &sig.generics, &sig.generics.where_clause);
    let kind = Kind::of(parsed).unwrap_or(Kind::Coroutine);
    let ret = return_type(parsed, &kind);
    let output = &parsed.output;
    let args = kind.stub_args();
    let value = if parsed.boxed {
        quote!(::std::boxed::Box::pin(::coro_core::__private::Stub::<#output>::new()))
    } else {
        quote!(::coro_core::__private::Stub::<#output #args>::new())
    };
    quote_spanned! {span=>
        #(#attrs)*
        #[allow(unused_variables, clippy::all)]
        #vis fn #ident #generics (#inputs) -> #ret #where_clause {
            #value
        }
    }
}

/// The name of the newtype that wraps variable `v` wherever a suspended state stores it, with
/// the span of the user's binding: when the coroutine is not `Send` (or not `Sync`) because of a
/// value held across an await, rustc's note "required because it appears within the type
/// `shared<Rc<u32>>`" then names the local and points at its `let`, as it does for an
/// `async fn`. A drop flag is named after the variable it holds; the macro's own variables
/// after what they are (a user's local spelled `__…` is taken for one of them).
fn held_name(l: &Lowered, v: usize) -> Ident {
    let user = |v: usize| {
        let var = &l.vars.all[v];
        (!var.ident.to_string().starts_with("__")).then(|| var.ident.clone())
    };
    let owner = || l.vars.all.iter().position(|var| var.flag == Some(v));
    if let Some(name) = user(v).or_else(|| owner().and_then(user)) {
        return name;
    }
    let ident = l.vars.all[v].ident.to_string();
    let what = if ident == "__self" {
        "self_"
    } else if ident.starts_with("__iter") {
        "for_loop_iterator"
    } else {
        "temporary"
    };
    Ident::new(what, Span::call_site())
}

/// `mod __coro_held { struct shared<T>(T); .. }`: one newtype per name stored in a suspended
/// state (see `held_name`). Zero-cost: a one-field struct has its field's layout and niches.
fn held_newtypes(
    l: &Lowered,
    payloads: &Payloads,
    stored: impl Iterator<Item = usize>,
) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut newtypes = Vec::new();
    for s in stored {
        for &v in &payloads[s] {
            let name = held_name(l, v);
            if seen.insert(name.to_string()) {
                newtypes
                    .push(quote!(pub(super) struct #name<__CoroValue>(pub(super) __CoroValue);));
            }
        }
    }
    if newtypes.is_empty() {
        return TokenStream::new();
    }
    let clippy = clippy_allow();
    quote! {
        #[allow(non_camel_case_types, dead_code)]
        #clippy
        mod __coro_held {
            #(#newtypes)*
        }
    }
}

/// The user's `mut` variables that some arm taking them back from the state (or declaring them
/// again) names in its code, so may mutate. rustc decides `unused_mut` on the user's own `let`,
/// which sees only its own arm (the later arms' copies are the macro's and leave the lint
/// out, see `emit::arms`), so each store of such a variable into a state from the arm that
/// holds the user's binding borrows it `&mut` as it moves it (`Emitter::store`), standing for
/// what the later arms may do. A `mut` variable
/// no later arm names is left alone: rustc still reports a `mut` nothing needs, as in an
/// `async fn`.
fn touched(
    l: &Lowered,
    payloads: &Payloads,
    redeclared: &[Vec<usize>],
) -> std::collections::BTreeSet<usize> {
    let none: Payloads = vec![Vec::new(); l.states.len()];
    let mut out = std::collections::BTreeSet::new();
    for (s, state) in l.states.iter().enumerate() {
        let rebound: Vec<usize> = payloads[s]
            .iter()
            .chain(&redeclared[s])
            .copied()
            .filter(|&v| {
                let var = &l.vars.all[v];
                var.mutable && !var.ident.to_string().starts_with("__")
            })
            .collect();
        if rebound.is_empty() {
            continue;
        }
        let named = arms::mentioned(l, &none, &state.body);
        out.extend(rebound.into_iter().filter(|v| named.contains(v)));
    }
    out
}

fn mentions_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == "impl",
        TokenTree::Group(g) => mentions_impl(g.stream()),
        _ => false,
    })
}

struct Emitter<'a> {
    /// The variables the arm being printed reads, assigns or stores (see `Node::Code::uninit`).
    mentioned: std::cell::RefCell<std::collections::BTreeSet<usize>>,
    /// The user's `mut` variables that the code of a later arm names (see `touched`).
    touched: std::collections::BTreeSet<usize>,
    kind: &'a Kind,
    l: &'a Lowered,
    payloads: &'a Payloads,
    redeclared: Vec<Vec<usize>>,
    variant: &'a HashMap<usize, Ident>,
    /// Each printed state's position in the printed order, the number in its variant's name:
    /// its arm's label is `arm_label(rank)`.
    rank: HashMap<usize, usize>,
    /// The rank of the arm being printed: a jump to a later one is a `break` to its label.
    current: std::cell::Cell<usize>,
    /// The state whose arm is being printed.
    arm_state: std::cell::Cell<usize>,
    dispatch: syn::Lifetime,
}

impl Emitter<'_> {
    /// Join and loop-head states: entered only by a jump within a step, never suspended in.
    fn transient(&self, s: usize) -> bool {
        s != 0 && !self.l.states[s].resume
    }

    /// Whether variable `v`, in the arm being printed, is the macro's copy (taken back from
    /// the state, or declared again) rather than the user's own binding.
    fn copied(&self, v: usize) -> bool {
        let s = self.arm_state.get();
        s != 0 && (self.payloads[s].contains(&v) || self.redeclared[s].contains(&v))
    }
}
