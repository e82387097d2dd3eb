use core::future::Future;

trait Fetch {
    fn fetch(&self, key: u32) -> impl Future<Output = u32>;
}

struct Db {
    scale: u32,
}

impl Fetch for Db {
    #[coro_core::coroutine]
    fn fetch(&self, key: u32) -> u32 {
        let k = core::future::ready(key).await;
        k * self.scale
    }
}

fn main() {
    let db = Db { scale: 3 };
    assert_eq!(coro_core::block_on(db.fetch(2)), 6);
}
