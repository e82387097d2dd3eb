//! Prints the state-size table of the corpus as Markdown:
//! `cargo run -p coro-bench --example sizes`.

fn main() {
    let rows = coro_bench::rows();
    print!("{}", coro_bench::markdown_table(&rows));
}
