trait Fetch {
    #[coro_core::coroutine]
    fn fetch(&self) -> u32;
}

fn main() {}
