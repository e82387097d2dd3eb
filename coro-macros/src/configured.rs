//! Phase 2a: reject `#[cfg]` and `#[cfg_attr]` where the lowering would lose them.
//!
//! An attribute macro receives its item before rustc strips what `#[cfg]` leaves out, and a
//! proc macro cannot evaluate a configuration predicate itself. What the macro copies
//! verbatim keeps its attributes and rustc configures it afterwards: an await-free statement
//! (`#[cfg(debug_assertions)] println!(..);`), an item, a closure, an `async` block, any
//! expression that does not await. What the macro takes apart or rebuilds would silently
//! lose them, so that code would run in every configuration:
//!
//! - a statement or expression that suspends (`.await`, `yield_!`, `yield_from!`): it is cut
//!   into states;
//! - a part of an expression that suspends (a `match` arm, a struct literal's field, an
//!   operand): the expression is rebuilt around its awaits;
//! - every `let`, awaiting or not: its bindings take part in the state analysis (shadowing,
//!   what each state stores), which has to know whether the binding exists;
//! - a parameter: the arguments are renamed and stored in the first state;
//! - a `return`, `?`, `break` or `continue`: `check` rewrites the first two and the lowering
//!   may turn the others into jumps, rebuilding them without their attributes.
//!
//! Each of those is a spanned error saying why and what to write instead. Nothing here
//! changes the body.

use crate::normalize::has_await;
use syn::visit::{self, Visit};
use syn::{Attribute, Block, Expr, FnArg, Macro, Stmt};

/// Where the attribute is, what the lowering does with that code, and what to write instead.
type Reason = (&'static str, &'static str, &'static str);

const PARAMETER: Reason = (
    "on a parameter of a `#[coroutine]` fn",
    "stores every argument in the coroutine's first state",
    "Put the `#[cfg]` on whole functions instead (one per configuration), or keep the \
     parameter in every configuration (`_debug: bool`)",
);

const LET: Reason = (
    "on a `let` in a `#[coroutine]` fn",
    "every binding takes part in its state analysis",
    "Choose the value instead (`let level = if cfg!(debug_assertions) { 1 } else { 2 };`), or \
     compute it in a helper `fn` that has one version per configuration",
);

const SUSPENDING: Reason = (
    "on a statement or expression that suspends (`.await`, `yield_!`)",
    "cuts it into states",
    "Write `if cfg!(..) { .. }` instead, or move the configured code into a helper `fn` or \
     `async fn` that has one version per configuration, and call it unconditionally",
);

const ARM: Reason = (
    "on a match arm of a `match` that suspends (`.await`, `yield_!`)",
    "rebuilds the `match` around its suspensions",
    "Use a guard instead (`Some(0) if cfg!(..) => ..`)",
);

const PART: Reason = (
    "inside an expression that suspends (`.await`, `yield_!`)",
    "rebuilds the expression around its suspensions",
    "Choose the value with `if cfg!(..)` instead, or compute it in a helper `fn` that has one \
     version per configuration",
);

const CONTROL: Reason = (
    "on a `return`, `?`, `break` or `continue` in a `#[coroutine]` fn",
    "rewrites it (a `return` or `?` completes the coroutine, a `break` or `continue` may become \
     a jump between states)",
    "Write `if cfg!(..) { return ..; }` instead",
);

/// Reports every `#[cfg]`/`#[cfg_attr]` on a parameter or in the body that the lowering would
/// lose, together.
pub(crate) fn check(sig: &syn::Signature, body: &Block) -> syn::Result<()> {
    let mut finder = Finder {
        errors: None,
        parent_suspends: false,
    };
    for input in &sig.inputs {
        let attrs = match input {
            FnArg::Receiver(r) => &r.attrs,
            FnArg::Typed(t) => &t.attrs,
        };
        finder.reject(attrs, PARAMETER);
    }
    // Almost no body configures anything: a walk over the attributes alone spares the rest.
    if mentions_cfg(body) {
        finder.visit_block(body);
    }
    finder.errors.map_or(Ok(()), Err)
}

struct Finder {
    errors: Option<syn::Error>,
    /// Does the expression around the node being visited suspend (so that the lowering
    /// rebuilds it, dropping its parts' attributes)?
    parent_suspends: bool,
}

impl Finder {
    /// An error on the first `#[cfg]`/`#[cfg_attr]` of `attrs`, if any: where it is, what the
    /// lowering does there, and what to write instead.
    fn reject(&mut self, attrs: &[Attribute], (place, effect, fix): Reason) {
        let Some(attr) = attrs.iter().find(|a| is_cfg(a)) else {
            return;
        };
        let name = if attr.path().is_ident("cfg") {
            "cfg"
        } else {
            "cfg_attr"
        };
        let err = syn::Error::new_spanned(
            attr,
            format!(
                "`#[{name}]` {place}: `#[coroutine]` runs before rustc evaluates `#[cfg]` and \
                 {effect}, so this code would be kept in every configuration. {fix}"
            ),
        );
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
        }
    }

    /// Visits `f`'s children with `parent_suspends` set to `suspends`.
    fn within(&mut self, suspends: bool, f: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.parent_suspends, suspends);
        f(self);
        self.parent_suspends = outer;
    }
}

impl Visit<'_> for Finder {
    // Items, closures and `async` blocks are copied whole: rustc configures them.
    fn visit_item(&mut self, _: &syn::Item) {}

    fn visit_block(&mut self, block: &Block) {
        // A block's statements are copied one by one: only a suspending one is taken apart.
        self.within(false, |f| visit::visit_block(f, block));
    }

    fn visit_stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Local(local) => {
                self.reject(&local.attrs, LET);
                visit::visit_local(self, local);
            }
            Stmt::Macro(m) => {
                if macro_suspends(&m.mac) {
                    self.reject(&m.attrs, SUSPENDING);
                }
            }
            Stmt::Expr(expr, _) => {
                // A statement's attributes are its expression's: checked as a statement.
                if suspends(expr) {
                    self.reject(expr_attrs(expr), SUSPENDING);
                } else if is_control(expr) {
                    self.reject(expr_attrs(expr), CONTROL);
                }
                self.visit_children(expr);
            }
            Stmt::Item(_) => {}
        }
    }

    fn visit_expr(&mut self, expr: &Expr) {
        if self.parent_suspends {
            self.reject(expr_attrs(expr), PART);
        } else if suspends(expr) {
            self.reject(expr_attrs(expr), SUSPENDING);
        } else if is_control(expr) {
            self.reject(expr_attrs(expr), CONTROL);
        }
        self.visit_children(expr);
    }

    fn visit_arm(&mut self, arm: &syn::Arm) {
        if self.parent_suspends {
            self.reject(&arm.attrs, ARM);
        }
        visit::visit_arm(self, arm);
    }

    fn visit_field_value(&mut self, field: &syn::FieldValue) {
        if self.parent_suspends {
            self.reject(&field.attrs, PART);
        }
        visit::visit_field_value(self, field);
    }
}

impl Finder {
    /// Visits what `expr` contains (not `expr`'s own attributes, already checked), knowing
    /// whether `expr` suspends; closures and `async` blocks are copied whole.
    fn visit_children(&mut self, expr: &Expr) {
        if matches!(expr, Expr::Closure(_) | Expr::Async(_)) {
            return;
        }
        let suspends = suspends(expr);
        self.within(suspends, |f| visit::visit_expr(f, expr));
    }
}

/// `return`, `?`, `break`, `continue`: rewritten by `check` or the lowering whether or not
/// they suspend, and rebuilt without their attributes.
fn is_control(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Return(_) | Expr::Try(_) | Expr::Break(_) | Expr::Continue(_)
    )
}

fn is_cfg(attr: &Attribute) -> bool {
    attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr")
}

/// Does `expr` suspend: an `.await` (also in macro arguments) or a `yield_!`/`yield_from!`,
/// outside closures, `async` blocks and items?
fn suspends(expr: &Expr) -> bool {
    struct Find(bool);
    impl Visit<'_> for Find {
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
        fn visit_expr_closure(&mut self, _: &syn::ExprClosure) {}
        fn visit_item(&mut self, _: &syn::Item) {}
        fn visit_macro(&mut self, m: &Macro) {
            self.0 |= macro_suspends(m);
        }
    }
    if has_await(expr) {
        return true;
    }
    let mut find = Find(false);
    find.visit_expr(expr);
    find.0
}

/// Is `mac` a suspension (`yield_!`, `yield_from!`), or does it await in its arguments?
fn macro_suspends(mac: &Macro) -> bool {
    let last = mac.path.segments.last().map(|s| s.ident.to_string());
    matches!(last.as_deref(), Some("yield_" | "yield_from"))
        || has_await(&Expr::Macro(syn::ExprMacro {
            attrs: vec![],
            mac: mac.clone(),
        }))
}

/// The attributes written on `expr` (for an expression statement, the statement's).
fn expr_attrs(expr: &Expr) -> &[Attribute] {
    match expr {
        Expr::Array(e) => &e.attrs,
        Expr::Assign(e) => &e.attrs,
        Expr::Async(e) => &e.attrs,
        Expr::Await(e) => &e.attrs,
        Expr::Binary(e) => &e.attrs,
        Expr::Block(e) => &e.attrs,
        Expr::Break(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::Cast(e) => &e.attrs,
        Expr::Closure(e) => &e.attrs,
        Expr::Const(e) => &e.attrs,
        Expr::Continue(e) => &e.attrs,
        Expr::Field(e) => &e.attrs,
        Expr::ForLoop(e) => &e.attrs,
        Expr::Group(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Index(e) => &e.attrs,
        Expr::Infer(e) => &e.attrs,
        Expr::Let(e) => &e.attrs,
        Expr::Lit(e) => &e.attrs,
        Expr::Loop(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Paren(e) => &e.attrs,
        Expr::Path(e) => &e.attrs,
        Expr::Range(e) => &e.attrs,
        Expr::RawAddr(e) => &e.attrs,
        Expr::Reference(e) => &e.attrs,
        Expr::Repeat(e) => &e.attrs,
        Expr::Return(e) => &e.attrs,
        Expr::Struct(e) => &e.attrs,
        Expr::Try(e) => &e.attrs,
        Expr::TryBlock(e) => &e.attrs,
        Expr::Tuple(e) => &e.attrs,
        Expr::Unary(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        Expr::While(e) => &e.attrs,
        Expr::Yield(e) => &e.attrs,
        _ => &[],
    }
}

/// Is there a `#[cfg]`/`#[cfg_attr]` anywhere in `body` outside items, closures and `async`
/// blocks? A walk over the attributes only, cheaper than printing the body to scan it.
fn mentions_cfg(body: &Block) -> bool {
    struct Find(bool);
    impl Visit<'_> for Find {
        fn visit_attribute(&mut self, attr: &Attribute) {
            self.0 |= is_cfg(attr);
        }
        fn visit_item(&mut self, _: &syn::Item) {}
        fn visit_expr_closure(&mut self, _: &syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
    }
    let mut find = Find(false);
    find.visit_block(body);
    find.0
}
