fn send_or_keep(
    job: Job,
    urgent: bool,
) -> impl ::coro_core::Coroutine<Output = ()> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1, G2, G3, G4> {
        S0 { __arg0: G0, __arg1: G1 },
        S1 { __fut: G2, __v3: G3, __v1: G4 },
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(non_camel_case_types, dead_code)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    mod __coro_held {
        pub(super) struct job<__CoroValue>(pub(super) __CoroValue);
        pub(super) struct log<__CoroValue>(pub(super) __CoroValue);
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1, G2, G3, G4> __coro::StateEnum for __CoroState<G0, G1, G2, G3, G4> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "send_or_keep",
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
        __CoroState::S0 {
            __arg0: job,
            __arg1: urgent,
        },
        #[allow(unreachable_code)]
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            __cx: &mut __coro::Context<'_>,
        | -> ::coro_core::__private::Poll<()> {
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
                        let (__arg0, __arg1) = __coro::take_state!(
                            __state, __CoroState::S0 { __arg0, __arg1 }
                        );
                        let job = __arg0;
                        let mut __flag0;
                        let urgent = __arg1;
                        let log = Log::new();
                        {
                            let (__value, __f) = if urgent {
                                let __r = {
                                    submit(job);
                                };
                                (__r, (::core::option::Option::None,))
                            } else {
                                let __r = {};
                                (__r, (::core::option::Option::Some(job),))
                            };
                            (__flag0,) = __f;
                            __value
                        }
                        {
                            __state
                                .set(__CoroState::S1 {
                                    __fut: ::coro_core::__private::into_future(flush()),
                                    __v1: __coro_held::job(__flag0),
                                    __v3: __coro_held::log(log),
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
                    let (
                        __out,
                        (__coro_held::job(mut __flag0), __coro_held::log(log)),
                    ) = __coro::resume_state!(
                        __state, __cx, __CoroState::S1 { __fut; __v1, __v3 }
                    );
                    #[allow(unreachable_code)]
                    let __aw1 = __out;
                    ::core::mem::drop(__aw1);
                    log.close();
                    #[allow(unreachable_code)]
                    {
                        return ::coro_core::__private::Poll::Ready(());
                    }
                }
            }
        },
    )
}
