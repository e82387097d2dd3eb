fn counted(
    n: u32,
) -> impl ::coro_core::Generator<
    (),
    Yield = u32,
    Return = Result<u32, String>,
> + ::core::iter::Iterator<Item = u32> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1> {
        S0 { __arg0: G0 },
        S1 { __v1: G1 },
        __Running,
        __Done,
        __Panicked,
    }
    impl<G0, G1> ::core::marker::Unpin for __CoroState<G0, G1> {}
    #[allow(non_camel_case_types, dead_code)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    mod __coro_held {
        pub(super) struct m<__CoroValue>(pub(super) __CoroValue);
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1> __coro::StateEnum for __CoroState<G0, G1> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "counted",
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
    ::coro_core::__private::GenFrame::new(
        __CoroState::S0 { __arg0: n },
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            mut __resume: ::core::option::Option<()>,
        | -> ::coro_core::__private::GeneratorState<u32, Result<u32, String>> {
            '__dispatch: loop {
                '__s1: {
                    '__s0: {
                        match __coro::pinned_arm(__state.as_mut()) {
                            0 => break '__s0,
                            1 => break '__s1,
                            _ => {
                                __coro::not_resumable(
                                    __coro::pinned_phase(__state.as_mut()),
                                    __coro::Object::Generator,
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
                        let m = match ::coro_core::__private::Branch::branch(
                            ::coro_core::__private::operand(checked(n)),
                        ) {
                            ::coro_core::__private::ControlFlow::Continue(__ok) => __ok,
                            ::coro_core::__private::ControlFlow::Break(__residual) => {
                                return ::coro_core::__private::GeneratorState::Complete(
                                    <Result<
                                        u32,
                                        String,
                                    > as ::coro_core::__private::FromResidual<
                                        _,
                                    >>::from_residual(__residual),
                                );
                            }
                        };
                        {
                            let __yielded: u32 = m;
                            __state
                                .set(__CoroState::S1 {
                                    __v1: __coro_held::m(m),
                                });
                            return ::coro_core::__private::GeneratorState::Yielded(
                                __yielded,
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
                        __state, __CoroState::S1 { __v1 }
                    );
                    let __aw1 = match __resume.take() {
                        ::core::option::Option::Some(v) => v,
                        ::core::option::Option::None => {
                            ::core::unreachable!(
                                "a started generator is resumed with a value"
                            )
                        }
                    };
                    ::core::mem::drop(__aw1);
                    if m > 1 {
                        return ::coro_core::__private::GeneratorState::Complete(Ok(m));
                    }
                    #[allow(unreachable_code)]
                    {
                        return ::coro_core::__private::GeneratorState::Complete(Ok(0));
                    }
                }
            }
        },
    )
}
