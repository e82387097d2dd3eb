fn early(
    a: Option<u32>,
) -> impl ::coro_core::Coroutine<Output = Option<u32>> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1, G2> {
        S0 { __arg0: G0 },
        S1 { __fut: G1 },
        S3 { __fut: G2 },
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(non_camel_case_types)]
    enum __CoroJump<J0> {
        S2 { __in: J0 },
        __Resume,
    }
    impl<J0> __CoroJump<J0> {
        /// The rank of the arm to start at: this jump's, or `resumed` if none.
        #[inline]
        fn arm(&self, resumed: usize) -> usize {
            match self {
                Self::S2 { .. } => 2,
                Self::__Resume => resumed,
            }
        }
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1, G2> __coro::StateEnum for __CoroState<G0, G1, G2> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "early",
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
                    Self::S3 { .. } => 3,
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
        | -> ::coro_core::__private::Poll<Option<u32>> {
            let mut __next = __CoroJump::__Resume;
            '__dispatch: loop {
                '__s3: {
                    '__s2: {
                        '__s1: {
                            '__s0: {
                                match __next.arm(__coro::pinned_arm(__state.as_mut())) {
                                    0 => break '__s0,
                                    1 => break '__s1,
                                    2 => break '__s2,
                                    3 => break '__s3,
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
                                    {
                                        __state
                                            .set(__CoroState::S1 {
                                                __fut: ::coro_core::__private::into_future(ready(a)),
                                            });
                                        break '__s1;
                                    }
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
                            #[allow(unreachable_code)]
                            {
                                __next = __CoroJump::S2 {
                                    __in: match ::coro_core::__private::Branch::branch(
                                        ::coro_core::__private::operand(__aw1),
                                    ) {
                                        ::coro_core::__private::ControlFlow::Continue(__ok) => __ok,
                                        ::coro_core::__private::ControlFlow::Break(__residual) => {
                                            return ::coro_core::__private::Poll::Ready(
                                                <Option<
                                                    u32,
                                                > as ::coro_core::__private::FromResidual<
                                                    _,
                                                >>::from_residual(__residual),
                                            );
                                        }
                                    },
                                };
                                break '__s2;
                            }
                        }
                    }
                    {
                        let __CoroJump::S2 { __in: __join1 } = ::core::mem::replace(
                            &mut __next,
                            __CoroJump::__Resume,
                        ) else { __coro::unreachable_state() };
                        let x = __join1;
                        if x > 3 {
                            return ::coro_core::__private::Poll::Ready(Some(x));
                        }
                        {
                            __state
                                .set(__CoroState::S3 {
                                    __fut: ::coro_core::__private::into_future(ready(x)),
                                });
                            break '__s3;
                        }
                    }
                }
                {
                    #[allow(unreachable_code)]
                    let (__out, ()) = __coro::resume_state!(
                        __state, __cx, __CoroState::S3 { __fut; }
                    );
                    #[allow(unreachable_code)]
                    let __aw2 = __out;
                    #[allow(unreachable_code)]
                    {
                        return ::coro_core::__private::Poll::Ready(Some(__aw2 + 1));
                    }
                }
            }
        },
    )
}
