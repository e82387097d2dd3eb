//! `break` and `continue` that rustc would reject in the same body written as an `async fn`.
//!
//! The lowering runs the body inside a step closure that sits in the frame's own dispatch
//! loop, and turns the labelled blocks and loops around an `.await` into jumps. A `break` or
//! `continue` with nothing of the user's to leave would leave or restart the dispatch loop
//! instead of being an error, and one aimed at the wrong kind of target is reported, if at
//! all, against the generated code. So this walk applies rustc's rules to the body as written,
//! before any rewrite, and reports each mistake on the user's tokens:
//!
//! - no loop or labelled block to leave (rustc's E0267 in an `async fn`);
//! - an unlabelled `break`/`continue` whose nearest breakable is a labelled block (E0695);
//! - an unlabelled `break`/`continue` in a `while` condition, outside any inner loop (E0590);
//! - a `break` with a value out of a `while` or `for` loop (E0571);
//! - `continue` to a labelled block (E0696);
//! - a label that no enclosing loop or labelled block declares (E0426).
//!
//! Closures, `async` blocks, `const` blocks and items have their own loops and labels (rustc
//! resolves their jumps separately), so the walk does not enter them.

use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Block, Expr, Lifetime};

/// The `break`/`continue` mistakes in `body`, combined, or `None` if it has none.
pub(super) fn check(body: &Block) -> Option<syn::Error> {
    let mut walk = Jumps {
        around: Vec::new(),
        errors: None,
    };
    walk.visit_block(body);
    walk.errors
}

/// What a `break` can leave.
#[derive(Clone, Copy, PartialEq)]
enum Breakable {
    Loop,
    While,
    For,
    LabelledBlock,
}

/// A loop or labelled block around the expression being walked.
struct Around {
    breakable: Breakable,
    label: Option<Lifetime>,
    /// Inside a `while` loop's condition, which an unlabelled jump may not leave.
    in_condition: bool,
}

struct Jumps {
    /// The loops and labelled blocks around the walk, innermost last.
    around: Vec<Around>,
    errors: Option<syn::Error>,
}

/// A `break` or a `continue`, as the checks read both.
struct Jump<'a> {
    keyword: &'static str,
    /// The whole expression, which the messages point at (as rustc's do).
    expr: &'a dyn ToTokens,
    label: Option<&'a Lifetime>,
    /// A `break`'s value.
    has_value: bool,
}

impl Jumps {
    fn error(&mut self, tokens: impl ToTokens, message: String) {
        let err = syn::Error::new_spanned(tokens, message);
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
        }
    }

    /// Walks `inside` with a loop or labelled block around it.
    fn within(
        &mut self,
        breakable: Breakable,
        label: Option<&syn::Label>,
        inside: impl FnOnce(&mut Self),
    ) {
        self.around.push(Around {
            breakable,
            label: label.map(|l| l.name.clone()),
            in_condition: false,
        });
        inside(self);
        self.around.pop();
    }

    fn check(&mut self, jump: &Jump<'_>) {
        match jump.label {
            None => self.check_unlabelled(jump),
            Some(label) => self.check_labelled(jump, label),
        }
    }

    /// An unlabelled jump leaves the innermost breakable, which must be a loop.
    fn check_unlabelled(&mut self, jump: &Jump<'_>) {
        let keyword = jump.keyword;
        let Some(target) = self.around.last() else {
            let message = format!(
                "`{keyword}` outside of a loop: the body of a `#[coroutine]` fn is no loop, so \
                 `{keyword}` needs a loop around it (use `return` to leave the function early)"
            );
            return self.error(jump.expr, message);
        };
        let message = if target.breakable == Breakable::LabelledBlock {
            // A labelled block always has its label; the default is never printed.
            let label = target
                .label
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!(
                "unlabelled `{keyword}` inside of the labelled block `{label}`: a `{keyword}` \
                 that would leave through a labelled block needs a label; write `break {label}` \
                 to leave the block, or label the loop and `{keyword}` that label"
            )
        } else if target.in_condition {
            format!(
                "`{keyword}` with no label in the condition of a `while` loop: label the loop \
                 and write `{keyword} 'label`"
            )
        } else if jump.has_value && target.breakable != Breakable::Loop {
            return self.break_value_error(jump, target.breakable);
        } else {
            return;
        };
        self.error(jump.expr, message);
    }

    /// A labelled jump leaves the innermost breakable of that name, which a `continue` cannot
    /// aim at a block and a `break` with a value not at a `while` or `for` loop.
    fn check_labelled(&mut self, jump: &Jump<'_>, label: &Lifetime) {
        let target = self
            .around
            .iter()
            .rev()
            .find(|a| a.label.as_ref().is_some_and(|l| l.ident == label.ident))
            .map(|a| a.breakable);
        match target {
            None => self.error(
                label,
                format!(
                    "use of undeclared label `{label}`: no loop or labelled block around this \
                     `{}` has that label",
                    jump.keyword
                ),
            ),
            Some(Breakable::LabelledBlock) if jump.keyword == "continue" => self.error(
                jump.expr,
                format!(
                    "`continue` pointing to the labelled block `{label}`: a labelled block \
                     cannot be continued; `continue` a loop, or `break {label}` to leave the block"
                ),
            ),
            Some(breakable @ (Breakable::While | Breakable::For)) if jump.has_value => {
                self.break_value_error(jump, breakable);
            }
            Some(_) => {}
        }
    }

    fn break_value_error(&mut self, jump: &Jump<'_>, breakable: Breakable) {
        let name = if breakable == Breakable::For {
            "for"
        } else {
            "while"
        };
        let message = format!(
            "`break` with a value from a `{name}` loop: only a `loop` or a labelled block can \
             break with a value; use `break` on its own, or make the loop a `loop`"
        );
        self.error(jump.expr, message);
    }

    /// Marks the innermost breakable, the `while` being walked, as in or past its condition.
    fn mark_condition(&mut self, in_condition: bool) {
        if let Some(innermost) = self.around.last_mut() {
            innermost.in_condition = in_condition;
        }
    }

    /// The arguments of `vec!` and the formatting family are expressions that the lowering
    /// may take apart like any other, so their jumps are checked too.
    fn visit_macro_arguments(&mut self, mac: &syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        if name.as_deref() == Some("vec") {
            if let Ok((elem, count)) = mac.parse_body_with(crate::normalize::vec_repeat) {
                self.visit_expr(&elem);
                self.visit_expr(&count);
                return;
            }
        }
        if name.is_some_and(|n| crate::normalize::EXPRESSION_MACROS.contains(&n.as_str())) {
            if let Ok(args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
            ) {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
    }
}

impl Visit<'_> for Jumps {
    fn visit_item(&mut self, _: &syn::Item) {}
    fn visit_expr_closure(&mut self, _: &syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
    fn visit_expr_const(&mut self, _: &syn::ExprConst) {}

    fn visit_macro(&mut self, mac: &syn::Macro) {
        self.visit_macro_arguments(mac);
    }

    fn visit_expr_loop(&mut self, e: &syn::ExprLoop) {
        self.within(Breakable::Loop, e.label.as_ref(), |walk| {
            walk.visit_block(&e.body);
        });
    }

    fn visit_expr_while(&mut self, e: &syn::ExprWhile) {
        // The label is in scope in the condition too: `'a: while break 'a {}` is valid.
        self.within(Breakable::While, e.label.as_ref(), |walk| {
            walk.mark_condition(true);
            walk.visit_expr(&e.cond);
            walk.mark_condition(false);
            walk.visit_block(&e.body);
        });
    }

    fn visit_expr_for_loop(&mut self, e: &syn::ExprForLoop) {
        // The iterator is evaluated once, before the loop: neither the loop nor its label
        // is around it.
        self.visit_expr(&e.expr);
        self.within(Breakable::For, e.label.as_ref(), |walk| {
            walk.visit_block(&e.body);
        });
    }

    fn visit_expr_block(&mut self, e: &syn::ExprBlock) {
        match &e.label {
            Some(label) => self.within(Breakable::LabelledBlock, Some(label), |walk| {
                walk.visit_block(&e.block);
            }),
            None => visit::visit_expr_block(self, e),
        }
    }

    fn visit_expr_break(&mut self, e: &syn::ExprBreak) {
        if let Some(value) = &e.expr {
            self.visit_expr(value);
        }
        self.check(&Jump {
            keyword: "break",
            expr: e,
            label: e.label.as_ref(),
            has_value: e.expr.is_some(),
        });
    }

    fn visit_expr_continue(&mut self, e: &syn::ExprContinue) {
        self.check(&Jump {
            keyword: "continue",
            expr: e,
            label: e.label.as_ref(),
            has_value: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    /// The messages for `body`, one per error.
    fn errors(body: &syn::Block) -> Vec<String> {
        check(body)
            .map(|err| err.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn accepts_what_rustc_accepts() {
        let body: syn::Block = syn::parse_quote!({
            'a: loop {
                // A shadowing label (rustc warns) names the inner loop.
                'a: loop {
                    break 'a;
                }
                'b: {
                    loop {
                        break;
                    }
                    if x {
                        break 'b;
                    }
                    continue 'a;
                }
                break 'a 5;
            }
            'w: while break 'w {}
            let v = 'c: {
                break 'c 1;
            };
            for _ in 0..3 {
                let f = || loop {
                    break 1;
                };
                let g = async {
                    'x: loop {
                        break 'x;
                    }
                };
                const { 1 };
                fn item() {
                    loop {
                        break;
                    }
                }
                println!("{}", if x { continue } else { 1 });
            }
            while loop {
                break true;
            } {}
        });
        assert_eq!(errors(&body), Vec::<String>::new());
    }

    #[test]
    fn does_not_enter_closures_async_blocks_or_items() {
        // rustc rejects these itself, with its own reasons: the walk leaves them alone.
        let body: syn::Block = syn::parse_quote!({
            let f = || break;
            let g = async { continue };
            fn item() {
                break;
            }
        });
        assert_eq!(errors(&body), Vec::<String>::new());
    }

    #[test]
    fn reports_each_mistake() {
        let body: syn::Block = syn::parse_quote!({
            break;
            loop {
                'b: {
                    continue;
                }
            }
            while x {
                break 1;
            }
            'l: {
                continue 'l;
            }
            loop {
                break 'missing;
            }
            'f: for _ in [break 'f] {}
            while break {}
            println!("{}", continue);
        });
        let found = errors(&body);
        let starts: Vec<&str> = found
            .iter()
            .map(|m| m.split(':').next().unwrap_or_default())
            .collect();
        assert_eq!(
            starts,
            [
                "`break` outside of a loop",
                "unlabelled `continue` inside of the labelled block `'b`",
                "`break` with a value from a `while` loop",
                "`continue` pointing to the labelled block `'l`",
                "use of undeclared label `'missing`",
                "use of undeclared label `'f`",
                "`break` with no label in the condition of a `while` loop",
                "`continue` outside of a loop",
            ]
        );
    }
}
