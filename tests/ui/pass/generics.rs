use std::fmt::Display;

use agentcore_identity_runtime::{Error, SecretString, requires_api_key};

#[requires_api_key(provider = "openai")]
pub async fn generic<'a, T, const N: usize>(
    items: &'a [T; N],
    api_key: SecretString,
    label: impl Into<String>,
) -> Result<impl Iterator<Item = &'a T> + 'a, Error>
where
    T: Display + Sync,
{
    let _ = (api_key, label.into());
    Ok(items.iter())
}

#[requires_api_key(provider = "openai")]
pub fn blocking_generic<T: Clone + Display>(
    value: &T,
    api_key: SecretString,
) -> Result<impl Display, Error> {
    let _ = api_key;
    Ok(value.clone())
}

#[requires_api_key(provider = "openai")]
pub async fn borrowed<'a>(text: &'a str, api_key: SecretString) -> Result<&'a str, Error> {
    let _ = api_key;
    Ok(text)
}

pub struct Wrapper<T>(T);

impl<T: Display + Send + Sync> Wrapper<T> {
    #[requires_api_key(provider = "openai")]
    pub async fn show<U>(&self, other: U, api_key: SecretString) -> Result<String, Error>
    where
        U: Display + Send,
    {
        let _ = api_key;
        Ok(format!("{}{other}", self.0))
    }
}

#[allow(dead_code)]
async fn caller() -> Result<(), Error> {
    let _ = generic(&[1, 2], "label").await?.count();
    let _ = blocking_generic(&1)?;
    let _ = borrowed("text").await?;
    let _ = Wrapper(1).show(2).await?;
    Ok(())
}

fn main() {}
