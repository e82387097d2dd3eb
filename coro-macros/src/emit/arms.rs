//! The step closure's arms: one per printed state. An arm moves the state's stored variables
//! out into bindings of their own names (`take_state!`, `resume_state!` polling the stored
//! future, or the payload of a pending `__CoroJump`), then prints the lowered nodes back as
//! tokens, with each jump marker replaced by its jump: the target's payload moved into the
//! state (or `__next`), then a `break` forward to the target's arm or a `continue` back to the
//! dispatch.

use super::dispatch::{SEGMENT, arm_label, segment_label};
use super::tokens::{Binding, HeldPath, Tree, VarName, arm_of, unmarked};
use super::{Emitter, held_name};
use crate::kind::Kind;
use crate::liveness::Payloads;
use crate::lower::{Cont, Lowered, Node};
use crate::names;
use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, TokenStreamExt, quote};

impl Emitter<'_> {
    pub(super) fn arm(&self, s: usize) -> TokenStream {
        let state = &self.l.states[s];
        self.arm_state.set(s);
        *self.mentioned.borrow_mut() = mentioned(self.l, self.payloads, &state.body);
        let name = &self.variant[&s];
        let st = names::hidden("__state");
        let cx = names::hidden("__cx");
        let private = names::private();
        let body = self.nodes(&state.body);
        // The arm's copies of the stored variables (and the ones it declares again) are the
        // macro's, not the user's bindings: whether the user's variable is used, needs its
        // `mut` or has its value read is rustc's to say on the user's own `let` (see
        // `super::touched`), so the copies are left out of those lints. And of
        // `unreachable_code`: after a future whose output is `!` (awaiting a `-> !`
        // coroutine), the rest of the arm's preamble is unreachable.
        let allow =
            quote!(#[allow(unused_mut, unused_variables, unused_assignments, unreachable_code)]);
        if s == 0 {
            let slots = self.l_args();
            return arm_of(
                quote! {
                    let (#(#slots,)*) = #private::take_state!(#st, __CoroState::#name { #(#slots),* });
                },
                body,
            );
        }
        let mut pattern = Vec::new();
        // The stored fields (in `pattern`'s order) and the bindings they are moved into.
        let mut taken = Vec::new();
        let mut aliases = Vec::new();
        // A shadowed variable is bound under its hidden name and read through a macro of the
        // same name (see `names::shadow_name`); macros must come before any use.
        let mut macros = Vec::new();
        // Locals declared again (see below), each with how many stored ones come before it in
        // the source, so that it takes its place among the payload's bindings (`bind_payload`).
        let mut declared = Vec::new();
        for (id, ident) in &state.scope {
            let Some(ident) = ident else { continue };
            let var = &self.l.vars.all[*id];
            let bound = self.payloads[s].contains(id) || self.redeclared[s].contains(id);
            if bound && *ident == names::shadow_name(*id) {
                macros.push(quote!(macro_rules! #ident { () => { #ident } }));
            }
            if self.payloads[s].contains(id) {
                let field = names::var_field(*id);
                pattern.push(Binding {
                    field: Some(field.clone()),
                    held: None,
                    mutable: var.mutable,
                    ident: ident.clone(),
                });
                taken.push((
                    field,
                    Binding {
                        field: None,
                        held: Some(self.held(*id)),
                        mutable: var.mutable,
                        ident: ident.clone(),
                    },
                ));
            } else if self.redeclared[s].contains(id) {
                let m = var.mutable.then(|| quote!(mut));
                declared.push((taken.len(), quote!(#allow let #m #ident;)));
                // Pin the type with an assignment that never runs (see `Var::type_of`).
                let companion = var.type_of.and_then(|c| {
                    state
                        .scope
                        .iter()
                        .find(|(v, _)| *v == c)
                        .and_then(|(_, n)| n.clone())
                });
                if let (Some(companion), true) = (companion, var.mutable) {
                    let companion = names::expr_name(&companion);
                    aliases.push(quote!(#allow if false { #ident = #companion.never(); }));
                }
            } else if let Some((src, mutable)) = var.alias {
                if self.payloads[s].contains(&src) {
                    let src_name = state
                        .scope
                        .iter()
                        .find(|(v, _)| *v == src)
                        .and_then(|(_, n)| n.clone());
                    if let Some(src_name) = src_name {
                        let m = mutable.then(|| quote!(mut));
                        let src_name = names::expr_name(&src_name);
                        aliases.push(quote!(#allow let #ident = &#m #src_name;));
                    }
                }
            }
        }
        let fields: Vec<&Ident> = taken.iter().map(|(f, _)| f).collect();
        let binders: Vec<&Binding> = taken.iter().map(|(_, b)| b).collect();
        // Only where a copy has a user's name: hidden ones (`__t2`, `__flag0`) are spanned as
        // the macro's, which rustc does not lint; each attribute is one more for rustc to read.
        let user_named = |b: &Binding| !b.ident.to_string().starts_with("__");
        let allow_taken = binders.iter().any(|b| user_named(b)).then(|| allow.clone());
        let (payload, before, after) = if state.yields || state.resume {
            bind_payload(&binders, std::mem::take(&mut declared), &allow)
        } else {
            Default::default()
        };
        // After a future whose output is `!`, the rest of `resume_state!` is unreachable.
        let allow_resumed = if allow_taken.is_some() {
            allow.clone()
        } else {
            quote!(#[allow(unreachable_code)])
        };
        let fut = names::hidden("__fut");
        let out = names::hidden("__out");
        let input = state.input.map(|v| &self.l.vars.all[v].ident);
        if state.yields {
            let input = input.expect("resume states take the output");
            let resume = names::hidden("__resume");
            let sent = match self.kind {
                Kind::Generator { .. } => quote! {
                    match #resume.take() {
                        ::core::option::Option::Some(v) => v,
                        ::core::option::Option::None => ::core::unreachable!("a started generator is resumed with a value"),
                    }
                },
                Kind::Coroutine | Kind::Stream { .. } => quote!(()),
            };
            arm_of(
                quote! {
                    #before
                    #allow_taken
                    let #payload = #private::take_state!(#st, __CoroState::#name { #(#fields),* });
                    #after
                    #(#macros)* #(#aliases)*
                    let #input = #sent;
                },
                body,
            )
        } else if state.resume {
            let input = input.expect("resume states take the output");
            arm_of(
                quote! {
                    #before
                    #allow_resumed
                    let (#out, #payload) = #private::resume_state!(#st, #cx, __CoroState::#name { #fut ; #(#fields),* });
                    #after
                    #(#macros)* #(#aliases)*
                    // A statement of the macro's, so the first that a future whose output is
                    // `!` leaves unreachable is not the user's.
                    #[allow(unreachable_code)]
                    let #input = #out;
                },
                body,
            )
        } else {
            let input_field = names::hidden("__in");
            if let Some(input) = input {
                pattern.push(Binding {
                    field: Some(input_field),
                    held: None,
                    mutable: false,
                    ident: input.clone(),
                });
            }
            // A transient state: its payload arrives in `__next`, the pinned state is
            // `__Running` meanwhile.
            // The payload is moved out into a `let` of its own, so that the `allow` on the
            // copies covers only them, not the user's code after it.
            let next = names::hidden("__next");
            let taken = quote!(::core::mem::replace(&mut #next, __CoroJump::__Resume));
            let binders: Vec<Binding> = pattern
                .iter()
                .map(|b| Binding {
                    field: None,
                    held: None,
                    mutable: b.mutable,
                    ident: b.ident.clone(),
                })
                .collect();
            let allow_copies = binders.iter().any(user_named).then(|| allow.clone());
            let take = if splits_payload(&declared, binders.len()) {
                // Bound whole and cut into runs (see `bind_payload`).
                let slots: Vec<&Ident> = pattern.iter().filter_map(|b| b.field.as_ref()).collect();
                let (payload, before, after) = bind_payload(&binders, declared, &allow);
                quote! {
                    #before
                    #allow_copies
                    let #payload = match #taken {
                        __CoroJump::#name { #(#slots),* } => (#(#slots,)*),
                        _ => #private::unreachable_state(),
                    };
                    #after
                }
            } else {
                // Each field straight into its binding: a `let .. else` is less for rustc
                // to lower and check than a `match` building a tuple to destructure.
                // (`bind_payload` only places the declared locals before or after it here.)
                let (_, before, after) = bind_payload(&binders, declared, &allow);
                quote! {
                    #before
                    #allow_copies
                    let __CoroJump::#name { #(#pattern),* } = #taken else {
                        #private::unreachable_state()
                    };
                    #after
                }
            };
            arm_of(quote!(#take #(#macros)* #(#aliases)*), body)
        }
    }

    /// The path of the newtype that wraps variable `v` in a suspended state's payload.
    fn held(&self, v: usize) -> HeldPath {
        let mut name = held_name(self.l, v);
        name.set_span(Span::mixed_site());
        HeldPath(name)
    }

    /// The Start variant's fields: the argument slots, in order.
    fn l_args(&self) -> Vec<Ident> {
        (0..self.l.arg_count).map(names::arg_slot).collect()
    }

    fn nodes(&self, nodes: &[Node]) -> TokenStream {
        nodes
            .iter()
            .enumerate()
            .map(|(i, n)| match n {
                // First in its block, with no value: no code of the user's comes before it
                // there, so it needs no `allow(unreachable_code)` (see `jump_stmts`), one
                // attribute less for rustc to read.
                Node::Jump(j)
                    if i == 0
                        && self.l.jumps[*j].value.is_none()
                        && !matches!(self.l.jumps[*j].cont, Cont::Unreachable) =>
                {
                    Tree::new().braced(self.jump_code(*j)).into()
                }
                n => self.node(n),
            })
            .collect()
    }

    fn node(&self, node: &Node) -> TokenStream {
        match node {
            Node::Code {
                uninit: true, defs, ..
            } if !defs.iter().any(|d| self.mentioned.borrow().contains(d)) => TokenStream::new(),
            // Markers only occur where `lower` recorded jumps (`Node::jumps`, and jump values):
            // other code is copied as it is.
            Node::Code {
                tokens,
                jumps,
                defs,
                assigns: false,
                ..
            } if defs.len() == 1
                && self.l.vars.all[defs[0]].ident.to_string().starts_with("__") =>
            {
                quiet_hoisted(self.marked(tokens, jumps))
            }
            Node::Code { tokens, jumps, .. } => self.marked(tokens, jumps),
            // The construct around a condition, scrutinee, initialiser or future is assembled
            // from token trees, moving each stream in once (see `Tree`).
            Node::Block(b) => Tree::new().braced(self.nodes(b)).into(),
            Node::If {
                cond,
                jumps,
                then,
                els,
                ..
            } => Tree::new()
                .word("if")
                .stream(self.marked(cond, jumps))
                .braced(self.nodes(then))
                .word("else")
                .braced(self.nodes(els))
                .into(),
            Node::Match {
                scrutinee,
                jumps,
                arms,
                ..
            } => {
                let mut all = Tree::new();
                for a in arms {
                    all = all.stream(a.pat.clone());
                    if let Some(guard) = &a.guard {
                        all = all.word("if").stream(guard.clone());
                    }
                    all = all.punct2('=', '>').braced(self.nodes(&a.body));
                }
                Tree::new()
                    .word("match")
                    .stream(self.marked(scrutinee, jumps))
                    .braced(all.into())
                    .into()
            }
            Node::LetElse {
                pat,
                init,
                jumps,
                els,
                ..
            } => Tree::new()
                .word("let")
                .stream(pat.clone())
                .punct('=')
                .stream(self.marked(init, jumps))
                .word("else")
                .braced(self.nodes(els))
                .punct(';')
                .into(),
            Node::Jump(j) => self.jump(*j),
            Node::Suspend {
                future,
                jumps,
                target,
                site,
                ..
            } => {
                // A jump out of the future's expression goes to a join or loop head (`break`
                // and `continue` never enter a resume state), so it sets `__next`, not the
                // pinned state being set around it.
                let future = self.marked(future, jumps);
                if self.l.states[*target].yields {
                    // Evaluate the yielded value first: it may read what the state stores.
                    let y = names::hidden("__yielded");
                    let yielded = self.kind.yielded(&quote!(#y));
                    let store = self.store(*target, &TokenStream::new(), site);
                    // The declared type on the binding puts a mismatch on the user's value.
                    let ty = self.kind.yield_ty().map(|t| quote!(: #t));
                    quote!({ let #y #ty = #future; #store return #yielded; })
                } else {
                    let fut = names::hidden("__fut");
                    let future = quiet_parens(future);
                    let transfer = self.transfer(*target, &quote!(#fut: #future,), site);
                    Tree::new().braced(transfer).into()
                }
            }
        }
    }

    /// Jump `j` as a block: `#[allow(unreachable_code)] { .. }` (see `jump_stmts`), a
    /// statement of its own, so that nothing without the `allow` comes between the user's
    /// code and the jump.
    fn jump(&self, j: usize) -> TokenStream {
        self.jump_stmts(j)
    }

    /// Jump `j` as one statement, `#[allow(unreachable_code)] { .. }` (a jump marker's
    /// braces hold it directly).
    fn jump_stmts(&self, j: usize) -> TokenStream {
        let jump = &self.l.jumps[j];
        // A value that is itself a jump (`None => break,` ending a loop's body, whose value
        // goes on to the loop head) leaves from there: what would follow it is unreachable,
        // and rustc reports unreachable code even in a macro's expansion.
        if let Some(inner) = jump.value.as_ref().and_then(lone_marker) {
            if jump.pre.is_empty() {
                return self.jump_stmts(inner);
            }
        }
        // A jump is the macro's code, reached when the user's code before it completes: after
        // a statement that never does (a branch ending in `panic!(..);`), after a value that
        // never does (a `return`, a `loop` with no `break`), or at the end of a `let .. else`
        // block, it is unreachable, and rustc reports unreachable code in a macro's expansion
        // too. So it is allowed to be, which hides nothing of the user's but a jump's value.
        let code = self.jump_code(j);
        quote!(#[allow(unreachable_code)] { #code })
    }

    /// `jump_stmts` without the `allow` around it.
    fn jump_code(&self, j: usize) -> TokenStream {
        let jump = &self.l.jumps[j];
        let value = jump.value.clone().map(|v| {
            if jump.inner.is_empty() {
                v
            } else {
                self.substitute(v)
            }
        });
        match jump.cont {
            Cont::Return => {
                let value = value.unwrap_or_else(|| quote!(()));
                let complete = self.kind.complete(&value);
                quote!(return #complete;)
            }
            Cont::Unreachable => quote!(#value; ::core::unreachable!()),
            Cont::State(t, takes) => {
                // Drop flags the jump sets (`Jump::pre`) are set after its value.
                let pre = &jump.pre;
                if takes {
                    let input = names::hidden("__in");
                    let value = value.unwrap_or_else(|| quote!(()));
                    if pre.is_empty() {
                        return self.transfer(t, &quote!(#input: #value,), &jump.site);
                    }
                    let transfer = self.transfer(t, &quote!(#input: #input,), &jump.site);
                    quote!(let #input = #value; #pre #transfer)
                } else {
                    let transfer = self.transfer(t, &TokenStream::new(), &jump.site);
                    if value.is_none() && pre.is_empty() {
                        return transfer;
                    }
                    let discard = value.map(|v| quote!(::core::mem::drop(#v);));
                    quote!(#discard #pre #transfer)
                }
            }
        }
    }

    /// Moves `first` and then the payload of `target` into the state and goes there: the
    /// statements, without braces.
    fn transfer(
        &self,
        target: usize,
        first: &TokenStream,
        site: &crate::vars::Visible,
    ) -> TokenStream {
        let mut out = self.store(target, first, site);
        let (rank, current) = (self.rank[&target], self.current.get());
        if rank > current {
            // Forward: out of the blocks up to the target's arm or, in a later segment, up to
            // that segment's own dispatch (see `chain`).
            out.append(Ident::new("break", Span::call_site()));
            if rank / SEGMENT == current / SEGMENT {
                arm_label(rank).to_tokens(&mut out);
            } else {
                segment_label(rank / SEGMENT).to_tokens(&mut out);
            }
        } else {
            out.append(Ident::new("continue", Span::call_site()));
            self.dispatch.to_tokens(&mut out);
        }
        out.append(Punct::new(';', Spacing::Alone));
        out
    }

    /// Moves `first` and then the payload of `target` into the state (or, for a transient
    /// target, into `__next`).
    fn store(
        &self,
        target: usize,
        first: &TokenStream,
        site: &crate::vars::Visible,
    ) -> TokenStream {
        let name = &self.variant[&target];
        let st = names::hidden("__state");
        let transient = self.transient(target);
        let payload = &self.payloads[target];
        let fields = payload.iter().map(|&v| names::var_field(v));
        // A stored `mut` variable in `super::touched` is borrowed `&mut` as it is moved in:
        // the user's `mut` is needed by a later arm (see there). In its own field, so after
        // everything the jump evaluates before. Only where the arm holds the user's own
        // binding: a copy's `mut` is the macro's and allowed, and the arm that declared the
        // variable has stored it, borrowed, already.
        let values = payload.iter().map(|v| {
            let name = site
                .iter()
                .find(|(id, _)| id == v)
                .and_then(|(_, n)| n.clone())
                .map(VarName);
            match name {
                Some(name) if self.touched.contains(v) && !self.copied(*v) => {
                    Some(quote!({ let _ = &mut #name; #name }))
                }
                name => name.map(ToTokens::into_token_stream),
            }
        });
        if transient {
            let next = names::hidden("__next");
            let aliases = self.alias_reads(target, site);
            return quote!(#aliases #next = __CoroJump::#name { #first #(#fields: #values),* };);
        }
        let helds = payload.iter().map(|&v| self.held(v));
        let aliases = self.alias_reads(target, site);
        quote!(#aliases #st.set(__CoroState::#name { #first #(#fields: #helds(#values)),* });)
    }

    /// `let _ = &r;` for each `let r = &x;` alias visible at a jump into `target` whose arm
    /// builds it again (see `arm`): the user's `r` may be read only there, by the macro's
    /// copy, and rustc decides `unused_variables` on the user's own `let`.
    fn alias_reads(&self, target: usize, site: &crate::vars::Visible) -> TokenStream {
        let mut out = TokenStream::new();
        for (v, name) in site {
            let Some(name) = name else { continue };
            if self.l.vars.all[*v].alias.is_none() || name.to_string().starts_with("__") {
                continue;
            }
            if self.l.states[target]
                .scope
                .iter()
                .any(|(t, n)| t == v && n.is_some())
            {
                let name = VarName(name.clone());
                out.extend(quote!(let _ = &#name;));
            }
        }
        out
    }

    /// User code with its markers `jumps` replaced by the jumps' code; without any, copied as
    /// it is.
    fn marked(&self, tokens: &TokenStream, jumps: &[usize]) -> TokenStream {
        if jumps.is_empty() {
            unmarked(tokens)
        } else {
            self.substitute(tokens.clone())
        }
    }

    /// Replaces jump markers in user code with the jumps' code.
    fn substitute(&self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|tt| match tt {
                TokenTree::Ident(i) => match names::parse_jump_marker(&i) {
                    Some(j) => TokenTree::Group(Group::new(Delimiter::Brace, self.jump_stmts(j))),
                    None => TokenTree::Ident(i),
                },
                TokenTree::Group(g) => {
                    let mut ng = Group::new(g.delimiter(), self.substitute(g.stream()));
                    ng.set_span(g.span());
                    TokenTree::Group(ng)
                }
                other => other,
            })
            .collect()
    }
}

/// `let __t1 = (a + b);`, an operand normalize hoisted in front of an await (`(a + b) *
/// f().await`), with the parentheses spanned as the macro's: the user's expression needed
/// them, the `let` it became does not, and rustc's `unused_parens` would say so on the user's
/// code. Any other code is returned as it is.
fn quiet_hoisted(code: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = code.clone().into_iter().collect();
    let hoisted = match trees.as_slice() {
        [TokenTree::Ident(l), rest @ ..] if l == "let" => match rest {
            [TokenTree::Ident(m), TokenTree::Ident(name), rest @ ..] if m == "mut" => {
                Some((name, rest))
            }
            [TokenTree::Ident(name), rest @ ..] => Some((name, rest)),
            _ => None,
        },
        _ => None,
    };
    let Some((name, rest)) = hoisted else {
        return code;
    };
    match rest {
        [
            TokenTree::Punct(eq),
            TokenTree::Group(g),
            TokenTree::Punct(semi),
        ] if name.to_string().starts_with("__")
            && eq.as_char() == '='
            && semi.as_char() == ';'
            && g.delimiter() == Delimiter::Parenthesis =>
        {
            let mut quiet = Group::new(Delimiter::Parenthesis, g.stream());
            quiet.set_span(Span::call_site().located_at(g.span()));
            let mut trees = trees;
            let at = trees.len() - 2;
            trees[at] = TokenTree::Group(quiet);
            trees.into_iter().collect()
        }
        _ => code,
    }
}

/// `into_future((a as B))` (or `({ .. })`) with the inner delimiters spanned as the
/// macro's: the user's `(a as B).await` needs them, the argument of the call it became does
/// not, and rustc's `unused_parens` (`unused_braces`) would say so on the user's code.
fn quiet_parens(future: TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = future.into_iter().collect();
    if let Some(TokenTree::Group(args)) = trees.last_mut() {
        let mut inner = args.stream().into_iter();
        if let (Some(TokenTree::Group(only)), None) = (inner.next(), inner.next()) {
            if args.delimiter() == Delimiter::Parenthesis
                && matches!(only.delimiter(), Delimiter::Parenthesis | Delimiter::Brace)
            {
                let mut quiet = Group::new(only.delimiter(), only.stream());
                quiet.set_span(Span::call_site().located_at(only.span()));
                let mut outer = Group::new(
                    Delimiter::Parenthesis,
                    std::iter::once(TokenTree::Group(quiet)).collect(),
                );
                outer.set_span(args.span());
                *args = outer;
            }
        }
    }
    trees.into_iter().collect()
}

/// The jump that `value` consists of, when it is one jump marker and nothing else.
fn lone_marker(value: &TokenStream) -> Option<usize> {
    let mut trees = value.clone().into_iter();
    match (trees.next(), trees.next()) {
        (Some(TokenTree::Ident(i)), None) => names::parse_jump_marker(&i),
        _ => None,
    }
}

/// Variables that `nodes` (one arm) reads, assigns, or stores when it leaves for another state.
pub(super) fn mentioned(
    l: &Lowered,
    payloads: &Payloads,
    nodes: &[Node],
) -> std::collections::BTreeSet<usize> {
    fn jump(
        l: &Lowered,
        payloads: &Payloads,
        j: usize,
        out: &mut std::collections::BTreeSet<usize>,
    ) {
        let j = &l.jumps[j];
        out.extend(j.uses.iter().copied());
        out.extend(j.defs.iter().copied());
        for &inner in &j.inner {
            jump(l, payloads, inner, out);
        }
        if let Cont::State(t, _) = j.cont {
            out.extend(payloads[t].iter().copied());
        }
    }
    fn walk(
        l: &Lowered,
        payloads: &Payloads,
        nodes: &[Node],
        out: &mut std::collections::BTreeSet<usize>,
    ) {
        for node in nodes {
            match node {
                Node::Code {
                    uses,
                    defs,
                    assigns,
                    ..
                } => {
                    out.extend(uses.iter().copied());
                    if *assigns {
                        out.extend(defs.iter().copied());
                    }
                }
                Node::Block(b) => walk(l, payloads, b, out),
                Node::If {
                    uses, then, els, ..
                } => {
                    out.extend(uses.iter().copied());
                    walk(l, payloads, then, out);
                    walk(l, payloads, els, out);
                }
                Node::Match { uses, arms, .. } => {
                    out.extend(uses.iter().copied());
                    for a in arms {
                        walk(l, payloads, &a.body, out);
                    }
                }
                Node::LetElse { uses, els, .. } => {
                    out.extend(uses.iter().copied());
                    walk(l, payloads, els, out);
                }
                Node::Jump(j) => jump(l, payloads, *j, out),
                Node::Suspend { uses, target, .. } => {
                    out.extend(uses.iter().copied());
                    out.extend(payloads[*target].iter().copied());
                }
            }
            for &j in node.jumps() {
                jump(l, payloads, j, out);
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(l, payloads, nodes, &mut out);
    out
}

/// How an arm binds its payload: a tuple pattern of `binders`, with each local of `declared`
/// (its declaration, and how many of the bindings come before it in the source) declared in
/// its place among them, so that a `return` or a panic in the arm drops it where rustc would:
/// after the locals declared later, before the earlier ones. A local that comes before every
/// binding is declared before the `let`, one after all of them after it; with one in between,
/// the `let` binds the whole tuple to a hidden name and runs of its fields are moved out into
/// the bindings between the declarations. Returns the pattern, then the code before and after
/// the `let`.
fn bind_payload<B: ToTokens>(
    binders: &[B],
    declared: Vec<(usize, TokenStream)>,
    allow: &TokenStream,
) -> (TokenStream, TokenStream, TokenStream) {
    let n = binders.len();
    if declared.iter().all(|&(at, _)| at == 0) {
        let code = declared.into_iter().map(|(_, code)| code).collect();
        return (quote!((#(#binders,)*)), code, TokenStream::new());
    }
    if declared.iter().all(|&(at, _)| at == n) {
        let code = declared.into_iter().map(|(_, code)| code).collect();
        return (quote!((#(#binders,)*)), TokenStream::new(), code);
    }
    let whole = names::hidden("__payload");
    let mut after = TokenStream::new();
    let mut from = 0;
    let mut cuts: Vec<(usize, Option<TokenStream>)> = declared
        .into_iter()
        .map(|(at, code)| (at, Some(code)))
        .collect();
    cuts.push((n, None));
    for (to, code) in cuts {
        if to > from {
            let run = &binders[from..to];
            let fields = (from..to).map(proc_macro2::Literal::usize_unsuffixed);
            after.extend(quote!(#allow let (#(#run,)*) = (#(#whole.#fields,)*);));
            from = to;
        }
        after.extend(code);
    }
    (quote!(#whole), TokenStream::new(), after)
}

/// Whether `bind_payload` binds a payload of `n` fields whole and cuts it into runs: some
/// local of `declared` goes between its bindings, or locals go both before and after them.
fn splits_payload(declared: &[(usize, TokenStream)], n: usize) -> bool {
    !declared.iter().all(|&(at, _)| at == 0) && !declared.iter().all(|&(at, _)| at == n)
}
