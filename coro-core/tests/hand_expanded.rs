//! Hand-written expansion prototype.
use coro_core::__private as p;

struct D(&'static str);
impl Drop for D {
    fn drop(&mut self) {
        println!("drop {}", self.0);
    }
}

fn demo<'a>(
    log: &'a str,
    n: u32,
) -> impl coro_core::Coroutine<Output = Result<u32, String>> + core::fmt::Debug {
    p::pin_project! {
        #[project = Proj]
        #[project_replace = Repl]
        enum State<A0, A1, B0, B1, B2> {
            Start { n: A0, log: A1 },
            S1 { #[pin] fut: B0, acc: B1, log: B2 },
            Running,
        }
    }
    p::Frame::new(
        "demo",
        State::Start { n, log },
        |mut state: p::Pin<&mut State<_, _, _, _, _>>,
         cx: &mut p::Context<'_>|
         -> p::Poll<Result<u32, String>> {
            '__dispatch: loop {
                match state.as_mut().project() {
                    Proj::Start { .. } => {
                        let Repl::Start { n, log } = state.as_mut().project_replace(State::Running)
                        else {
                            unreachable!()
                        };
                        let acc = D("acc");
                        state.set(State::S1 {
                            fut: p::IntoFuture::into_future(async move { n + 1 }),
                            acc,
                            log,
                        });
                        continue '__dispatch;
                    }
                    Proj::S1 { fut, .. } => {
                        let out = match p::Future::poll(fut, cx) {
                            p::Poll::Ready(v) => v,
                            p::Poll::Pending => return p::Poll::Pending,
                        };
                        let Repl::S1 { fut: _, acc, log } =
                            state.as_mut().project_replace(State::Running)
                        else {
                            unreachable!()
                        };
                        let _ = &acc;
                        let v = match p::Branch::branch(if out > 2 {
                            Ok(out)
                        } else {
                            Err(log.to_string())
                        }) {
                            p::ControlFlow::Continue(v) => v,
                            p::ControlFlow::Break(r) => {
                                return p::Poll::Ready(p::FromResidual::from_residual(r));
                            }
                        };
                        return p::Poll::Ready(Ok(v));
                    }
                    Proj::Running => unreachable!(),
                }
            }
        },
    )
}

#[test]
fn proto() {
    let s = String::from("x");
    let c = demo(&s, 4);
    println!("{c:?}");
    assert_eq!(coro_core::block_on(c), Ok(5));
    assert_eq!(coro_core::block_on(demo(&s, 0)), Err("x".into()));
}
