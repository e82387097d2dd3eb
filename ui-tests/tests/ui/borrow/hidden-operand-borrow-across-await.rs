// An operand evaluated before an `.await` in the same call (`v.first()` here) is kept in a
// hidden local across the suspension. When it borrows a local, the error names the
// expression the user wrote, not the macro's hidden name for its value.
fn pair(a: Option<&u32>, b: u32) -> u32 {
    a.copied().unwrap_or(0) + b
}

#[coro_core::coroutine]
fn first_plus_one() -> u32 {
    let v = vec![1, 2, 3];
    pair(v.first(), core::future::ready(1).await)
}

fn main() {
    let _ = first_plus_one();
}
