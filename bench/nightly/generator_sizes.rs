//! Sizes of generators: `#[coro_core::coroutine(yield = ..)]` against the same body as a
//! nightly `#[coroutine] static || { .. yield .. }` closure. Nightly only; run it with
//! `scripts/generator_sizes.sh`, which prints a Markdown table.
#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]
use coro_core::yield_;
use std::mem::size_of_val;

#[coro_core::coroutine(yield = u64)]
fn fib() { let (mut a, mut b) = (0u64, 1u64); loop { yield_!(a); (a, b) = (b, a.wrapping_add(b)); } }

#[coro_core::coroutine(yield = u32)]
fn count(n: u32) { for i in 0..n { yield_!(i); } }

#[coro_core::coroutine(yield = u8)]
fn big_dead(buf: [u8; 1024]) { let s = buf.iter().map(|&b| b as u32).sum::<u32>(); yield_!(s as u8); yield_!(1); }

#[coro_core::coroutine(yield = u8)]
fn big_live(buf: [u8; 1024]) { yield_!(buf[0]); yield_!(buf[1]); }

#[coro_core::coroutine(yield = u8)]
fn disjoint() { { let a = [1u8; 512]; yield_!(a[0]); } { let b = [2u8; 512]; yield_!(b[0]); } }

#[coro_core::coroutine(yield = f64, resume = f64)]
fn averager() -> usize { let (mut total, mut n) = (0.0, 0usize); let mut avg = 0.0; loop { let x = yield_!(avg); if x.is_nan() { return n; } total += x; n += 1; avg = total / n as f64; } }

#[coro_core::coroutine(yield = String)]
fn strings(v: Vec<String>) { for s in v { yield_!(s); } }

fn main() {
    let rows: Vec<(&str, usize, usize)> = vec![
        ("fib", size_of_val(&fib()), size_of_val(&#[coroutine] static || { let (mut a, mut b) = (0u64, 1u64); loop { yield a; (a, b) = (b, a.wrapping_add(b)); } })),
        ("count", size_of_val(&count(3)), { let n = 3u32; size_of_val(&#[coroutine] static move || { for i in 0..n { yield i; } }) }),
        ("big_dead (1 KiB arg read before first yield)", size_of_val(&big_dead([0; 1024])), { let buf = [0u8; 1024]; size_of_val(&#[coroutine] static move || { let s = buf.iter().map(|&b| b as u32).sum::<u32>(); yield s as u8; yield 1u8; }) }),
        ("big_live (1 KiB arg read after yields)", size_of_val(&big_live([0; 1024])), { let buf = [0u8; 1024]; size_of_val(&#[coroutine] static move || { yield buf[0]; yield buf[1]; }) }),
        ("disjoint (two 512 B locals in disjoint scopes)", size_of_val(&disjoint()), size_of_val(&#[coroutine] static || { { let a = [1u8; 512]; yield a[0]; } { let b = [2u8; 512]; yield b[0]; } })),
        ("averager (resume = f64)", size_of_val(&averager()), size_of_val(&#[coroutine] static |mut x: f64| { let (mut total, mut n) = (0.0, 0usize); let mut avg = 0.0; loop { x = yield avg; if x.is_nan() { return n; } total += x; n += 1; avg = total / n as f64; } })),
        ("strings (Vec<String> iterated)", size_of_val(&strings(vec![])), { let v: Vec<String> = vec![]; size_of_val(&#[coroutine] static move || { for s in v { yield s; } }) }),
    ];
    println!("| case | nightly `#[coroutine]` closure (bytes) | `#[coro_core::coroutine(yield = ..)]` (bytes) | ours/nightly |");
    println!("|---|---:|---:|---:|");
    let mut logsum = 0.0;
    for (name, ours, nightly) in &rows {
        let r = *ours as f64 / *nightly as f64;
        logsum += r.ln();
        println!("| {name} | {nightly} | {ours} | {r:.2} |");
    }
    println!("| **geometric mean** | | | **{:.2}** |", (logsum / rows.len() as f64).exp());
}
