//! Expansion snapshots and a property test that the transform never panics.

use crate::expand;
use proc_macro2::TokenStream;
use quote::quote;
use std::fmt::Write as _;

fn pretty(tokens: &TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// Compares with `tests/snapshots/NAME.rs`; `UPDATE_SNAPSHOTS=1` rewrites it.
fn snapshot(name: &str, item: TokenStream) {
    let got = pretty(&expand(&TokenStream::new(), item));
    assert_snapshot(name, &got);
}

/// Compares `got` with `tests/snapshots/NAME.rs`; `UPDATE_SNAPSHOTS=1` rewrites it.
fn assert_snapshot(name: &str, got: &str) {
    let path = format!("{}/tests/snapshots/{name}.rs", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(format!("{}/tests/snapshots", env!("CARGO_MANIFEST_DIR"))).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {path}: run with UPDATE_SNAPSHOTS=1"));
    assert_eq!(
        got, want,
        "expansion of {name} changed; rerun with UPDATE_SNAPSHOTS=1 and review"
    );
}

#[test]
fn snapshot_sequence() {
    snapshot(
        "sequence",
        quote! {
            fn add(a: u32, b: u32) -> u32 {
                let x = ready(a).await;
                x + ready(b).await
            }
        },
    );
}

/// The body's items are printed before the state enum, so every arm sees them.
#[test]
fn snapshot_items_in_body() {
    snapshot(
        "items_in_body",
        quote! {
            fn scaled(a: u32) -> u32 {
                use core::future::ready;
                const K: u32 = 10;
                let x = ready(a).await;
                fn helper(y: u32) -> u32 { y * K }
                helper(x)
            }
        },
    );
}

#[test]
fn snapshot_loop_with_drop() {
    snapshot(
        "loop_with_drop",
        quote! {
            fn count(names: Vec<String>) -> usize {
                let guard = Guard::new();
                let mut total = 0;
                for name in names {
                    if name.is_empty() { continue; }
                    total += fetch(name).await.len();
                }
                total
            }
        },
    );
}

#[test]
fn snapshot_drop_flag_on_edges() {
    snapshot(
        "drop_flag_on_edges",
        quote! {
            fn send_or_wait(job: Job, urgent: bool) {
                let log = Log::new();
                if urgent {
                    submit(job).await;
                } else {
                    idle().await;
                }
                flush().await;
                log.close();
            }
        },
    );
}

#[test]
fn snapshot_drop_flag() {
    snapshot(
        "drop_flag",
        quote! {
            fn send_or_keep(job: Job, urgent: bool) {
                let log = Log::new();
                if urgent {
                    submit(job);
                }
                flush().await;
                log.close();
            }
        },
    );
}

#[test]
fn snapshot_method_and_question_mark() {
    snapshot(
        "method",
        quote! {
            fn load(&mut self, key: &str) -> Result<u32, Error> {
                let v = self.store.get(key).await?;
                self.hits += 1;
                Ok(v)
            }
        },
    );
}

#[test]
fn snapshot_error_keeps_a_stub() {
    snapshot(
        "error_stub",
        quote! {
            async fn already_async() -> u32 { 1 }
        },
    );
}

/// `return` and `?` in each kind of object: the wrapper `check` puts around the value (built
/// with the `return`'s or `?`'s span, not printed and moved there token by token) is the same.
#[test]
fn snapshot_return_and_question_mark_in_each_kind() {
    snapshot(
        "returns_coroutine",
        quote! {
            fn early(a: Option<u32>) -> Option<u32> {
                let x = ready(a).await?;
                if x > 3 { return Some(x); }
                Some(ready(x).await + 1)
            }
        },
    );
    let generator = quote! {
        fn counted(n: u32) -> Result<u32, String> {
            let m = checked(n)?;
            coro_core::yield_!(m);
            if m > 1 { return Ok(m); }
            Ok(0)
        }
    };
    let got = pretty(&expand(&quote!(yield = u32), generator));
    assert_snapshot("returns_generator", &got);
    let stream = quote! {
        fn numbers(n: u32) {
            let m = ready(n).await;
            coro_core::yield_!(m);
            if m > 1 { return; }
            coro_core::yield_!(m + 1);
        }
    };
    let got = pretty(&expand(&quote!(yield = u32), stream));
    assert_snapshot("returns_stream", &got);
}

/// A failed expansion still invokes `yield_!` once per spelling the body used, although the
/// phases after `check` may have moved the body out of the parsed function by then.
#[test]
fn failed_coroutine_keeps_the_suspend_markers() {
    let out = expand(
        &TokenStream::new(),
        quote! {
            fn numbers() -> u32 {
                coro_core::yield_!(1);
                core::future::ready(2).await
            }
        },
    )
    .to_string();
    assert!(out.contains("compile_error"), "{out}");
    assert!(
        out.contains("coro_core :: yield_ ! (@ __coro_used) ;"),
        "{out}"
    );
}

/// A tiny deterministic generator of function bodies (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn gen_expr(r: &mut Rng, depth: u32, out: &mut String) {
    let pick = if depth > 3 { r.below(3) } else { r.below(17) };
    match pick {
        12 => {
            out.push_str("yield_!(");
            gen_expr(r, depth + 1, out);
            out.push(')');
        }
        13 => out.push_str("coro_core::yield_from!(inner())"),
        14 => {
            // A block-leading operand, which must stay one expression when re-parsed.
            out.push_str("{ x1 } - ");
            gen_expr(r, depth + 1, out);
        }
        15 => {
            out.push_str("if let Some(x1) = opt(");
            gen_expr(r, depth + 1, out);
            out.push_str(") { ");
            gen_expr(r, depth + 1, out);
            out.push_str(" } else { x1 }");
        }
        16 => out.push_str("h(&x0).await"),
        0 => write!(out, "{}", r.below(10)).unwrap(),
        1 => write!(out, "x{}", r.below(4)).unwrap(),
        2 => out.push_str("ready(1).await"),
        3 => {
            out.push_str("f(");
            gen_expr(r, depth + 1, out);
            out.push_str(", ");
            gen_expr(r, depth + 1, out);
            out.push(')');
        }
        4 => {
            gen_expr(r, depth + 1, out);
            out.push_str(" + ");
            gen_expr(r, depth + 1, out);
        }
        5 => {
            out.push_str("if ");
            gen_expr(r, depth + 1, out);
            out.push_str(" > 2 { ");
            gen_expr(r, depth + 1, out);
            out.push_str(" } else { ");
            gen_expr(r, depth + 1, out);
            out.push_str(" }");
        }
        6 => {
            out.push_str("match ");
            gen_expr(r, depth + 1, out);
            out.push_str(" { 0 => ");
            gen_expr(r, depth + 1, out);
            out.push_str(", n if n > 3 => { break; } _ => ");
            gen_expr(r, depth + 1, out);
            out.push_str(" }");
        }
        7 => {
            out.push_str("{ let y = ");
            gen_expr(r, depth + 1, out);
            out.push_str("; y }");
        }
        8 => {
            out.push_str("v.push(");
            gen_expr(r, depth + 1, out);
            out.push(')');
        }
        9 => {
            out.push('(');
            gen_expr(r, depth + 1, out);
            out.push_str(")?");
        }
        10 => {
            out.push_str("println!(\"{}\", ");
            gen_expr(r, depth + 1, out);
            out.push(')');
        }
        _ => {
            out.push_str("g(");
            gen_expr(r, depth + 1, out);
            out.push_str(").await");
        }
    }
}

fn gen_stmts(r: &mut Rng, depth: u32, out: &mut String) {
    for _ in 0..=r.below(4) {
        match if depth > 2 { r.below(3) } else { r.below(7) } {
            0 | 1 => {
                write!(out, "let x{} = ", r.below(4)).unwrap();
                gen_expr(r, depth, out);
                out.push_str(";\n");
            }
            2 => {
                gen_expr(r, depth, out);
                out.push_str(";\n");
            }
            3 => {
                out.push_str("loop { ");
                gen_stmts(r, depth + 1, out);
                out.push_str(" break; }\n");
            }
            4 => {
                out.push_str("'a: for i in 0..3 { ");
                gen_stmts(r, depth + 1, out);
                out.push_str(" if i == 1 { continue 'a; } }\n");
            }
            5 => {
                out.push_str("while x0 < 3 { ");
                gen_stmts(r, depth + 1, out);
                out.push_str(" }\n");
            }
            _ => {
                out.push_str("let Some(z) = opt(");
                gen_expr(r, depth, out);
                out.push_str(") else { return 0; };\n");
            }
        }
    }
}

/// The transform returns tokens or a `compile_error!` for every input, never a panic.
#[test]
fn never_panics_on_generated_bodies() {
    // `scripts/fuzz.sh` raises these: many more bodies, from another seed.
    let iters: usize = std::env::var("CORO_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250);
    let seed: u64 = std::env::var("CORO_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00C0_FFEE);
    let mut r = Rng(seed);
    for attr in ["", "yield = u32", "yield = u32, resume = u32", "boxed"] {
        for _ in 0..iters {
            let mut body = String::new();
            gen_stmts(&mut r, 0, &mut body);
            let src =
                format!("fn gen(x0: u32, x1: u32) -> u32 {{ let x2 = 0; let x3 = 1; {body} 0 }}");
            let item: TokenStream = src.parse().expect("generator emits valid tokens");
            let attr: TokenStream = attr.parse().expect("valid attribute");
            let out = std::panic::catch_unwind(|| expand(&attr, item));
            assert!(out.is_ok(), "the macro panicked on:\n{src}");
        }
    }
}

/// Skipping the second lowering pass when the first found no assignment and no drop flag
/// (`lower::lower`) gives the same expansion as running it.
#[test]
fn second_lowering_pass_skipped_only_when_it_changes_nothing() {
    let mut r = Rng(0x005E_C04D);
    let mut lowered = 0;
    for _ in 0..400 {
        let mut body = String::new();
        gen_stmts(&mut r, 0, &mut body);
        let src = format!("fn gen(x0: u32, x1: u32) -> u32 {{ let x2 = 0; let x3 = 1; {body} 0 }}");
        let run = |twice: bool| -> syn::Result<String> {
            let mut parsed = crate::signature::parse_fn(src.parse().unwrap())?;
            crate::signature::configure(&mut parsed, &TokenStream::new())?;
            let mut body = parsed.body.clone();
            crate::check::check(&parsed, &mut body)?;
            let body = crate::normalize::normalize(body, Vec::new())?;
            let lowered = if twice {
                crate::lower::lower_twice(&parsed, &body)
            } else {
                crate::lower::lower(&parsed, &body)
            }?;
            let payloads = crate::liveness::payloads(&lowered)?;
            Ok(crate::emit::emit(&parsed, &[], &lowered, &payloads).to_string())
        };
        let once = run(false).map_err(|e| e.to_string());
        let twice = run(true).map_err(|e| e.to_string());
        assert_eq!(
            once, twice,
            "skipping the second pass changed the expansion of:\n{src}"
        );
        lowered += usize::from(once.is_ok());
    }
    assert!(lowered > 30, "too few bodies lowered: {lowered}");
}

/// Deleting any single token from valid input must not make the transform panic either.
#[test]
fn never_panics_on_truncated_input() {
    let src = "fn f(a: u32) -> u32 { let mut t = 0; for i in 0..a { t += g(i).await; if t > 3 { break; } } match h().await { Some(x) => x, None => t } }";
    let tokens: Vec<proc_macro2::TokenTree> =
        src.parse::<TokenStream>().unwrap().into_iter().collect();
    for skip in 0..tokens.len() {
        let item: TokenStream = tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, t)| t.clone())
            .collect();
        let out = std::panic::catch_unwind(|| expand(&TokenStream::new(), item));
        assert!(out.is_ok(), "the macro panicked without token {skip}");
    }
    for attr in ["boxed", "fast", "boxed, boxed", "= 1"] {
        let out = std::panic::catch_unwind(|| expand(&attr.parse().unwrap(), src.parse().unwrap()));
        assert!(out.is_ok(), "the macro panicked on attribute {attr}");
    }
}

/// Debug aid: `CORO_EXPAND=path/to/fn.rs cargo test -p coro-macros expand_file -- --nocapture`
/// prints the expansion of the function in that file (`CORO_EXPAND_ATTR='yield = u64'` sets the
/// attribute's arguments).
#[test]
fn expand_file() {
    let Some(path) = std::env::var_os("CORO_EXPAND") else {
        return;
    };
    let src = std::fs::read_to_string(path).unwrap();
    let attr: TokenStream = std::env::var("CORO_EXPAND_ATTR")
        .unwrap_or_default()
        .parse()
        .unwrap();
    println!("{}", pretty(&expand(&attr, src.parse().unwrap())));
}

#[test]
fn generator_options_parse() {
    use crate::signature;
    let item = quote::quote!(
        fn f() {}
    );
    let p = signature::parse(&quote::quote!(yield = u64, resume = f64), item.clone()).unwrap();
    assert!(p.yield_ty.is_some() && p.resume_ty.is_some() && !p.boxed);
    assert!(signature::parse(&quote::quote!(resume = f64), item.clone()).is_err());
    assert!(signature::parse(&quote::quote!(boxed, boxed), item.clone()).is_err());
    assert!(
        signature::parse(&quote::quote!(boxed), item.clone())
            .unwrap()
            .boxed
    );
    let p = signature::parse(&quote::quote!(send, boxed), item.clone()).unwrap();
    assert!(p.send && p.boxed);
    assert!(signature::parse(&quote::quote!(send, send), item.clone()).is_err());
    assert!(signature::parse(&quote::quote!(send = true), item).is_err());
}

/// Debug aid: `CORO_EXPAND_ALL=path/to/lib.rs cargo test --release -p coro-macros expand_all --
/// --nocapture` times the expansion of every `#[coro_core::coroutine]` fn in that file.
#[test]
fn expand_all() {
    let Some(path) = std::env::var_os("CORO_EXPAND_ALL") else {
        return;
    };
    let src = std::fs::read_to_string(path).unwrap();
    let file: syn::File = syn::parse_str(&src).unwrap();
    let fns: Vec<TokenStream> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => {
                let mut f = f.clone();
                f.attrs
                    .retain(|a| !a.path().segments.iter().any(|s| s.ident == "coroutine"));
                Some(quote::ToTokens::to_token_stream(&f))
            }
            _ => None,
        })
        .collect();
    let start = std::time::Instant::now();
    let mut bytes = 0;
    for f in &fns {
        bytes += expand(&TokenStream::new(), f.clone()).to_string().len();
    }
    println!(
        "{} fns expanded in {:?} ({} bytes of output)",
        fns.len(),
        start.elapsed(),
        bytes
    );
}
