fn count(
    names: Vec<String>,
) -> impl ::coro_core::Coroutine<Output = usize> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1, G2, G3, G4> {
        S0 { __arg0: G0 },
        S3 { __fut: G1, __v3: G2, __v2: G3, __v1: G4 },
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(non_camel_case_types)]
    enum __CoroJump<J0, J1, J2> {
        S1 { __v3: J0, __v2: J1, __v1: J2 },
        S2 { __v2: J1, __v1: J2 },
        S4 { __v3: J0, __v2: J1, __v1: J2 },
        __Resume,
    }
    impl<J0, J1, J2> __CoroJump<J0, J1, J2> {
        /// The rank of the arm to start at: this jump's, or `resumed` if none.
        #[inline]
        fn arm(&self, resumed: usize) -> usize {
            match self {
                Self::S1 { .. } => 1,
                Self::S2 { .. } => 2,
                Self::S4 { .. } => 4,
                Self::__Resume => resumed,
            }
        }
    }
    #[allow(non_camel_case_types, dead_code)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    mod __coro_held {
        pub(super) struct guard<__CoroValue>(pub(super) __CoroValue);
        pub(super) struct total<__CoroValue>(pub(super) __CoroValue);
        pub(super) struct for_loop_iterator<__CoroValue>(pub(super) __CoroValue);
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1, G2, G3, G4> __coro::StateEnum for __CoroState<G0, G1, G2, G3, G4> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "count",
            running: Self::__Running,
            done: Self::__Done,
            panicked: Self::__Panicked,
        };
        #[inline]
        unsafe fn arm_at(this: *const Self) -> usize {
            unsafe {
                match *this {
                    Self::S0 { .. } => 0,
                    Self::S3 { .. } => 3,
                    Self::__Done => __coro::DONE_ARM,
                    Self::__Panicked => __coro::PANICKED_ARM,
                    Self::__Running => __coro::RUNNING_ARM,
                }
            }
        }
    }
    ::coro_core::__private::Frame::new(
        __CoroState::S0 { __arg0: names },
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            __cx: &mut __coro::Context<'_>,
        | -> ::coro_core::__private::Poll<usize> {
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
                                    let (__arg0,) = __coro::take_state!(
                                        __state, __CoroState::S0 { __arg0 }
                                    );
                                    let names = __arg0;
                                    let guard = Guard::new();
                                    let mut total = 0;
                                    {
                                        let mut __iter1 = ::core::iter::IntoIterator::into_iter(
                                            names,
                                        );
                                        #[allow(unreachable_code)]
                                        {
                                            __next = __CoroJump::S1 {
                                                __v1: guard,
                                                __v2: {
                                                    let _ = &mut total;
                                                    total
                                                },
                                                __v3: __iter1,
                                            };
                                            break '__s1;
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
                                let __CoroJump::S1 {
                                    __v1: guard,
                                    __v2: mut total,
                                    __v3: mut __iter1,
                                } = ::core::mem::replace(&mut __next, __CoroJump::__Resume)
                                else { __coro::unreachable_state() };
                                {
                                    match ::core::iter::Iterator::next(&mut __iter1) {
                                        ::core::option::Option::Some(name) => {
                                            if name.is_empty() {
                                                {
                                                    #[allow(unreachable_code)]
                                                    {
                                                        __next = __CoroJump::S1 {
                                                            __v1: guard,
                                                            __v2: total,
                                                            __v3: __iter1,
                                                        };
                                                        continue '__dispatch;
                                                    }
                                                };
                                            }
                                            {
                                                {
                                                    __state
                                                        .set(__CoroState::S3 {
                                                            __fut: ::coro_core::__private::into_future(fetch(name)),
                                                            __v1: __coro_held::guard(guard),
                                                            __v2: __coro_held::total(total),
                                                            __v3: __coro_held::for_loop_iterator(__iter1),
                                                        });
                                                    break '__s3;
                                                }
                                            }
                                        }
                                        ::core::option::Option::None => {
                                            __next = __CoroJump::S2 {
                                                __v1: guard,
                                                __v2: total,
                                            };
                                            break '__s2;
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
                            let __CoroJump::S2 { __v1: guard, __v2: mut total } = ::core::mem::replace(
                                &mut __next,
                                __CoroJump::__Resume,
                            ) else { __coro::unreachable_state() };
                            #[allow(unreachable_code)]
                            {
                                return ::coro_core::__private::Poll::Ready(total);
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
                            (
                                __coro_held::guard(guard),
                                __coro_held::total(mut total),
                                __coro_held::for_loop_iterator(mut __iter1),
                            ),
                        ) = __coro::resume_state!(
                            __state, __cx, __CoroState::S3 { __fut; __v1, __v2, __v3 }
                        );
                        #[allow(unreachable_code)]
                        let __aw2 = __out;
                        let mut __t3 = __aw2;
                        total += __t3.len();
                        #[allow(unreachable_code)]
                        {
                            __next = __CoroJump::S4 {
                                __v1: guard,
                                __v2: total,
                                __v3: __iter1,
                            };
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
                    let __CoroJump::S4 {
                        __v1: guard,
                        __v2: mut total,
                        __v3: mut __iter1,
                    } = ::core::mem::replace(&mut __next, __CoroJump::__Resume) else {
                        __coro::unreachable_state()
                    };
                    {
                        __next = __CoroJump::S1 {
                            __v1: guard,
                            __v2: total,
                            __v3: __iter1,
                        };
                        continue '__dispatch;
                    }
                }
            }
        },
    )
}
