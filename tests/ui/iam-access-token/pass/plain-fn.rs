use agentcore_identity_runtime::{Error, SecretString, requires_iam_access_token};

#[requires_iam_access_token(audience = ["https://api.partner.example"])]
pub fn invoice_count(month: u8, access_token: SecretString) -> Result<u32, Error> {
    let _ = access_token;
    Ok(u32::from(month))
}

#[requires_iam_access_token(audience = ["https://api.partner.example"], into = "jwt")]
pub fn generic<T: Into<u32>>(jwt: SecretString, value: T) -> anyhow::Result<u32>
where
    T: Copy,
{
    let _ = jwt;
    Ok(value.into())
}

#[allow(dead_code)]
fn caller() -> anyhow::Result<u32> {
    invoice_count(3)?;
    generic(7u8)
}

fn main() {}
