//! How a branch of an `if`/`match` leaves a drop-flag candidate (`Way`): kept, certainly
//! moved, refilled, or decided by a nested site or labelled block; and the facts that reading
//! needs: what code certainly moves (`certain`), what a site's branches may move, and whether
//! the local is certainly there when its site starts (`present_at`). Both the await-free
//! statements (statements.rs) and the awaiting sites (flags.rs) read their branches this way.

use super::sites::{
    assigns, has_branch, heads, if_conditions, lets_bind, pattern_binds, sites_of, stmt_breaks_to,
    without_site,
};
use super::{BY_BLOCK, Way};
use crate::lower::{Lowerer, block_expr, branches};
use crate::normalize::has_await;
use crate::vars::VarId;
use proc_macro2::Ident;
use syn::{Block, Expr, Pat, Stmt, Token};

impl Lowerer {
    /// What the branches of the `if`/`match` `site` may move, with the conditions of its
    /// `else if`s (its first condition or scrutinee always runs, and has sites of its own).
    pub(super) fn branch_moves(&mut self, site: &Expr) -> Vec<VarId> {
        self.vars.uses_expr(site);
        let mut moves = self.vars.moves();
        if let Some(head) = heads(site).first() {
            self.vars.uses_expr(head);
            let in_head = self.vars.moves();
            moves.retain(|v| !in_head.contains(v));
        }
        moves
    }

    /// The variables that a use read so far (in source order) may have moved.
    pub(in crate::lower) fn moved_yet(&self) -> Vec<VarId> {
        (0..self.vars.all.len())
            .filter(|&v| self.vars.all[v].moved_yet)
            .collect()
    }

    /// Runs `read`, which reads code ahead of the point being lowered (a construct's parts,
    /// before they are lowered), then forgets which variables those reads may have moved and
    /// which watches they ended: `moved_yet` is about the code before that point
    /// (`present_at`), and lowering reads that code again, in source order, when it gets
    /// there. A part read apart from the `let`s before it may also read a name they shadow
    /// as the outer local (`{ let x = ..; match x { .. } }` in an awaiting arm), which no
    /// use of the outer one is.
    pub(in crate::lower) fn reading_ahead<R>(&mut self, read: impl FnOnce(&mut Self) -> R) -> R {
        let before: Vec<bool> = self.vars.all.iter().map(|v| v.moved_yet).collect();
        let watched = self.vars.watched.clone();
        let out = read(self);
        for (var, was) in self.vars.all.iter_mut().zip(before) {
            var.moved_yet = was;
        }
        self.vars.watched = watched;
        out
    }

    /// Is `v` certainly there when its site starts, as a branch that keeps it needs
    /// (`Some(x)`)? rustc checks that for the user's code only: when `x` may have been moved
    /// before (`maybe_moved`: some use read earlier may move it) and every branch that moves
    /// it first assigns it (`if c { x = D::new(); drop(x) }`), the user's code is fine and
    /// `Some(x)` in the other branches is not (E0382). A branch that moves `x` before any
    /// assignment (`witness`) proves it there, since rustc accepted that move. A site that
    /// an enclosing one decides was already proven by it. (Source order is execution order
    /// here: code after the site runs before it only in an earlier turn of a loop, and a
    /// local declared outside the innermost loop that became states gets no flag.)
    pub(super) fn present_at(&self, v: VarId, maybe_moved: bool, witness: bool) -> bool {
        !maybe_moved || witness || self.deciding.iter().any(|(d, _)| *d == v)
    }

    /// Does evaluating `e` certainly move `v`, whenever it completes normally? (A use that may
    /// move it outside any branch, loop, closure or short-circuit operand: see `certain`.)
    fn certainly_moves(&mut self, e: &Expr, v: VarId) -> bool {
        self.vars.uses_expr(&certain(e));
        self.vars.moves().contains(&v) || self.every_branch_moves(e, v)
    }

    /// Is `e` an `if` with an `else`, or a `match`, each of whose branches certainly moves
    /// `v` (`match k { 0 => drop(x), _ => { log(..); drop(x) } }`), or a plain block ending in
    /// one? No pattern of it may bind `v`'s name (a branch's move would be another local's).
    fn every_branch_moves(&mut self, e: &Expr, v: VarId) -> bool {
        let Some(name) = self.vars.all[v].current.clone() else {
            return false;
        };
        if pattern_binds(e, &name) {
            return false;
        }
        match e {
            Expr::Match(m) => {
                !m.arms.is_empty() && m.arms.iter().all(|a| self.certainly_moves(&a.body, v))
            }
            Expr::If(i) => i.else_branch.as_ref().is_some_and(|(_, els)| {
                let then = block_expr(i.then_branch.clone());
                self.certainly_moves(&then, v) && self.certainly_moves(els, v)
            }),
            Expr::Block(b) if b.label.is_none() => match b.block.stmts.split_last() {
                Some((Stmt::Expr(last, _), before)) if !lets_bind(before, &name) => {
                    self.every_branch_moves(last, v)
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// `certainly_moves` for a statement.
    pub(in crate::lower) fn stmt_certainly_moves(&mut self, stmt: &Stmt, v: VarId) -> bool {
        let e = match stmt {
            Stmt::Expr(e, _) => e,
            Stmt::Local(l) => match &l.init {
                Some(init) => &*init.expr,
                None => return false,
            },
            Stmt::Item(_) | Stmt::Macro(_) => return false,
        };
        self.certainly_moves(e, v)
    }

    /// How each branch of the `if`/`match` `expr` leaves `v`, if that is known at expansion
    /// time.
    ///
    /// An `else if` condition that certainly moves `v` moves it on every branch after it (it
    /// runs only on their paths, before them); the first condition or scrutinee must not
    /// move it. (Those branches are not read: a refill in one of them, see `refills`, is not
    /// followed, and `v` drops where the branch ends, as without a flag.)
    pub(super) fn ways(
        &mut self,
        expr: &Expr,
        v: VarId,
        depth: usize,
        witness: &mut bool,
    ) -> Option<Vec<Way>> {
        let first = *heads(expr).first()?;
        self.vars.uses_expr(first);
        if self.vars.moves().contains(&v) {
            return None;
        }
        let Expr::If(i) = expr else {
            return branches(expr)?
                .iter()
                .map(|stmts| self.way(stmts, v, depth, witness))
                .collect();
        };
        let mut i: &syn::ExprIf = i;
        let mut out = Vec::new();
        loop {
            out.push(self.way(&i.then_branch.stmts, v, depth, witness)?);
            match i.else_branch.as_ref().map(|(_, e)| &**e) {
                None => out.push(Way::Kept),
                Some(Expr::Block(b)) if b.label.is_none() => {
                    out.push(self.way(&b.block.stmts, v, depth, witness)?);
                }
                Some(Expr::If(next)) => {
                    self.vars.uses_expr(&next.cond);
                    if !self.vars.moves().contains(&v) {
                        i = next;
                        continue;
                    }
                    // (Not read, a branch after it must not hold a labelled block that
                    // decides `v`: `by_blocks` would let it read `x` as there.)
                    if !self.certainly_moves(&next.cond, v) || has_labelled_block(next) {
                        return None;
                    }
                    // It reads the value the site started with, unless a condition assigned.
                    let name = self.vars.all[v].current.clone()?;
                    *witness |= !heads(expr)
                        .into_iter()
                        .any(|h| assigns(&Stmt::Expr(h.clone(), None), &name));
                    let rest = if_conditions(next).len() + 1;
                    out.extend(std::iter::repeat_n(Way::Moved, rest));
                }
                Some(_) => return None,
            }
            return Some(out);
        }
    }

    /// How the statements of one branch leave `v`: moved by a statement with no control flow
    /// of its own (so certainly, when the branch ends normally), not moved at all, moved on
    /// some paths of one nested `if`/`match` site that nothing after it mentions, or moved and
    /// then filled again by a plain `v = e;` (see `refills`), which counts as kept.
    ///
    /// Sets `witness` when the branch moves `v` before anything assigns it (see `present_at`).
    pub(in crate::lower) fn way(
        &mut self,
        stmts: &[Stmt],
        v: VarId,
        depth: usize,
        witness: &mut bool,
    ) -> Option<Way> {
        let mut way = Way::Kept;
        let name = self.vars.all[v].current.clone()?;
        // The branch assigned `v` before moving it (or refilled it): a move now takes that
        // value, not the one the site started with.
        let mut assigned = false;
        // The bindings of the branch's earlier `let`s, so that a statement's names resolve
        // as in the branch (`let p = ..; f(p)` does not read an outer `p`).
        let mut bound: Vec<Stmt> = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            // Each statement is read on its own, so a `let` of the branch that shadows `v`
            // must end the search: after it, the name means the new binding.
            if i > 0 && lets_bind(&stmts[i - 1..i], &name) {
                break;
            }
            let uses = if bound.is_empty() {
                self.vars.uses_stmt(stmt)
            } else {
                let mut block = bound.clone();
                block.push(stmt.clone());
                self.vars.uses_expr(&block_expr(Block {
                    brace_token: syn::token::Brace::default(),
                    stmts: block,
                }))
            };
            let moves = self.vars.moves();
            if let Stmt::Local(l) = stmt {
                // `let PAT = ();`, built rather than parsed (no pattern can make it fail).
                bound.push(Stmt::Local(syn::Local {
                    attrs: Vec::new(),
                    let_token: l.let_token,
                    pat: l.pat.clone(),
                    init: Some(syn::LocalInit {
                        eq_token: <Token![=]>::default(),
                        expr: Box::new(syn::parse_quote!(())),
                        diverge: None,
                    }),
                    semi_token: l.semi_token,
                }));
            }
            // A statement that ends by filling `v` (see `refills`) leaves it there, moved
            // before or not: the flag takes the new value where the branch ends. If it first
            // moves the value the site started with, rustc accepted that move.
            if let (Way::Kept | Way::Moved, Some(moves_first)) =
                (&way, self.refills(stmt, &name, v))
            {
                *witness |= matches!(way, Way::Kept) && !assigned && moves_first;
                way = Way::Kept;
                assigned = true;
                continue;
            }
            match way {
                // Any other use after the decision (an assignment on some paths only, or
                // after a nested decision, whose flag already holds the old value) cannot be
                // followed.
                Way::Moved | Way::Nested(..) if uses.contains(&v) => return None,
                Way::Moved | Way::Nested(..) => continue,
                Way::Kept if !moves.contains(&v) => {
                    assigned |= assigns(stmt, &name);
                    continue;
                }
                Way::Kept => {}
            }
            let fresh = !assigned && !assigns(stmt, &name);
            if !has_branch(stmt) || self.stmt_certainly_moves(stmt, v) {
                *witness |= fresh;
                way = Way::Moved;
                continue;
            }
            if depth >= 4 {
                return None;
            }
            // A labelled block that became states and decides `v` on its exits and its end
            // (lower/exits/blocks.rs `block_decides`): the flag is set on every path out of
            // it, as a nested awaiting site sets it on its edges.
            if let Some(join) = self.reading_for {
                let mut rest = stmt.clone();
                let tail = i + 1 == stmts.len() && matches!(stmt, Stmt::Expr(_, None));
                if let Some(b) = take_leading_block(&mut rest, tail, &name) {
                    // Nothing else in the statement names `v` (after the block it would be a
                    // use after the decision).
                    if !self.vars.uses_stmt(&rest).contains(&v) && self.block_decides(&b, v, join) {
                        way = Way::Nested(i, BY_BLOCK, Vec::new());
                        continue;
                    }
                }
            }
            let (sites, shadowed) = sites_of(stmt);
            let mut moving = Vec::new();
            for (k, site) in sites.iter().enumerate() {
                if self.branch_moves(site).contains(&v) {
                    moving.push(k);
                }
            }
            let [site] = moving[..] else {
                return None;
            };
            // A nested decision is spliced into this branch's own block at statement `i`,
            // where `Some(x)` must still mean the outer `x` (a `let` after it does not matter).
            // Its statement must not assign `x` elsewhere, as `flags` requires of it when it
            // sets the flag on its own (below an awaiting site).
            if shadowed[site].contains(&name)
                || pattern_binds(&sites[site], &name)
                || lets_bind(&stmts[..i], &name)
                || assigns(&without_site(stmt, site), &name)
            {
                return None;
            }
            let mut inner = false;
            let ways = self.ways(&sites[site], v, depth + 1, &mut inner)?;
            *witness |= fresh && inner;
            // A nested site whose every branch keeps `x` (refilled where moved) is no decision:
            // below an awaiting site it would not set the flag (`edge_candidates` skips it), and
            // the outer site would leave the flag unset on that path (E0282 where a branch only
            // sets `None`).
            if ways.iter().all(|w| matches!(w, Way::Kept)) {
                return None;
            }
            way = if ways.iter().all(|w| matches!(w, Way::Moved)) {
                Way::Moved
            } else {
                Way::Nested(i, site, ways)
            };
        }
        Some(way)
    }

    /// Does `stmt` end by filling `v` (named `name` here): a plain `v = e;`, or a plain block
    /// ending in one whose other statements do not bind `v` (normalize.rs puts an awaiting
    /// `v = f().await;` in such a block, after `let __awN = f().await;`)? Then `v` is there
    /// whenever the statement completes (an early exit inside it leaves the branch, whose end
    /// then never comes), as rustc's drop flag says too. Returns whether the statement may
    /// move `v` before filling it, with no assignment before that move (a proof that `v` was
    /// there, see `present_at`).
    pub(in crate::lower) fn refills(
        &mut self,
        stmt: &Stmt,
        name: &Ident,
        v: VarId,
    ) -> Option<bool> {
        match stmt {
            Stmt::Expr(Expr::Assign(a), _) => {
                let target = matches!(&*a.left,
                    Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name));
                if !target {
                    return None;
                }
                let value = Stmt::Expr((*a.right).clone(), None);
                self.vars.uses_stmt(&value);
                Some(self.vars.moves().contains(&v) && !assigns(&value, name))
            }
            Stmt::Expr(Expr::Block(b), _) if b.label.is_none() => {
                let (last, before) = b.block.stmts.split_last()?;
                if lets_bind(before, name) {
                    return None;
                }
                let last_moves_first = self.refills(last, name, v)?;
                let mut moves_first = last_moves_first;
                for s in before {
                    self.vars.uses_stmt(s);
                    moves_first |= self.vars.moves().contains(&v);
                }
                let assigned_before = before.iter().any(|s| assigns(s, name));
                Some(moves_first && !assigned_before)
            }
            _ => None,
        }
    }
}

/// Takes out of `stmt` (leaving `()`) the labelled block with an await that it runs whenever it
/// runs, as a statement, an initialiser, or inside plain blocks after no `let` that binds
/// `name` (how normalize.rs leaves `f('b: { .. })`: `{ let __f = f; let __t = { 'b: { .. } };
/// __f(__t); }`), where it becomes states with
/// a join of its own (lower/constructs.rs `seq`): not in `tail` position, the last expression of a
/// branch, where its `break`s go to the site's join, whose paths the site sets.
fn take_leading_block(stmt: &mut Stmt, tail: bool, name: &Ident) -> Option<syn::ExprBlock> {
    let e = match stmt {
        Stmt::Local(l) => match &mut l.init {
            Some(init) if init.diverge.is_none() => &mut *init.expr,
            _ => return None,
        },
        Stmt::Expr(e, _) => e,
        _ => return None,
    };
    match e {
        Expr::Block(b) if b.label.is_some() => {
            if tail || !has_await(e) {
                return None;
            }
            let unit: Expr = syn::parse_quote!(());
            let Expr::Block(b) = std::mem::replace(e, unit) else {
                return None;
            };
            Some(b)
        }
        Expr::Block(b) => {
            let n = b.block.stmts.len();
            for (j, s) in b.block.stmts.iter_mut().enumerate() {
                let tail = tail && j + 1 == n && matches!(s, Stmt::Expr(_, None));
                if let Some(found) = take_leading_block(s, tail, name) {
                    return Some(found);
                }
                // After a `let` that binds `v`'s name, the block would mean another variable.
                if lets_bind(std::slice::from_ref(s), name) {
                    return None;
                }
            }
            None
        }
        _ => None,
    }
}

/// Does `e` hold a labelled block anywhere?
fn has_labelled_block(e: &syn::ExprIf) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr_block(&mut self, b: &'ast syn::ExprBlock) {
            self.0 |= b.label.is_some();
            syn::visit::visit_expr_block(self, b);
        }
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_expr_if(&mut f, e);
    f.0
}

/// `certain` of the scrutinee `e` of a `match` or `if let`, still matched against its
/// patterns `pats`, every arm empty: a place that no pattern binds by value is matched in
/// place, read and not moved (`Collector::scrutinee`); the arms keep what the patterns bind
/// out of scope after it.
fn certain_match<'p>(e: &Expr, pats: impl IntoIterator<Item = &'p Pat>) -> Expr {
    let e = certain(e);
    let pats = pats.into_iter();
    syn::parse_quote!(match #e { #(#pats => (),)* })
}

/// The part of `e` that runs whenever `e` completes normally: the first condition or scrutinee
/// of an `if`/`match` (or `if let`) without its branches (a scrutinee with its patterns), the left operand of `&&`/`||`, an awaited
/// expression, the operands of other operators and calls, the statements of a plain block (of a
/// labelled one, those before the first that may `break` to it), a
/// `move` closure or `async move` block (which takes what it names when created, whatever
/// its body does later). Anything else (a loop, other closure, macro, early exit) becomes
/// `()`. Only read for the uses it holds.
pub(super) fn certain(e: &Expr) -> Expr {
    let unit: Expr = syn::parse_quote!(());
    let mut e = e.clone();
    match &mut e {
        Expr::If(i) => {
            return match &*i.cond {
                Expr::Let(l) => certain_match(&l.expr, [&*l.pat]),
                c => certain(c),
            };
        }
        Expr::Match(m) => return certain_match(&m.expr, m.arms.iter().map(|a| &a.pat)),
        Expr::Let(l) => return certain_match(&l.expr, [&*l.pat]),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
            return certain(&b.left);
        }
        Expr::Binary(b) => {
            *b.left = certain(&b.left);
            *b.right = certain(&b.right);
        }
        Expr::Await(a) => *a.base = certain(&a.base),
        Expr::Try(t) => *t.expr = certain(&t.expr),
        Expr::Call(c) => {
            *c.func = certain(&c.func);
            c.args.iter_mut().for_each(|a| *a = certain(a));
        }
        Expr::MethodCall(m) => {
            *m.receiver = certain(&m.receiver);
            m.args.iter_mut().for_each(|a| *a = certain(a));
        }
        Expr::Unary(u) => *u.expr = certain(&u.expr),
        Expr::Paren(p) => *p.expr = certain(&p.expr),
        Expr::Group(g) => *g.expr = certain(&g.expr),
        Expr::Tuple(t) => t.elems.iter_mut().for_each(|x| *x = certain(x)),
        Expr::Array(a) => a.elems.iter_mut().for_each(|x| *x = certain(x)),
        Expr::Struct(st) if st.rest.is_none() => {
            st.fields.iter_mut().for_each(|f| f.expr = certain(&f.expr));
        }
        Expr::Field(f) => *f.base = certain(&f.base),
        Expr::Index(i) => {
            *i.expr = certain(&i.expr);
            *i.index = certain(&i.index);
        }
        Expr::Cast(c) => *c.expr = certain(&c.expr),
        Expr::Reference(r) => *r.expr = certain(&r.expr),
        Expr::Assign(a) => *a.right = certain(&a.right),
        Expr::Block(b) => {
            // A labelled block runs the statements before the first that may `break` to it
            // whenever it completes (as in `site_walk`); the rest may be skipped.
            if let Some(label) = b.label.take() {
                let first_break = b
                    .block
                    .stmts
                    .iter()
                    .position(|s| stmt_breaks_to(s, &label.name));
                b.block
                    .stmts
                    .truncate(first_break.unwrap_or(b.block.stmts.len()));
            }
            for stmt in &mut b.block.stmts {
                match stmt {
                    Stmt::Local(l) => {
                        if let Some(init) = &mut l.init {
                            *init.expr = certain(&init.expr);
                            init.diverge = None;
                        }
                    }
                    Stmt::Expr(x, _) => *x = certain(x),
                    Stmt::Item(_) | Stmt::Macro(_) => *stmt = Stmt::Expr(unit.clone(), None),
                }
            }
        }
        // Created, it has taken every variable it names (vars/collector.rs `Collector::capturing`).
        Expr::Closure(c) if c.capture.is_some() => {}
        Expr::Async(a) if a.capture.is_some() => {}
        Expr::Path(_) | Expr::Lit(_) => {}
        _ => return unit,
    }
    e
}
