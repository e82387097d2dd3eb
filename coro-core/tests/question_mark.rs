//! `?` in a coroutine converts like rustc's: `Result` errors through `From` (into the same type,
//! a user type with a `From` impl, `Box<dyn Error>` from any error or from `&str` / `String`),
//! `Option` and `ControlFlow` as they are, in coroutines and generators, before and after an
//! `.await`. (The errors when no conversion exists are ui-tests/tests/ui/types/question-mark-*.)

use coro_core::{Generator, GeneratorState, block_on, yield_};
use std::error::Error;
use std::fmt;
use std::num::ParseIntError;
use std::ops::ControlFlow;
use std::pin::pin;

#[derive(Debug, PartialEq)]
struct ConfigError(String);

impl From<ParseIntError> for ConfigError {
    fn from(e: ParseIntError) -> Self {
        ConfigError(e.to_string())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for ConfigError {}

#[coro_core::coroutine]
fn doubled(text: String) -> Result<u32, ConfigError> {
    let x: u32 = text.parse()?;
    core::future::ready(()).await;
    let y: u32 = core::future::ready(text.parse::<u32>()).await?;
    let same: Result<u32, ConfigError> = Ok(0);
    Ok(x + y + same?)
}

#[coro_core::coroutine]
fn boxed_errors(text: String) -> Result<u32, Box<dyn Error>> {
    let x: u32 = text.parse()?;
    core::future::ready(()).await;
    let y = doubled(text).await?;
    if x == 0 {
        Err("zero")?;
    }
    if x == 1 {
        Err(String::from("one"))?;
    }
    Ok(x + y)
}

#[coro_core::coroutine]
fn second(v: Vec<u32>) -> Option<u32> {
    v.first()?;
    core::future::ready(()).await;
    core::future::ready(v.get(1).copied()).await
}

#[coro_core::coroutine]
fn flow(c: ControlFlow<u8, u32>) -> ControlFlow<u8, u32> {
    let x = c?;
    core::future::ready(()).await;
    if x == 0 {
        ControlFlow::Break(7)?;
    }
    ControlFlow::Continue(x)
}

#[coro_core::coroutine(yield = u32)]
fn parsed(words: Vec<&'static str>) -> Result<(), ConfigError> {
    for w in words {
        yield_!(w.parse::<u32>()?);
    }
    Ok(())
}

#[test]
fn result_errors_convert_with_from() {
    assert_eq!(block_on(doubled("2".into())), Ok(4));
    assert_eq!(
        block_on(doubled("x".into())),
        Err(ConfigError("invalid digit found in string".into()))
    );
    assert_eq!(block_on(boxed_errors("2".into())).unwrap(), 6);
    assert_eq!(
        block_on(boxed_errors("0".into())).unwrap_err().to_string(),
        "zero"
    );
    assert_eq!(
        block_on(boxed_errors("1".into())).unwrap_err().to_string(),
        "one"
    );
    let e = block_on(boxed_errors("-".into())).unwrap_err();
    assert!(e.downcast_ref::<ParseIntError>().is_some(), "{e:?}");
}

#[test]
fn option_and_control_flow_return_as_they_are() {
    assert_eq!(block_on(second(vec![1, 2])), Some(2));
    assert_eq!(block_on(second(vec![1])), None);
    assert_eq!(block_on(second(vec![])), None);
    assert_eq!(
        block_on(flow(ControlFlow::Continue(3))),
        ControlFlow::Continue(3)
    );
    assert_eq!(
        block_on(flow(ControlFlow::Continue(0))),
        ControlFlow::Break(7)
    );
    assert_eq!(block_on(flow(ControlFlow::Break(1))), ControlFlow::Break(1));
}

#[test]
fn a_generator_returns_the_converted_error() {
    let mut g = pin!(parsed(vec!["1", "x"]));
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(1));
    assert_eq!(
        g.as_mut().resume(()),
        GeneratorState::Complete(Err(ConfigError("invalid digit found in string".into())))
    );
}
