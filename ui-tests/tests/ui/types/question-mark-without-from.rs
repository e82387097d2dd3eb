// `?` on an error with no `From` conversion into the coroutine's error type: the error is on
// the `?`, in terms of `From`, before and after an `.await`.
#[derive(Debug)]
struct ConfigError;

#[coro_core::coroutine]
fn port(text: String) -> Result<u16, ConfigError> {
    let port: u16 = text.parse()?;
    core::future::ready(()).await;
    let again: u16 = core::future::ready(text.parse::<u16>()).await?;
    Ok(port.max(again))
}

fn main() {
    let _ = port(String::new());
}
