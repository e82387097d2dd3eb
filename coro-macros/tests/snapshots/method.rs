fn load(
    &mut self,
    key: &str,
) -> impl ::coro_core::Coroutine<Output = Result<u32, Error>> + ::core::fmt::Debug {
    use ::coro_core::__private as __coro;
    #[allow(non_camel_case_types)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    enum __CoroState<G0, G1, G2, G3> {
        S0 { __arg0: G0, __arg1: G1 },
        S1 { __fut: G2, __v0: G3 },
        __Running,
        __Done,
        __Panicked,
    }
    #[allow(non_camel_case_types)]
    enum __CoroJump<J0, J1> {
        S2 { __v0: J0, __in: J1 },
        __Resume,
    }
    impl<J0, J1> __CoroJump<J0, J1> {
        /// The rank of the arm to start at: this jump's, or `resumed` if none.
        #[inline]
        fn arm(&self, resumed: usize) -> usize {
            match self {
                Self::S2 { .. } => 2,
                Self::__Resume => resumed,
            }
        }
    }
    #[allow(non_camel_case_types, dead_code)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    mod __coro_held {
        pub(super) struct self_<__CoroValue>(pub(super) __CoroValue);
    }
    #[allow(unreachable_patterns)]
    #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
    impl<G0, G1, G2, G3> __coro::StateEnum for __CoroState<G0, G1, G2, G3> {
        const LIFE: __coro::Life<Self> = __coro::Life {
            name: "load",
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
            __arg0: self,
            __arg1: key,
        },
        #[cfg_attr(clippy, allow(clippy::all, clippy::pedantic))]
        move |
            mut __state,
            __cx: &mut __coro::Context<'_>,
        | -> ::coro_core::__private::Poll<Result<u32, Error>> {
            let mut __next = __CoroJump::__Resume;
            '__dispatch: loop {
                '__s2: {
                    '__s1: {
                        '__s0: {
                            match __next.arm(__coro::pinned_arm(__state.as_mut())) {
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
                            let mut __self = __arg0;
                            let key = __arg1;
                            {
                                {
                                    __state
                                        .set(__CoroState::S1 {
                                            __fut: ::coro_core::__private::into_future(
                                                __self.store.get(key),
                                            ),
                                            __v0: __coro_held::self_(__self),
                                        });
                                    break '__s1;
                                }
                            }
                        }
                    }
                    {
                        #[allow(unreachable_code)]
                        let (__out, (__coro_held::self_(mut __self),)) = __coro::resume_state!(
                            __state, __cx, __CoroState::S1 { __fut; __v0 }
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
                                            <Result<
                                                u32,
                                                Error,
                                            > as ::coro_core::__private::FromResidual<
                                                _,
                                            >>::from_residual(__residual),
                                        );
                                    }
                                },
                                __v0: __self,
                            };
                            break '__s2;
                        }
                    }
                }
                {
                    let __CoroJump::S2 { __v0: mut __self, __in: __join1 } = ::core::mem::replace(
                        &mut __next,
                        __CoroJump::__Resume,
                    ) else { __coro::unreachable_state() };
                    let v = __join1;
                    __self.hits += 1;
                    #[allow(unreachable_code)]
                    {
                        return ::coro_core::__private::Poll::Ready(Ok(v));
                    }
                }
            }
        },
    )
}
