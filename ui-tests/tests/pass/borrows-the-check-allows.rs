// Borrows that look like the rejected ones (`borrow/*.rs`) but are fine: what is kept across the
// `.await` borrows the caller's data, or owns its data, or is finished before the `.await`.

#[coro_core::coroutine]
fn through_a_reference_parameter(v: &Vec<u32>) -> usize {
    let it = v.iter();
    let head = &v[0];
    core::future::ready(()).await;
    it.count() + *head as usize
}

#[coro_core::coroutine]
fn owned_results() -> u32 {
    let v = vec![1, 2, 3];
    let first = v.first().copied();
    let doubled: Vec<u32> = v.iter().map(|x| x * 2).collect();
    let n = v.iter().count();
    core::future::ready(()).await;
    first.unwrap_or(0) + doubled[2] + n as u32
}

#[coro_core::coroutine]
fn finished_before_the_await() -> usize {
    let v = vec![String::from("a")];
    let total = {
        let it = v.iter();
        it.map(String::len).sum::<usize>()
    };
    let text = "a static str";
    let words = text.split_whitespace();
    core::future::ready(()).await;
    total + words.count()
}

#[coro_core::coroutine]
fn ref_binding_of_a_parameter(v: &Option<String>) -> usize {
    match v {
        Some(s) => {
            core::future::ready(()).await;
            s.len()
        }
        None => 0,
    }
}

fn main() {
    assert_eq!(coro_core::block_on(through_a_reference_parameter(&vec![5, 6])), 7);
    assert_eq!(coro_core::block_on(owned_results()), 10);
    assert_eq!(coro_core::block_on(finished_before_the_await()), 4);
    assert_eq!(
        coro_core::block_on(ref_binding_of_a_parameter(&Some(String::from("abc")))),
        3
    );
}
