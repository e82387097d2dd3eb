//! The constructs that contain an await, taken apart into states: a block's statements in
//! order (`seq`), an `if`/`match`/loop/block in statement position (`compound`), an
//! `if`/`else if` chain, a `let … else`. Each awaiting construct becomes states and the jumps
//! between them; what lies between two states is left to plain.rs. Separate from lower.rs,
//! which holds the types and the passes, and from plain.rs, which lowers await-free code.

use super::flags::{breaks_to, if_conditions};
use super::{ArmNode, Cont, Lowerer, Node, Site, Target, diverges, never_completes};
use crate::names;
use crate::normalize::{has_await, stmt_has_await};
use crate::syntax::{ident_expr, let_pat};
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Block, Expr, Pat, Stmt};

impl Lowerer {
    /// `f(&x).await`: the future a call makes from `&x` (a direct argument) normally holds the
    /// borrow, and `x` moves into the state when the coroutine suspends at this await. rustc
    /// would report that on generated code; say it on the user's. Only direct arguments of
    /// the outermost call count: in `f(g(&x)).await` or `a.get(&x).send().await` the borrow
    /// usually ends before the future exists. A `let r = &x;` alias passed directly counts too.
    fn check_no_borrowed_local(&self, future: &Expr) -> syn::Result<()> {
        let args = match future {
            Expr::Call(c) => c.args.iter().collect::<Vec<_>>(),
            Expr::MethodCall(m) => m.args.iter().collect(),
            _ => return Ok(()),
        };
        let vars = &self.vars;
        let named = |name: &str| {
            vars.lookup(name)
                .filter(|&v| vars.all[v].current.as_ref().is_some_and(|c| c == name))
        };
        let found = args.iter().find_map(|arg| {
            if let Some(name) = crate::normalize::borrowed_variable(arg) {
                if names::self_var() != name && named(&name).is_some() {
                    let Expr::Reference(r) = arg else {
                        unreachable!("borrowed_variable matched a reference")
                    };
                    return Some((r.expr.span(), name));
                }
            }
            let Expr::Path(p) = arg else { return None };
            let v = p.path.get_ident().and_then(|i| named(&i.to_string()))?;
            let (src, _) = vars.all[v].alias?;
            Some((arg.span(), vars.all[src].ident.to_string()))
        });
        let Some((span, name)) = found else {
            return Ok(());
        };
        Err(syn::Error::new(
            span,
            format!(
                "the awaited future borrows `{name}`, which the coroutine owns, and is held \
                 while the coroutine is suspended at this `.await`: a coroutine's locals move \
                 into its state when it suspends, so they cannot stay borrowed. Pass an owned \
                 value (`{name}.clone()`, or move `{name}` in and return it from the callee), \
                 or make `{name}` a `&` reference parameter of this coroutine"
            ),
        ))
    }

    /// The statements of one block, then `k`.
    pub(super) fn seq(&mut self, stmts: &[Stmt], k: Cont) -> syn::Result<Vec<Node>> {
        let mut out = Vec::new();
        // Locals decided by the statements before, for an assignment after (flags/refills.rs).
        let mut handed = std::mem::take(&mut self.handed_on);
        for (i, stmt) in stmts.iter().enumerate() {
            let rest = &stmts[i + 1..];
            // An assignment of a local the flag holds fills the flag (flags/fills.rs).
            if let Some(filled) = self.fill_flags(stmt, &mut handed) {
                out.extend(filled.before);
                let mut again = vec![filled.stmt];
                again.extend(filled.take_back);
                again.extend(rest.iter().cloned());
                self.handed_on = handed;
                out.extend(self.seq(&again, k)?);
                return Ok(out);
            }
            let refill = self.refill_of(stmt, &mut handed);
            if let Stmt::Expr(tail, None) = stmt {
                if rest.is_empty() && diverges(stmt) {
                    // `{ ..; return x }`: no value flows on to `k`.
                    out.push(self.plain(stmt));
                    return Ok(out);
                }
                if rest.is_empty() {
                    self.hand_out(handed, k);
                    out.extend(self.compound(tail, k)?);
                    return Ok(out);
                }
            }
            if !stmt_has_await(stmt) {
                match refill {
                    Some(x) => out.extend(self.refill(x, stmt)),
                    None => out.extend(self.plain_flagged(stmt)),
                }
                handed.extend(self.take_decided());
                if diverges(stmt) {
                    // What follows is dead code. Lowering it would add a jump from a site where
                    // names shadowed on this path are unreachable, which would keep the join
                    // after this block from storing them.
                    return Ok(out);
                }
                continue;
            }
            match stmt {
                Stmt::Local(local) => {
                    let init = local.init.as_ref().expect("has an await");
                    if let Some((_, els)) = &init.diverge {
                        out.extend(self.let_else(&local.pat, &init.expr, els)?);
                        continue;
                    }
                    if let Expr::Await(aw) = &*init.expr {
                        let Pat::Ident(p) = &local.pat else {
                            unreachable!("normalized")
                        };
                        self.check_no_borrowed_local(&aw.base)?;
                        // An `if`/`match` in the future's expression may decide drop flags.
                        let mut aw = aw.clone();
                        let (flags, uses, mut moves);
                        (*aw.base, flags, uses, moves) = self.flagged_expr(&aw.base);
                        out.extend(self.assigned_ahead());
                        handed.extend(self.take_decided());
                        let mut aliases = TokenStream::new();
                        let jumps = self.mark_operand(&mut aw.base, &mut moves, &mut aliases);
                        if !aliases.is_empty() {
                            out.push(Self::prelude(aliases));
                        }
                        let aw = &aw;
                        let site = self.vars.visible();
                        // `let x = f.await;` where `x` shadows a variable: bind the output to a
                        // hidden name and let `plain` shadow `x` with it, so the old `x` is
                        // moved to a name the states after this one can still use.
                        let shadows = self.vars.lookup(&p.ident.to_string()).is_some();
                        let input_ident = if shadows {
                            names::temp("out", self.states.len())
                        } else {
                            p.ident.clone()
                        };
                        let input = self.vars.declare(input_ident.clone(), false, false);
                        let target = self.new_state(Some(input), true);
                        self.note_entry(target);
                        self.states[target].suspends_at = Some(aw.await_token.span);
                        let base = &aw.base;
                        let future = match &**base {
                            // `check` wrote `yield_!(v)` as `__coro_yield(v).await`.
                            Expr::Call(c) if names::is_yield_marker(&c.func) => {
                                self.states[target].yields = true;
                                let value = &c.args;
                                quote!(#value)
                            }
                            // Spanned on `.await`: a non-future is reported once, there.
                            _ => quote::quote_spanned!(aw.await_token.span=>
                                ::coro_core::__private::into_future(#base)
                            ),
                        };
                        out.push(Node::Suspend {
                            future,
                            uses,
                            moves,
                            flags,
                            jumps,
                            target,
                            site,
                        });
                        let mut body = Vec::new();
                        body.extend(self.declare_flags(&[input]));
                        if shadows {
                            let bind = let_pat(local.pat.clone(), ident_expr(&input_ident));
                            body.extend(self.plain_then_flags(&bind));
                        }
                        self.handed_on = handed;
                        body.extend(self.seq(rest, k)?);
                        self.states[target].body = body;
                        return Ok(out);
                    }
                    // `let PAT = <construct with an await>;`
                    let join = self.new_state(None, false);
                    out.extend(self.compound(&init.expr, Cont::State(join, true))?);
                    let input = self.vars.declare(names::temp("join", join), false, false);
                    self.states[join].input = Some(input);
                    let value = names::temp("join", join);
                    let bind = let_pat(local.pat.clone(), ident_expr(&value));
                    let mut body = self.plain_then_flags(&bind);
                    handed.extend(self.decided_into(join));
                    self.handed_on = handed;
                    body.extend(self.seq(rest, k)?);
                    self.states[join].body = body;
                    return Ok(out);
                }
                Stmt::Expr(expr, _) => {
                    let join = self.new_state(None, false);
                    out.extend(self.compound(expr, Cont::State(join, false))?);
                    handed.extend(self.decided_into(join));
                    self.handed_on = handed;
                    // The body's last statement, returning on every path: nothing enters
                    // the join, which must not return the body's `()` either.
                    let k = if rest.is_empty() && matches!(k, Cont::Return) && never_completes(stmt)
                    {
                        Cont::Unreachable
                    } else {
                        k
                    };
                    let body = self.seq(rest, k)?;
                    self.states[join].body = body;
                    return Ok(out);
                }
                Stmt::Macro(_) | Stmt::Item(_) => unreachable!("normalized"),
            }
        }
        // `..; panic!(..);` at the end of the body: no `()` follows a statement that never
        // completes (rustc would check it against the return type although it is dead).
        if matches!(k, Cont::Return) && stmts.last().is_some_and(never_completes) {
            return Ok(out);
        }
        self.hand_out(handed, k);
        out.extend(self.end_jump(k, None));
        Ok(out)
    }

    /// A construct in statement position whose value goes to `k`.
    fn compound(&mut self, expr: &Expr, k: Cont) -> syn::Result<Vec<Node>> {
        if !has_await(expr) {
            return Ok(self.end_jump(k, Some(expr)));
        }
        match expr {
            Expr::Block(b) => {
                let label = b.label.as_ref().map(|l| l.name.ident.to_string());
                let labelled = label.is_some();
                // Its `break`s reach `k` besides its end.
                let shared = match (k, &b.label) {
                    (Cont::State(join, _), Some(l)) if breaks_to(&b.block, &l.name) => Some(join),
                    _ => None,
                };
                if labelled {
                    self.targets.push(Target {
                        label,
                        is_loop: false,
                        break_to: k,
                        continue_to: None,
                    });
                }
                // Its `break`s may set drop flags (exits.rs).
                let (b, decided, edges) = if labelled {
                    self.begin_block(b, k)
                } else {
                    (b.clone(), Vec::new(), false)
                };
                self.shared.extend(shared);
                let nodes = self.block(&b.block, k);
                if shared.is_some() {
                    self.shared.pop();
                }
                self.end_exits(decided, edges);
                if labelled {
                    self.targets.pop();
                }
                nodes
            }
            Expr::If(_) => {
                let (site, tagged) = self.begin_site(expr, k);
                let Expr::If(i) = &tagged else {
                    unreachable!("tagging keeps the expression's kind")
                };
                let nodes = self.if_chain(i, k, &site, 0);
                self.end_site(site, k);
                nodes
            }
            Expr::Match(_) => {
                // Before the scrutinee: its candidates are watched from there on.
                let (site, tagged) = self.begin_site(expr, k);
                let Expr::Match(m) = &tagged else {
                    unreachable!("tagging keeps the expression's kind")
                };
                let pats: Vec<&Pat> = m.arms.iter().map(|a| &a.pat).collect();
                let (mut scrutinee, flags, mut uses, mut moves) =
                    self.flagged_scrutinee(&m.expr, &pats);
                let ahead = self.assigned_ahead();
                let mut arms = Vec::new();
                let mut prelude = TokenStream::new();
                let jumps = self.mark_operand(&mut scrutinee, &mut moves, &mut prelude);
                for (index, arm) in m.arms.iter().enumerate() {
                    self.at_branches(&site, index..index + 1);
                    self.vars.push();
                    self.shadowing_pattern(&arm.pat, &mut prelude);
                    let defs = self.vars.declare_pattern(&arm.pat);
                    self.mark_pattern_borrows(&m.expr, &arm.pat, &defs);
                    // A guard runs when the match does: what it reads counts as read there.
                    let guard = arm.guard.as_ref().map(|(_, g)| {
                        for u in self.vars.uses_expr(g) {
                            if !defs.contains(&u) && !uses.contains(&u) {
                                uses.push(u);
                            }
                        }
                        moves.extend(self.vars.moves().into_iter().filter(|v| !defs.contains(v)));
                        quote!(#g)
                    });
                    let body = self.compound(&arm.body, k);
                    self.vars.pop();
                    let pat = &arm.pat;
                    arms.push(ArmNode {
                        pat: quote!(#pat),
                        guard,
                        defs,
                        body: body?,
                    });
                }
                self.end_site(site, k);
                Ok(ahead
                    .into_iter()
                    .chain([
                        Self::prelude(prelude),
                        Node::Match {
                            scrutinee: quote!(#scrutinee),
                            uses,
                            moves,
                            flags,
                            jumps,
                            arms,
                        },
                    ])
                    .collect())
            }
            Expr::Loop(lp) => {
                let head = self.new_state(None, false);
                let enter = self.jump(Cont::State(head, false), None);
                let label = lp.label.as_ref().map(|l| l.name.ident.to_string());
                self.targets.push(Target {
                    label,
                    is_loop: true,
                    break_to: k,
                    continue_to: Some(head),
                });
                // Its exits may set drop flags (exits.rs).
                let (lp, decided) = self.begin_loop(lp, k);
                self.loop_depths.push(self.vars.depth());
                let body = self.block(&lp.body, Cont::State(head, false));
                self.loop_depths.pop();
                self.targets.pop();
                self.end_exits(decided, false);
                self.states[head].body = body?;
                Ok(vec![enter])
            }
            other => Err(syn::Error::new(
                other.span(),
                "unsupported construct around `.await`",
            )),
        }
    }

    /// The `if`/`else if` chain `i` (a site, or the rest of one after `else`) whose branches
    /// start at index `first` of the site's `branches`.
    fn if_chain(
        &mut self,
        i: &syn::ExprIf,
        k: Cont,
        site: &Site,
        first: usize,
    ) -> syn::Result<Vec<Node>> {
        let mut prelude = TokenStream::new();
        let mut moves;
        let flags;
        self.at_branches(site, first..first + 1);
        let jumps;
        let ahead;
        let (cond, uses, then) = if let Expr::Let(l) = &*i.cond {
            let mut l = l.clone();
            let uses;
            (*l.expr, flags, uses, moves) = self.flagged_scrutinee(&l.expr, &[&*l.pat]);
            ahead = self.assigned_ahead();
            jumps = self.mark_operand(&mut l.expr, &mut moves, &mut prelude);
            self.vars.push();
            self.shadowing_pattern(&l.pat, &mut prelude);
            let defs = self.vars.declare_pattern(&l.pat);
            self.mark_pattern_borrows(&l.expr, &l.pat, &defs);
            let then = self.seq(&i.then_branch.stmts, k);
            self.vars.pop();
            (quote!(#l), uses, then?)
        } else {
            let (mut cond, cond_flags, uses, cond_moves) = self.flagged_expr(&i.cond);
            ahead = self.assigned_ahead();
            (flags, moves) = (cond_flags, cond_moves);
            jumps = self.mark_operand(&mut cond, &mut moves, &mut prelude);
            (quote!(#cond), uses, self.block(&i.then_branch, k)?)
        };
        let els = match i.else_branch.as_ref().map(|(_, e)| &**e) {
            Some(e @ Expr::If(next)) if has_await(e) => self.if_chain(next, k, site, first + 1)?,
            Some(e) => {
                // An await-free rest of the chain is one jump for all its branches.
                let rest = match e {
                    Expr::If(next) => if_conditions(next).len() + 1,
                    _ => 1,
                };
                self.at_branches(site, first + 1..first + 1 + rest);
                self.compound(e, k)?
            }
            None => {
                self.at_branches(site, first + 1..first + 2);
                self.end_jump(k, None)
            }
        };
        Ok(ahead
            .into_iter()
            .chain([
                Self::prelude(prelude),
                Node::If {
                    cond,
                    uses,
                    moves,
                    flags,
                    jumps,
                    then,
                    els,
                },
            ])
            .collect())
    }

    fn block(&mut self, block: &Block, k: Cont) -> syn::Result<Vec<Node>> {
        self.vars.push();
        let nodes = self.seq(&block.stmts, k);
        self.vars.pop();
        Ok(vec![Node::Block(nodes?)])
    }

    fn let_else(&mut self, pat: &Pat, init: &Expr, els: &Expr) -> syn::Result<Vec<Node>> {
        let mut uses = self.vars.uses_scrutinee(init, [pat]);
        let mut moves = self.vars.moves();
        self.take_assigned(&Stmt::Expr(init.clone(), None), &mut uses);
        let ahead = self.assigned_ahead();
        let mut prelude = TokenStream::new();
        let written = init;
        let mut init = init.clone();
        let jumps = self.mark_operand(&mut init, &mut moves, &mut prelude);
        let els = self.compound(els, Cont::Unreachable)?;
        // Variables the bindings shadow keep a macro alias, as for a plain `let`.
        self.shadowing_pattern(pat, &mut prelude);
        let defs = self.vars.declare_pattern(pat);
        self.mark_let_borrows(written, pat, &defs);
        Ok(ahead
            .into_iter()
            .chain([
                Self::prelude(prelude),
                Node::LetElse {
                    pat: quote!(#pat),
                    init: quote!(#init),
                    uses,
                    moves,
                    defs,
                    jumps,
                    els,
                },
            ])
            .collect())
    }
}
