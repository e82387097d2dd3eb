fn main() {
    let lp = coro_loop::EventLoop::new();
    let () = lp.run_until_complete(coro_loop::gather!());
}
