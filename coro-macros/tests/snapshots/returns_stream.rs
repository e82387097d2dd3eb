#[must_use = "async generators do nothing unless polled as a stream"]
fn numbers(n: u32) -> impl ::coro_core::Stream<Item = u32> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1, G2> {
        S0 { __arg0: G0 },
        S1 { __fut: G1 },
        S2 { __v2: G2 },
        S3 {},
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(non_camel_case_types, dead_code)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    mod __coro_held {
        pub(super) struct m<__CoroValue>(pub(super) __CoroValue);
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1, G2> __coro::StateEnum for __CoroState<G0, G1, G2> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "numbers",
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
                    Self::S3 { .. } => 3,
                    Self::__Done => __coro::DONE_ARM,
                    Self::__Panicked => __coro::PANICKED_ARM,
                    Self::__Running => __coro::RUNNING_ARM,
                }
            }
        }
    }
    ::coro_core::__private::StreamFrame::new(
        __CoroState::S0 { __arg0: n },
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            __cx: &mut __coro::Context<'_>,
        | -> ::coro_core::__private::Poll<::core::option::Option<u32>> {
            '__dispatch: loop {
                '__s3: {
                    '__s2: {
                        '__s1: {
                            '__s0: {
                                match __coro::pinned_arm(__state.as_mut()) {
                                    0 => break '__s0,
                                    1 => break '__s1,
                                    2 => break '__s2,
                                    3 => break '__s3,
                                    _ => {
                                        __coro::not_resumable(
                                            __coro::pinned_phase(__state.as_mut()),
                                            __coro::Object::AsyncGenerator,
                                        )
                                    }
                                }
                            }
                            {
                                let (__arg0,) = __coro::take_state!(
                                    __state, __CoroState::S0 { __arg0 }
                                );
                                let n = __arg0;
                                coro_core::yield_!(@ __coro_used);
                                {
                                    __state
                                        .set(__CoroState::S1 {
                                            __fut: ::coro_core::__private::into_future(ready(n)),
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
                            let m = __aw1;
                            {
                                let __yielded: u32 = m;
                                __state
                                    .set(__CoroState::S2 {
                                        __v2: __coro_held::m(m),
                                    });
                                return ::coro_core::__private::Poll::Ready(
                                    ::core::option::Option::Some(__yielded),
                                );
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
                        let (__coro_held::m(m),) = __coro::take_state!(
                            __state, __CoroState::S2 { __v2 }
                        );
                        let __aw2 = ();
                        ::core::mem::drop(__aw2);
                        if m > 1 {
                            return {
                                let () = ();
                                ::coro_core::__private::Poll::Ready(
                                    ::core::option::Option::None,
                                )
                            };
                        }
                        {
                            let __yielded: u32 = m + 1;
                            __state.set(__CoroState::S3 {});
                            return ::coro_core::__private::Poll::Ready(
                                ::core::option::Option::Some(__yielded),
                            );
                        }
                    }
                }
                {
                    let () = __coro::take_state!(__state, __CoroState::S3 {});
                    let __aw3 = ();
                    ::core::mem::drop(__aw3);
                    #[allow(unreachable_code)]
                    {
                        return {
                            let () = ();
                            ::coro_core::__private::Poll::Ready(
                                ::core::option::Option::None,
                            )
                        };
                    }
                }
            }
        },
    )
}
