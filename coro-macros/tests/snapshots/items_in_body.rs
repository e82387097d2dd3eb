fn scaled(a: u32) -> impl ::coro_core::Coroutine<Output = u32> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    use core::future::ready;
    const K: u32 = 10;
    fn helper(y: u32) -> u32 {
        y * K
    }
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1> {
        S0 { __arg0: G0 },
        S1 { __fut: G1 },
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1> __coro::StateEnum for __CoroState<G0, G1> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "scaled",
            running: Self::__Running,
            done: Self::__Done,
            panicked: Self::__Panicked,
        };
        #[inline]
        unsafe fn arm_at(this: *const Self) -> usize {
            unsafe {
                match *this {
                    Self::S0 { .. } => 0,
                    Self::S1 { .. } => 1,
                    Self::__Done => __coro::DONE_ARM,
                    Self::__Panicked => __coro::PANICKED_ARM,
                    Self::__Running => __coro::RUNNING_ARM,
                }
            }
        }
    }
    ::coro_core::__private::Frame::new(
        __CoroState::S0 { __arg0: a },
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            __cx: &mut __coro::Context<'_>,
        | -> ::coro_core::__private::Poll<u32> {
            '__dispatch: loop {
                '__s1: {
                    '__s0: {
                        match __coro::pinned_arm(__state.as_mut()) {
                            0 => break '__s0,
                            1 => break '__s1,
                            _ => {
                                __coro::not_resumable(
                                    __coro::pinned_phase(__state.as_mut()),
                                    __coro::Object::Coroutine,
                                )
                            }
                        }
                    }
                    {
                        let (__arg0,) = __coro::take_state!(
                            __state, __CoroState::S0 { __arg0 }
                        );
                        let a = __arg0;
                        {
                            __state
                                .set(__CoroState::S1 {
                                    __fut: ::coro_core::__private::into_future(ready(a)),
                                });
                            break '__s1;
                        }
                    }
                }
                {
                    #[allow(unreachable_code)]
                    let (__out, ()) = __coro::resume_state!(
                        __state, __cx, __CoroState::S1 { __fut; }
                    );
                    #[allow(unreachable_code)]
                    let __aw1 = __out;
                    let x = __aw1;
                    #[allow(unreachable_code)]
                    {
                        return ::coro_core::__private::Poll::Ready(helper(x));
                    }
                }
            }
        },
    )
}
