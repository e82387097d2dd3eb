fn send_or_wait(
    job: Job,
    urgent: bool,
) -> impl ::coro_core::Coroutine<Output = ()> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1, G2, G3, G4, G5, G6, G7> {
        S0 { __arg0: G0, __arg1: G1 },
        S1 { __fut: G2, __v3: G3, __v0: G4 },
        S2 { __fut: G5, __v3: G3 },
        S4 { __fut: G6, __v3: G3, __v1: G7 },
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(non_camel_case_types)]
    enum __CoroJump<J0, J1> {
        S3 { __v3: J0, __v1: J1 },
        __Resume,
    }
    impl<J0, J1> __CoroJump<J0, J1> {
        /// The rank of the arm to start at: this jump's, or `resumed` if none.
        #[inline]
        fn arm(&self, resumed: usize) -> usize {
            match self {
                Self::S3 { .. } => 3,
                Self::__Resume => resumed,
            }
        }
    }
    #[allow(non_camel_case_types, dead_code)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    mod __coro_held {
        pub(super) struct job<__CoroValue>(pub(super) __CoroValue);
        pub(super) struct log<__CoroValue>(pub(super) __CoroValue);
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1, G2, G3, G4, G5, G6, G7> __coro::StateEnum
    for __CoroState<G0, G1, G2, G3, G4, G5, G6, G7> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "send_or_wait",
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
                    Self::S4 { .. } => 4,
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
        #[allow(unused_mut, unreachable_code)]
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            __cx: &mut __coro::Context<'_>,
        | -> ::coro_core::__private::Poll<()> {
            let mut __next = __CoroJump::__Resume;
            '__dispatch: loop {
                '__s4: {
                    '__s3: {
                        '__s2: {
                            '__s1: {
                                '__s0: {
                                    match __next.arm(__coro::pinned_arm(__state.as_mut())) {
                                        0 => break '__s0,
                                        1 => break '__s1,
                                        2 => break '__s2,
                                        3 => break '__s3,
                                        4 => break '__s4,
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
                                    let urgent = __arg1;
                                    let log = Log::new();
                                    if urgent {
                                        {
                                            {
                                                __state
                                                    .set(__CoroState::S2 {
                                                        __fut: ::coro_core::__private::into_future(submit(job)),
                                                        __v3: __coro_held::log(log),
                                                    });
                                                break '__s2;
                                            }
                                        }
                                    } else {
                                        {
                                            {
                                                __state
                                                    .set(__CoroState::S1 {
                                                        __fut: ::coro_core::__private::into_future(idle()),
                                                        __v0: __coro_held::job(job),
                                                        __v3: __coro_held::log(log),
                                                    });
                                                break '__s1;
                                            }
                                        }
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
                                let (__out, __payload) = __coro::resume_state!(
                                    __state, __cx, __CoroState::S1 { __fut; __v0, __v3 }
                                );
                                #[allow(
                                    unused_mut,
                                    unused_variables,
                                    unused_assignments,
                                    unreachable_code
                                )]
                                let (__coro_held::job(job),) = (__payload.0,);
                                #[allow(
                                    unused_mut,
                                    unused_variables,
                                    unused_assignments,
                                    unreachable_code
                                )]
                                let mut __flag0;
                                #[allow(
                                    unused_mut,
                                    unused_variables,
                                    unused_assignments,
                                    unreachable_code
                                )]
                                let (__coro_held::log(log),) = (__payload.1,);
                                #[allow(unreachable_code)]
                                let __aw2 = __out;
                                ::core::mem::drop(__aw2);
                                __flag0 = ::core::option::Option::Some(job);
                                #[allow(unreachable_code)]
                                {
                                    __next = __CoroJump::S3 {
                                        __v1: __flag0,
                                        __v3: log,
                                    };
                                    break '__s3;
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
                            let mut __flag0;
                            #[allow(
                                unused_mut,
                                unused_variables,
                                unused_assignments,
                                unreachable_code
                            )]
                            let (__out, (__coro_held::log(log),)) = __coro::resume_state!(
                                __state, __cx, __CoroState::S2 { __fut; __v3 }
                            );
                            #[allow(unreachable_code)]
                            let __aw1 = __out;
                            ::core::mem::drop(__aw1);
                            __flag0 = ::core::option::Option::None;
                            #[allow(unreachable_code)]
                            {
                                __next = __CoroJump::S3 {
                                    __v1: __flag0,
                                    __v3: log,
                                };
                                break '__s3;
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
                        let __CoroJump::S3 { __v1: mut __flag0, __v3: log } = ::core::mem::replace(
                            &mut __next,
                            __CoroJump::__Resume,
                        ) else { __coro::unreachable_state() };
                        {
                            __state
                                .set(__CoroState::S4 {
                                    __fut: ::coro_core::__private::into_future(flush()),
                                    __v1: __coro_held::job(__flag0),
                                    __v3: __coro_held::log(log),
                                });
                            break '__s4;
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
                        __state, __cx, __CoroState::S4 { __fut; __v1, __v3 }
                    );
                    #[allow(unreachable_code)]
                    let __aw3 = __out;
                    ::core::mem::drop(__aw3);
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
