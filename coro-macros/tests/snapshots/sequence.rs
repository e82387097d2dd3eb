fn add(
    a: u32,
    b: u32,
) -> impl ::coro_core::Coroutine<Output = u32> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1, G2, G3, G4, G5> {
        S0 { __arg0: G0, __arg1: G1 },
        S1 { __fut: G2, __v1: G3 },
        S2 { __fut: G4, __v4: G5 },
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(non_camel_case_types, dead_code)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    mod __coro_held {
        pub(super) struct b<__CoroValue>(pub(super) __CoroValue);
        pub(super) struct temporary<__CoroValue>(pub(super) __CoroValue);
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1, G2, G3, G4, G5> __coro::StateEnum
    for __CoroState<G0, G1, G2, G3, G4, G5> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "add",
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
                    Self::S2 { .. } => 2,
                    Self::__Done => __coro::DONE_ARM,
                    Self::__Panicked => __coro::PANICKED_ARM,
                    Self::__Running => __coro::RUNNING_ARM,
                }
            }
        }
    }
    ::coro_core::__private::Frame::new(
        __CoroState::S0 {
            __arg0: a,
            __arg1: b,
        },
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            __cx: &mut __coro::Context<'_>,
        | -> ::coro_core::__private::Poll<u32> {
            '__dispatch: loop {
                '__s2: {
                    '__s1: {
                        '__s0: {
                            match __coro::pinned_arm(__state.as_mut()) {
                                0 => break '__s0,
                                1 => break '__s1,
                                2 => break '__s2,
                                _ => {
                                    __coro::not_resumable(
                                        __coro::pinned_phase(__state.as_mut()),
                                        __coro::Object::Coroutine,
                                    )
                                }
                            }
                        }
                        {
                            let (__arg0, __arg1) = __coro::take_state!(
                                __state, __CoroState::S0 { __arg0, __arg1 }
                            );
                            let a = __arg0;
                            let b = __arg1;
                            {
                                __state
                                    .set(__CoroState::S1 {
                                        __fut: ::coro_core::__private::into_future(ready(a)),
                                        __v1: __coro_held::b(b),
                                    });
                                break '__s1;
                            }
                        }
                    }
                    {
                        #[allow(
                            unused_mut,
                            unused_variables,
                            unused_assignments,
                            unreachable_code
                        )]
                        let (__out, (__coro_held::b(b),)) = __coro::resume_state!(
                            __state, __cx, __CoroState::S1 { __fut; __v1 }
                        );
                        #[allow(unreachable_code)]
                        let __aw1 = __out;
                        let x = __aw1;
                        let mut __t2 = x;
                        {
                            __state
                                .set(__CoroState::S2 {
                                    __fut: ::coro_core::__private::into_future(ready(b)),
                                    __v4: __coro_held::temporary(__t2),
                                });
                            break '__s2;
                        }
                    }
                }
                {
                    #[allow(unreachable_code)]
                    let (__out, (__coro_held::temporary(mut __t2),)) = __coro::resume_state!(
                        __state, __cx, __CoroState::S2 { __fut; __v4 }
                    );
                    #[allow(unreachable_code)]
                    let __aw3 = __out;
                    #[allow(unreachable_code)]
                    {
                        return ::coro_core::__private::Poll::Ready(__t2 + __aw3);
                    }
                }
            }
        },
    )
}
